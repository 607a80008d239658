// The PostgreSQL test cluster shared by every test of one binary (store_postgres_test): started
// once by a GoogleTest environment, stopped when the binary ends. When PostgreSQL or PostGIS is
// missing, every test is skipped with "SKIPPED: …" — or fails when the environment variable CI
// is set (CI must run them; tests/node/missing_tool.cmake is the same rule for tools).
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "postgres_cluster.hpp"

namespace css::store::testing {

class PgClusterEnv : public ::testing::Environment {
 public:
  void SetUp() override {
    if (auto m = css::testing::PostgresCluster::missing()) {
      const char* ci = std::getenv("CI");
      if (ci && *ci)
        FAIL() << *m << " not installed, and CI must run this test (run scripts/bootstrap)";
      std::printf("SKIPPED: store_postgres: %s not installed (run scripts/bootstrap)\n",
                  m->c_str());
      GTEST_SKIP();
    }
    auto c = css::testing::PostgresCluster::start();
    ASSERT_TRUE(c.ok()) << c.error().message;
    cluster_ = std::move(*c);
  }
  void TearDown() override { cluster_.reset(); }

  static css::testing::PostgresCluster* cluster() { return cluster_.get(); }

 private:
  static inline std::unique_ptr<css::testing::PostgresCluster> cluster_;
};

// A fresh database's URL, or "" (the test then fails on opening it) without a cluster.
inline std::string fresh_pg_url() {
  auto* c = PgClusterEnv::cluster();
  if (!c) return "";
  auto url = c->fresh_database();
  EXPECT_TRUE(url.ok()) << url.error().message;
  return url.ok() ? *url : "";
}

}  // namespace css::store::testing

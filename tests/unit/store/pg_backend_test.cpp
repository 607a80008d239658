// What only the PostgreSQL backend has to show: migrations from an older schema in place, refusal
// of foreign or newer databases, errors that name the URL without its password, bounding boxes
// served by the GiST index and correct where a geodesic polygon would not be, and text that
// PostgreSQL would refuse (invalid UTF-8, NUL) stored instead of failing a batch.
#include <gtest/gtest.h>

#include <pqxx/pqxx>
#include <string>

#include "conformance.hpp"
#include "pg_cluster_env.hpp"
#include "postgres/pg_schema.hpp"
#include "store_test_util.hpp"

namespace css::store::testing {
namespace {

constexpr double kT0 = 1715982000.0;

class PgBackend : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!PgClusterEnv::cluster()) GTEST_SKIP() << "no cluster";
    auto url = PgClusterEnv::cluster()->fresh_database();
    ASSERT_TRUE(url.ok()) << url.error().message;
    url_ = *url;
    db_ = url_.substr(url_.rfind('/') + 1);
  }
  Status psql(const std::string& sql) { return PgClusterEnv::cluster()->psql(db_, sql); }

  std::string url_, db_;
};

TEST_F(PgBackend, MigrationsAreInStepWithSqlite) {
  EXPECT_EQ(pg::migrations().back().version, current_schema_version());
  for (std::size_t i = 0; i < pg::migrations().size(); ++i)
    EXPECT_EQ(pg::migrations()[i].version, static_cast<int>(i + 1));
}

TEST_F(PgBackend, UpgradesAVersionOneSchemaInPlace) {
  ASSERT_TRUE(psql(std::string(pg::migrations()[0].sql) +
                   "INSERT INTO schema_migrations (version, summary) VALUES (1, 'events');"
                   "INSERT INTO events VALUES ('" +
                   uuid_for(1) +
                   "', 'old-node', 1, 1715982000.5, 'sudden_displacement', 0.9, 0, 0, 9.8, "
                   "10.5, 20.5, 'sha256:" +
                   std::string(64, 'a') + "', 1);"));
  auto store = open_store(url_);
  ASSERT_TRUE(store.ok()) << store.error().message;
  EXPECT_EQ(*(*store)->schema_version(), current_schema_version());
  // The old row kept, now found through the geography column added by v2.
  auto page = (*store)->events({.filter = {.bbox = BoundingBox{20, 10, 21, 11}}});
  ASSERT_TRUE(page.ok()) << page.error().message;
  ASSERT_EQ(page->events.size(), 1u);
  EXPECT_EQ(page->events[0].device, "old-node");
  ASSERT_TRUE((*store)->append_events(std::vector<Event>{make_event({.n = 2})}, kT0).ok());
}

TEST_F(PgBackend, RefusesANewerSchema) {
  ASSERT_TRUE(open_store(url_).ok());
  ASSERT_TRUE(psql("INSERT INTO schema_migrations (version, summary) VALUES (99, 'future')"));
  auto store = open_store(url_);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, ErrorCode::kUnsupported);
  EXPECT_NE(store.error().message.find("newer"), std::string::npos) << store.error().message;
}

TEST_F(PgBackend, RefusesADatabaseOfSomeoneElse) {
  ASSERT_TRUE(psql("CREATE TABLE invoices (n integer)"));
  auto store = open_store(url_);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, ErrorCode::kParse);
  EXPECT_NE(store.error().message.find("not a CitySafeSense store"), std::string::npos)
      << store.error().message;
}

TEST_F(PgBackend, ErrorsNameTheUrlWithoutThePassword) {
  const auto port = std::to_string(PgClusterEnv::cluster()->port());
  auto missing = open_store("postgresql://postgres:s3cret@127.0.0.1:" + port + "/no_such_db");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_NE(missing.error().message.find("createdb"), std::string::npos);
  EXPECT_EQ(missing.error().message.find("s3cret"), std::string::npos) << missing.error().message;
  EXPECT_NE(missing.error().message.find("postgres:***@"), std::string::npos);
  // A port nobody listens on (the cluster's port + 1 is not guaranteed free, 1 is: root-only).
  auto refused = open_store("postgresql://u:s3cret@127.0.0.1:1/x?connect_timeout=5");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kIo);
  EXPECT_EQ(refused.error().message.find("s3cret"), std::string::npos);
  EXPECT_EQ(refused.error().message.find('\n'), std::string::npos);
}

TEST_F(PgBackend, WideBoxesKeepPointsOnTheirEquatorSideEdge) {
  auto store = open_store(url_);
  ASSERT_TRUE(store.ok()) << store.error().message;
  // A polygon's great-circle edge from (10, -170) to (10, 170) bows to the pole: (10, 0) would
  // fall outside it. The box is lat/lon, so it must be found.
  ASSERT_TRUE((*store)
                  ->append_events(std::vector<Event>{make_event({.n = 1, .lat = 10, .lon = 0}),
                                                     make_event({.n = 2, .lat = 60, .lon = 179.9}),
                                                     make_event({.n = 3, .lat = -0.001, .lon = 5})},
                                  kT0)
                  .ok());
  auto page = (*store)->events({.filter = {.bbox = BoundingBox{-170, 10, 170, 60}}});
  ASSERT_TRUE(page.ok()) << page.error().message;
  ASSERT_EQ(page->events.size(), 1u);
  EXPECT_EQ(page->events[0].seq, 1u);
  page = (*store)->events({.filter = {.bbox = BoundingBox{-180, -90, 180, 90}}});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->events.size(), 3u);
}

TEST_F(PgBackend, BoxQueriesUseTheGistIndex) {
  auto store = open_store(url_);
  ASSERT_TRUE(store.ok()) << store.error().message;
  pqxx::connection conn(url_);
  pqxx::work tx(conn);
  tx.exec("SET enable_seqscan = off");
  const auto plan = tx.exec(
      "EXPLAIN SELECT id FROM events WHERE geog && "
      "'SRID=4326;MULTIPOINT(20 10,21 10,20 11,21 11)'::geography");
  std::string text;
  for (const auto& r : plan) text += r[0].as<std::string>() + "\n";
  EXPECT_NE(text.find("events_geog"), std::string::npos) << text;
}

TEST_F(PgBackend, TextPostgresRefusesIsRepairedNotFatal) {
  auto store = open_store(url_);
  ASSERT_TRUE(store.ok()) << store.error().message;
  Batch b;
  b.received_at = kT0;
  b.events = {make_event({.n = 1})};
  b.dead_letters = {{0, kT0, std::string("citysafesense/events/a\0b", 24), "invalid_utf8",
                     "bad byte \xff in field", "\xff\xfe", 0}};
  auto r = (*store)->append(b);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->events_stored, 1u);
  auto letters = (*store)->dead_letters(10, std::nullopt);
  ASSERT_TRUE(letters.ok());
  ASSERT_EQ(letters->size(), 1u);
  EXPECT_EQ((*letters)[0].payload, "\xff\xfe");  // payload bytes exactly (bytea)
  EXPECT_EQ((*letters)[0].reason, "bad byte ? in field");
  EXPECT_EQ((*letters)[0].topic, "citysafesense/events/a?b");
}

}  // namespace
}  // namespace css::store::testing

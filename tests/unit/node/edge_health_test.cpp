// `citysafe edge --health`: the running node serves /health with the seed's fields and the
// runtime's, whose counters follow the pipeline, and /metrics in Prometheus text format.
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "css/http/client.hpp"
#include "edge_fixture.hpp"

namespace css::node {
namespace {

using namespace test;  // NOLINT: the fixture's helpers

int served_port(const std::string& log) {
  static const std::regex re(R"(\[HEALTH\] Serving http://127\.0\.0\.1:(\d+)/health)");
  std::smatch m;
  return std::regex_search(log, m, re) ? std::stoi(m[1]) : 0;
}

TEST(EdgeProcess, HealthEndpointReportsTheRunningNode) {
  Fixture fx;
  ASSERT_TRUE(fx.broker);
  auto args = fx.args("sim");  // paced to the wall clock: the node keeps running
  for (const char* a : {"--duration", "60", "--health", "127.0.0.1:0"}) args.push_back(a);
  EdgeChild edge(args, fx.dir / "edge.log", false);
  ASSERT_TRUE(edge.started());
  int port = 0;
  ASSERT_TRUE(mqtt::test::eventually([&] { return (port = served_port(edge.log())) > 0; }, 10000))
      << "log: " << edge.log();
  const std::string base = "http://127.0.0.1:" + std::to_string(port);
  nlohmann::json h;
  // Once the model has produced output, the node is "ok" and connected.
  ASSERT_TRUE(mqtt::test::eventually(
      [&] {
        auto r = http::get(base + "/health", std::chrono::milliseconds(2000));
        if (!r || r->status != 200) return false;
        h = nlohmann::json::parse(r->body, nullptr, false);
        return h.is_object() && h.contains("last_inference_age_s") &&
               h["last_inference_age_s"].is_number() &&
               h["last_inference_age_s"].get<double>() >= 0.0 && h.value("broker_connected", false);
      },
      20000))
      << h.dump() << "\n"
      << edge.log();
  for (const char* k : {"status", "uptime_s", "cpu_pct", "mem_pct", "disk_pct", "broker_connected",
                        "spool_depth", "last_inference_age_s", "model"}) {
    EXPECT_TRUE(h.contains(k)) << k << " missing in " << h.dump();
  }
  EXPECT_EQ(h["status"], "ok") << h.dump();
  EXPECT_EQ(h["model"], "default.csm");
  EXPECT_LT(h["last_inference_age_s"].get<double>(), 5.0);
  EXPECT_GE(h["mem_pct"].get<double>(), 0.0);
  EXPECT_LE(h["disk_pct"].get<double>(), 100.0);
  auto m = http::get(base + "/metrics", std::chrono::milliseconds(2000));
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->status, 200);
  static const std::regex samples(R"(\n[a-z_]*samples[a-z_]* (\d+))");
  std::smatch s;
  ASSERT_TRUE(std::regex_search(m->body, s, samples)) << m->body;
  EXPECT_GT(std::stoull(s[1]), 0u) << "the samples counter follows the pipeline";
  edge.signal(SIGTERM);
  EXPECT_EQ(edge.wait(20'000), 0) << edge.log();
}

}  // namespace
}  // namespace css::node

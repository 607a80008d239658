// `citysafe edge` with its spool at the cap: the broker is unreachable, so every message stays
// pending; past edge.spool_max_bytes the oldest flow summaries and telemetry are dropped and
// the events kept (docs/spool.md, "Bounds"), the node keeps running, and /health and /metrics
// show the spool's bytes on disk and the drops.
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "css/http/client.hpp"
#include "edge_fixture.hpp"

namespace css::node {
namespace {

using namespace test;  // NOLINT: the fixture's helpers

std::uint64_t metric(const std::string& body, const std::string& name) {
  std::smatch m;
  const std::regex re("\n" + name + " (\\d+)\n");
  return std::regex_search(body, m, re) ? std::stoull(m[1]) : 0;
}

TEST(EdgeSpool, CapDropsFlowsFirstKeepsEventsAndReportsIt) {
  Fixture fx;
  ASSERT_TRUE(fx.broker);
  auto args = fx.args("stdin");
  for (std::size_t i = 0; i + 1 < args.size(); ++i)
    if (args[i] == "--mqtt") args[i + 1] = "127.0.0.1:1";  // nothing listens: all stays pending
  for (const char* a : {"--health", "127.0.0.1:0", "--set", "edge.spool_max_bytes=2048", "--set",
                        "edge.spool_hard_max_bytes=1048576", "--set", "edge.drain_ms=0"})
    args.push_back(a);
  EdgeChild edge(args, fx.dir / "edge.log", true);
  ASSERT_TRUE(edge.started());
  const auto frames = snatch_frames(600);  // 10 flow + 10 telemetry windows and the snatch
  ASSERT_TRUE(edge.write_stdin(frames_text(frames, 0, frames.size())));

  static const std::regex served(R"(\[HEALTH\] Serving http://127\.0\.0\.1:(\d+)/health)");
  std::smatch m;
  ASSERT_TRUE(mqtt::test::eventually(
      [&] {
        const std::string log = edge.log();
        return std::regex_search(log, m, served);
      },
      10'000))
      << edge.log();
  const std::string base = "http://127.0.0.1:" + std::string(m[1]);
  std::string metrics;
  nlohmann::json health;
  ASSERT_TRUE(mqtt::test::eventually(
      [&] {
        auto r = http::get(base + "/metrics", std::chrono::milliseconds(2000));
        auto h = http::get(base + "/health", std::chrono::milliseconds(2000));
        if (!r || !h) return false;
        metrics = r->body;
        health = nlohmann::json::parse(h->body, nullptr, false);
        return metric(metrics, "citysafe_samples_total") >= frames.size() &&
               metric(metrics, "citysafe_spool_drops_total") > 0 && health.is_object() &&
               health.value("spool_bytes", 0) > 0;
      },
      30'000))
      << metrics << "\n"
      << health.dump() << "\n"
      << edge.log();
  EXPECT_EQ(metric(metrics, "citysafe_spool_bytes"), health["spool_bytes"].get<std::uint64_t>());
  EXPECT_FALSE(health["broker_connected"].get<bool>());
  EXPECT_NE(edge.log().find("spool over its cap"), std::string::npos) << edge.log();
  EXPECT_NE(edge.log().find(" 0 events so far)"), std::string::npos) << edge.log();

  edge.close_stdin();
  ASSERT_EQ(edge.wait(20'000), 0) << edge.log();
  const long built = events_built(edge.log());
  ASSERT_GT(built, 0) << edge.log();
  // What is left pending: every event (none dropped below the hard cap) and at most the few
  // newest flow/telemetry records that fit under the soft cap.
  std::smatch p;
  const std::string log = edge.log();
  ASSERT_TRUE(std::regex_search(log, p, std::regex(R"((\d+) pending in the spool)"))) << log;
  const long pending = std::stol(p[1]);
  EXPECT_GE(pending, built);
  EXPECT_LE(pending, built + 8) << log;
}

}  // namespace
}  // namespace css::node

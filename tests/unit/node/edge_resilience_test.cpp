// `citysafe edge` when things fail, against a real TLS Mosquitto: the broker crashes and
// restarts mid-run and every event still arrives, in order; the node is kill -9'ed and
// restarted on its spool and the pending events arrive with seq increasing; a refused
// PUBACK keeps the event; SIGHUP reloads only a valid model; SIGTERM stops cleanly.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "css/node/flows.hpp"
#include "css/node/location.hpp"
#include "edge_fixture.hpp"

namespace css::node {
namespace {

namespace fs = std::filesystem;
using namespace test;  // NOLINT: the fixture's helpers
using mqtt::test::Inbox;

TEST(EdgeProcess, BrokerCrashAndRestartMidRunLosesNoEvent) {
  Fixture fx;
  ASSERT_TRUE(fx.broker);
  const auto frames = snatch_frames(600);
  const std::size_t third = frames.size() / 3;
  Inbox before, after;
  auto sub1 = fx.subscriber(before, "ingest-1");
  EdgeChild edge(fx.args("stdin"), fx.dir / "edge.log", true);
  ASSERT_TRUE(edge.started());
  ASSERT_TRUE(edge.write_stdin(frames_text(frames, 0, third)));
  ASSERT_TRUE(wait_all_delivered(edge, before, 20'000)) << edge.log();
  ASSERT_TRUE(fx.broker->kill_hard().ok());
  ASSERT_TRUE(edge.write_stdin(frames_text(frames, third, 2 * third)));  // events while down
  ASSERT_TRUE(mqtt::test::eventually(
      [&] { return edge.log().find("MQTT disconnected") != std::string::npos; }, 10'000));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  // Freeze the node while the broker comes back, so the new subscriber is in place first.
  edge.signal(SIGSTOP);
  sub1.reset();
  ASSERT_TRUE(fx.broker->restart().ok());
  auto sub2 = fx.subscriber(after, "ingest-2");
  edge.signal(SIGCONT);
  ASSERT_TRUE(edge.write_stdin(frames_text(frames, 2 * third, frames.size())));
  edge.close_stdin();
  ASSERT_EQ(edge.wait(60'000), 0) << edge.log();
  const long built = events_built(edge.log());
  ASSERT_GT(built, 3) << edge.log();
  auto got = events_of(before.all());
  const std::size_t first_part = got.size();
  ASSERT_TRUE(mqtt::test::eventually(
      [&] {
        std::set<std::uint64_t> seqs;
        for (const auto& e : events_of(after.all())) seqs.insert(e.seq);
        for (const auto& e : got) seqs.insert(e.seq);
        return seqs.size() >= std::size_t(built);
      },
      5000));
  for (const auto& e : events_of(after.all())) got.push_back(e);
  EXPECT_LT(first_part, std::size_t(built)) << "some events must have waited in the spool";
  ASSERT_EQ(spooled_seqs(edge.log()).size(), std::size_t(built));
  expect_complete_and_ordered(got, spooled_seqs(edge.log()));
}

TEST(EdgeProcess, KillNineThenRestartOnTheSameSpoolDeliversPendingEvents) {
  Fixture fx;
  ASSERT_TRUE(fx.broker);
  const auto frames = snatch_frames(600);
  const std::size_t half = frames.size() / 2;
  Inbox before, after;
  auto sub1 = fx.subscriber(before, "ingest-1");
  {
    EdgeChild edge(fx.args("stdin"), fx.dir / "edge1.log", true);
    ASSERT_TRUE(edge.write_stdin(frames_text(frames, 0, half / 2)));
    ASSERT_TRUE(wait_all_delivered(edge, before, 20'000)) << edge.log();
    ASSERT_TRUE(fx.broker->kill_hard().ok());
    ASSERT_TRUE(edge.write_stdin(frames_text(frames, half / 2, half)));
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    edge.signal(SIGKILL);
    EXPECT_EQ(edge.wait(5000), -2);
  }
  sub1.reset();
  ASSERT_TRUE(fx.broker->restart().ok());
  auto sub2 = fx.subscriber(after, "ingest-2");
  EdgeChild edge(fx.args("stdin"), fx.dir / "edge2.log", true);
  ASSERT_TRUE(edge.write_stdin(frames_text(frames, half, frames.size())));
  edge.close_stdin();
  ASSERT_EQ(edge.wait(60'000), 0) << edge.log();
  std::smatch m;
  const std::string log2 = edge.log();
  ASSERT_TRUE(std::regex_search(log2, m, std::regex(R"(: (\d+) pending, next seq (\d+))"))) << log2;
  const auto pending = std::stoul(m[1]), next_seq = std::stoul(m[2]);
  const long built2 = events_built(log2);
  ASSERT_GT(built2, 0);
  // The pending records include events (flows/telemetry too), and run 2 continues the seqs.
  EXPECT_GT(pending, 0u) << log2;
  // Every event run 1 spooled arrived (those pending at the kill after the restart), and run
  // 2's events continue the seqs.
  const auto run1 =
      spooled_seqs(fs::exists(fx.dir / "edge1.log") ? EdgeChild::read(fx.dir / "edge1.log") : "");
  const auto run2 = spooled_seqs(log2);
  ASSERT_EQ(run2.size(), std::size_t(built2));
  ASSERT_FALSE(run1.empty());
  EXPECT_LT(*run1.rbegin(), *run2.begin());
  EXPECT_LE(*run1.rbegin(), next_seq - 1);
  EXPECT_GE(*run2.begin(), next_seq);
  std::set<std::uint64_t> arrived;
  for (const auto& e : events_of(before.all())) arrived.insert(e.seq);
  const std::size_t before_kill = arrived.size();
  EXPECT_TRUE(mqtt::test::eventually(
      [&] { return events_of(after.all()).size() >= run1.size() - before_kill + run2.size(); },
      5000));
  for (const auto& e : events_of(after.all())) arrived.insert(e.seq);
  std::set<std::uint64_t> all = run1;
  all.insert(run2.begin(), run2.end());
  EXPECT_LT(before_kill, run1.size()) << "some events of run 1 must have been pending";
  EXPECT_EQ(arrived, all) << EdgeChild::read(fx.dir / "edge1.log") << log2;
}

// Walks a JSON value: no raw-signal key anywhere, and every lat/lon on the grid.
TEST(EdgeProcess, HupReloadsOnlyAValidModelAndTermStopsCleanly) {
  Fixture fx;
  ASSERT_TRUE(fx.broker);
  Inbox inbox;
  auto sub = fx.subscriber(inbox, "ingest-1");
  const fs::path model = fx.dir / "model.csm";
  fs::copy_file(fs::path(CSS_SOURCE_DIR) / "models/default.csm", model);
  auto args = fx.args("sim");  // live simulator, paced to the wall clock
  for (std::size_t i = 0; i + 1 < args.size(); ++i)
    if (args[i] == "--model") args[i + 1] = model.string();
  EdgeChild edge(args, fx.dir / "edge.log", false);
  auto log_has = [&](const std::string& s) {
    return mqtt::test::eventually([&] { return edge.log().find(s) != std::string::npos; }, 10'000);
  };
  ASSERT_TRUE(log_has("Connected to")) << edge.log();
  ASSERT_TRUE(mqtt::test::eventually(
      [&] {
        for (const auto& m : inbox.all())
          if (m.topic == "citysafesense/status/dev-a" && m.payload == "online") return true;
        return false;
      },
      5000));
  edge.signal(SIGHUP);
  ASSERT_TRUE(log_has("Model reloaded: sha256:")) << edge.log();
  std::ofstream(model, std::ios::trunc) << "not a model";
  edge.signal(SIGHUP);
  ASSERT_TRUE(log_has("model reload failed")) << edge.log();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  edge.signal(SIGTERM);
  ASSERT_EQ(edge.wait(20'000), 0) << edge.log();
  EXPECT_NE(edge.log().find("Stopped: "), std::string::npos);
  ASSERT_TRUE(mqtt::test::eventually(
      [&] { return !inbox.all().empty() && inbox.all().back().payload == "offline"; }, 5000));
}

TEST(EdgeProcess, RefusedPubackKeepsTheEventInTheSpool) {
  Fixture fx;
  ASSERT_TRUE(fx.broker);
  auto args = fx.args("sim");
  // The ACL lets dev-a write only citysafesense/<kind>/dev-a: this topic gets PUBACK 135.
  for (const char* a : {"--topic", "citysafesense/events/elsewhere", "--scenario", "snatch",
                        "--fast", "--duration", "100", "--set", "edge.drain_ms=2000"})
    args.push_back(a);
  EdgeChild edge(args, fx.dir / "edge.log", false);
  ASSERT_EQ(edge.wait(60'000), 0) << edge.log();
  const long built = events_built(edge.log());
  ASSERT_GT(built, 0);
  EXPECT_NE(edge.log().find("reason 135 (kept in the spool)"), std::string::npos) << edge.log();
  EXPECT_EQ(edge.log().find("Published event"), std::string::npos);
  // The next start finds them pending.
  auto args2 = fx.args("stdin");
  for (const char* a : {"--set", "edge.drain_ms=0"}) args2.push_back(a);
  EdgeChild again(args2, fx.dir / "edge2.log", false);
  ASSERT_EQ(again.wait(30'000), 0) << again.log();
  std::smatch m;
  const std::string log2 = again.log();
  ASSERT_TRUE(std::regex_search(log2, m, std::regex(R"(: (\d+) pending)"))) << log2;
  EXPECT_GE(std::stol(m[1]), built);
}

}  // namespace
}  // namespace css::node

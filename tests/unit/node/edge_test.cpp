// `citysafe edge` as a real process against a real TLS Mosquitto (deploy/ certificates,
// passwords and ACL): a snatch reaches a subscriber as a valid, coarsened Event; the broker
// crashes and restarts mid-run and every event still arrives, in order; the node is
// kill -9'ed and restarted on its spool and the pending events arrive with seq increasing;
// an hour of payloads carries no raw signal and no position finer than the grid.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "../mqtt/mqtt_test_util.hpp"
#include "css/core/event.hpp"
#include "css/node/flows.hpp"
#include "css/node/location.hpp"
#include "css/node/source.hpp"
#include "css/sim/generator.hpp"
#include "edge_child.hpp"

namespace css::node {
namespace {

namespace fs = std::filesystem;
using mqtt::test::Inbox;
using test::EdgeChild;

constexpr const char* kEventsTopic = "citysafesense/events/dev-a";

struct Fixture {
  std::unique_ptr<testing::MosquittoBroker> broker = mqtt::test::start_broker();
  fs::path dir;
  Fixture() {
    if (broker) {
      dir = broker->dir() / "edge";
      fs::create_directories(dir);
      std::ofstream(dir / "pw") << "pw-a\n";
    }
  }
  std::vector<std::string> args(const std::string& source) const {
    return {"--model",
            std::string(CSS_SOURCE_DIR) + "/models/default.csm",
            "--mqtt",
            broker->address(),
            "--tls-cert",
            broker->ca_file().string(),
            "--device-id",
            "dev-a",
            "--password-file",
            (dir / "pw").string(),
            "--spool",
            (dir / "spool").string(),
            "--source",
            source,
            "--set",
            "edge.drain_ms=15000",
            "-v"};
  }
  std::unique_ptr<mqtt::Client> subscriber(Inbox& inbox, const std::string& id) const {
    auto c =
        std::make_unique<mqtt::Client>(mqtt::test::options_for(*broker, "ingest", "pw-ingest", id),
                                       mqtt::Callbacks{.on_message = inbox.sink()});
    if (!c->connect().ok() || !c->subscribe("citysafesense/#", mqtt::Qos::kAtLeastOnce).ok())
      ADD_FAILURE() << "subscriber could not connect";
    return c;
  }
};

std::vector<Event> events_of(const std::vector<mqtt::Message>& msgs) {
  std::vector<Event> out;
  for (const auto& m : msgs) {
    if (m.topic != kEventsTopic) continue;
    auto e = event_from_json(m.payload);
    EXPECT_TRUE(e.ok()) << (e.ok() ? "" : e.error().message) << "\n" << m.payload;
    if (e.ok()) out.push_back(*e);
  }
  return out;
}

// "Stopped: S samples, N events, ..." → N; -1 if absent.
long events_built(const std::string& log) {
  std::smatch m;
  static const std::regex re(R"(Stopped: \d+ samples, (\d+) events)");
  return std::regex_search(log, m, re) ? std::stol(m[1]) : -1;
}

// Seqs the node logged as spooled (-v: "Event spooled (seq N, ...)").
std::set<std::uint64_t> spooled_seqs(const std::string& log) {
  std::set<std::uint64_t> out;
  static const std::regex re(R"(Event spooled \(seq (\d+))");
  for (auto it = std::sregex_iterator(log.begin(), log.end(), re); it != std::sregex_iterator();
       ++it)
    out.insert(std::stoull((*it)[1]));
  return out;
}

// Every spooled event arrived, a repeated seq carries the same event (same id), and first
// arrivals come in seq order.
void expect_complete_and_ordered(const std::vector<Event>& got,
                                 const std::set<std::uint64_t>& spooled) {
  std::map<std::uint64_t, Event> first;
  std::uint64_t last_new = 0;
  for (const auto& e : got) {
    auto [it, fresh] = first.emplace(e.seq, e);
    if (fresh) {
      EXPECT_GT(e.seq, last_new) << "seq " << e.seq << " arrived after " << last_new;
      last_new = e.seq;
    } else {
      EXPECT_EQ(it->second, e) << "seq " << e.seq << " arrived twice with different content";
    }
  }
  std::set<std::uint64_t> arrived;
  for (const auto& [seq, e] : first) arrived.insert(seq);
  EXPECT_EQ(arrived, spooled);
}

std::string frames_text(const std::vector<SensorFrame>& frames, std::size_t from, std::size_t to) {
  std::string s;
  for (std::size_t i = from; i < to && i < frames.size(); ++i)
    s += format_frame_line(frames[i]) + "\n";
  return s;
}

std::vector<SensorFrame> snatch_frames(double seconds) {
  sim::GeneratorConfig g;
  g.scenario = sim::Scenario::kSnatch;
  g.duration_s = seconds;
  g.seed = 5;
  auto rec = sim::generate_device(g, 0);
  EXPECT_TRUE(rec.ok());
  return rec.ok() ? rec->frames : std::vector<SensorFrame>{};
}

TEST(EdgeProcess, SimulatedSnatchReachesTheSubscriberAsACoarsenedEvent) {
  Fixture fx;
  ASSERT_TRUE(fx.broker);
  Inbox inbox;
  auto sub = fx.subscriber(inbox, "ingest-1");
  auto args = fx.args("sim");
  for (const char* a : {"--scenario", "snatch", "--fast", "--duration", "300"}) args.push_back(a);
  EdgeChild edge(args, fx.dir / "edge.log", false);
  ASSERT_TRUE(edge.started());
  ASSERT_EQ(edge.wait(60'000), 0) << edge.log();
  const long built = events_built(edge.log());
  ASSERT_GT(built, 0) << edge.log();
  ASSERT_TRUE(mqtt::test::eventually(
      [&] { return events_of(inbox.all()).size() >= std::size_t(built); }, 5000));
  const auto events = events_of(inbox.all());
  ASSERT_EQ(spooled_seqs(edge.log()).size(), std::size_t(built));
  expect_complete_and_ordered(events, spooled_seqs(edge.log()));
  for (const auto& e : events) {
    EXPECT_EQ(e.device, "dev-a");
    EXPECT_EQ(e.model.rfind("sha256:", 0), 0u);
    EXPECT_TRUE(is_uuid_text(e.id));
    ASSERT_TRUE(e.lat && e.lon) << "the simulator has a GNSS fix";
    EXPECT_TRUE(is_cell_centre(*e.lat, *e.lon, 100.0)) << *e.lat << "," << *e.lon;
  }
  EXPECT_EQ(events.front().event, EventKind::kSuddenDisplacement);
  const std::string published = "[MQTT] Published event to citysafesense/events/dev-a (seq " +
                                std::to_string(*spooled_seqs(edge.log()).begin()) + ")";
  EXPECT_NE(edge.log().find(published), std::string::npos) << edge.log();
  // Flows and telemetry came too, and the last status word is the clean "offline".
  std::size_t flows = 0, telemetry = 0;
  std::string status;
  for (const auto& m : inbox.all()) {
    if (m.topic == "citysafesense/flows/dev-a") {
      auto f = flow_from_json(m.payload);
      EXPECT_TRUE(f.ok()) << m.payload;
      ++flows;
    }
    if (m.topic == "citysafesense/telemetry/dev-a") ++telemetry;
    if (m.topic == "citysafesense/status/dev-a") status = m.payload;
  }
  EXPECT_GE(flows, 5u);
  EXPECT_GE(telemetry, 5u);
  EXPECT_EQ(status, "offline");
}

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
  ASSERT_TRUE(mqtt::test::eventually([&] { return !events_of(before.all()).empty(); }, 20'000))
      << edge.log();
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
    ASSERT_TRUE(mqtt::test::eventually([&] { return !events_of(before.all()).empty(); }, 20'000));
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
void check_private(const nlohmann::json& j, const std::string& where) {
  static const std::set<std::string> raw = {"acc",      "acc_x", "acc_y",  "acc_z",   "gyro",
                                            "gyro_x",   "spl",   "frames", "samples", "trace",
                                            "features", "probs", "track",  "path"};
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) {
      EXPECT_EQ(raw.count(k), 0u) << "raw field '" << k << "' in " << where;
      check_private(v, where);
    }
    if (j.contains("lat") || j.contains("lon")) {
      ASSERT_TRUE(j.contains("lat") && j.contains("lon")) << where;
      EXPECT_TRUE(is_cell_centre(j["lat"].get<double>(), j["lon"].get<double>(), 100.0))
          << where << ": " << j.dump();
    }
  } else if (j.is_array()) {
    EXPECT_LE(j.size(), 16u) << "an array that could be a trace in " << where;
    for (const auto& v : j) check_private(v, where);
  }
}

TEST(EdgeProcess, AnHourOfPayloadsCarriesNoRawSignalNorFinePosition) {
  Fixture fx;
  ASSERT_TRUE(fx.broker);
  Inbox inbox;
  auto sub = fx.subscriber(inbox, "ingest-1");
  auto args = fx.args("sim");
  for (const char* a : {"--scenario", "mix", "--fast", "--duration", "3600"}) args.push_back(a);
  EdgeChild edge(args, fx.dir / "edge.log", false);
  ASSERT_EQ(edge.wait(240'000), 0) << edge.log();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const auto all = inbox.all();
  std::size_t flows = 0;
  for (const auto& m : all) {
    ASSERT_LE(m.payload.size(), 4096u) << m.topic;
    if (m.topic.rfind("citysafesense/status/", 0) == 0) {
      EXPECT_TRUE(m.payload == "online" || m.payload == "offline") << m.payload;
      continue;
    }
    auto j = nlohmann::json::parse(m.payload, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << m.topic << ": " << m.payload;
    check_private(j, m.topic);
    flows += m.topic == "citysafesense/flows/dev-a";
  }
  EXPECT_GE(flows, 59u);  // one per minute of the hour
}

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

TEST(EdgeProcess, BadInputIsRefusedUpFrontNamingTheFlag) {
  const auto dir = fs::temp_directory_path() / ("css-edge-bad-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::vector<std::string> base = {
      "--model", std::string(CSS_SOURCE_DIR) + "/models/default.csm",
      "--mqtt",  "localhost:1",
      "--spool", (dir / "spool").string(),
      "--fast",  "--duration",
      "1"};
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--tls-cert", (dir / "missing.pem").string()}, "--tls-cert"},
      {{"--location-precision-m", "1"}, "edge.location_precision_m"},
      {{"--source", "camera"}, "--source"},
      {{"--mqtt", "a:99999"}, "--mqtt"},
      {{"--model", (dir / "none.csm").string()}, "--model"},
  };
  for (const auto& [extra, needle] : cases) {
    auto args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    EdgeChild edge(args, dir / "bad.log", false);
    EXPECT_EQ(edge.wait(20'000), 2) << needle << "\n" << edge.log();
    EXPECT_NE(edge.log().find(needle), std::string::npos) << edge.log();
    fs::remove(dir / "bad.log");
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace css::node

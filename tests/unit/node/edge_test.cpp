// `citysafe edge` as a real process against a real TLS Mosquitto (deploy/ certificates,
// passwords and ACL): a snatch reaches a subscriber as a valid, coarsened Event; an hour of
// payloads carries no raw signal and no position finer than the grid; bad input is refused
// up front naming the flag.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "../sensors/pty.hpp"
#include "../sensors/test_data.hpp"
#include "css/node/flows.hpp"
#include "css/node/location.hpp"
#include "edge_fixture.hpp"

namespace css::node {
namespace {

namespace fs = std::filesystem;
using namespace test;  // NOLINT: the fixture's helpers
using mqtt::test::Inbox;

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
      {{"--env-sensors", "sht31:/dev/i2c-1@0x99"}, "edge.env_sensors: 'sht31:/dev/i2c-1@0x99'"},
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

// edge.env_sensors with real parts: a PMS7003 on a pseudo-terminal fed the recorded stream and
// a PIR on a sysfs-style value file. Their readings (and only theirs: no simulated
// temperature) reach the telemetry topic; a part that does not open stops the node (exit 1).
TEST(EdgeProcess, RealEnvSensorsReachTheTelemetryTopic) {
  Fixture fx;
  ASSERT_TRUE(fx.broker);
  sensors::testing::Pty pty;
  ASSERT_TRUE(pty.ok());
  std::ofstream(fx.dir / "pir") << "1\n";
  Inbox inbox;
  auto sub = fx.subscriber(inbox, "ingest-env");
  auto args = fx.args("stdin");  // the run lasts until stdin closes
  for (const std::string& a : std::vector<std::string>{
           "--env-sensors", "pms7003:" + pty.slave() + ",pir:" + (fx.dir / "pir").string()})
    args.push_back(a);
  EdgeChild edge(args, fx.dir / "edge.log", true);
  ASSERT_TRUE(edge.started());
  // SerialPort::open flushes what the port held: the sensor "speaks" once the node is up (its
  // "online" status comes after the parts opened), twice, and the poller samples every second.
  ASSERT_TRUE(mqtt::test::eventually(
      [&] {
        for (const auto& m : inbox.all())
          if (m.topic == "citysafesense/status/dev-a" && m.payload == "online") return true;
        return false;
      },
      30'000))
      << edge.log();
  const auto pms = sensors::testing::read_bytes("pms7003_stream.bin");
  for (int i = 0; i < 2; ++i) {
    pty.write_all(pms);
    std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  }
  edge.close_stdin();
  ASSERT_EQ(edge.wait(60'000), 0) << edge.log();
  auto telemetry = [&] {
    std::vector<nlohmann::json> out;
    for (const auto& m : inbox.all())
      if (m.topic == "citysafesense/telemetry/dev-a")
        out.push_back(nlohmann::json::parse(m.payload));
    return out;
  };
  ASSERT_TRUE(mqtt::test::eventually([&] { return !telemetry().empty(); }, 5000)) << edge.log();
  std::uint64_t motion = 0, pm = 0;
  for (const auto& j : telemetry()) {
    const auto& q = j.at("quantities");
    EXPECT_FALSE(q.contains("temperature_c")) << j.dump();  // not the simulated station
    if (q.contains("motion")) motion += q["motion"]["n"].get<std::uint64_t>();
    if (q.contains("pm25_ugm3")) {
      pm += q["pm25_ugm3"]["n"].get<std::uint64_t>();
      EXPECT_EQ(q["pm25_ugm3"]["max"].get<double>(), 15.0) << j.dump();  // the newest frame
    }
  }
  EXPECT_GE(motion, 1u);
  EXPECT_GE(pm, 1u);

  auto missing = fx.args("sim");
  for (const std::string& a : std::vector<std::string>{"--fast", "--duration", "1", "--env-sensors",
                                                       "pms7003:" + (fx.dir / "ttyNONE").string()})
    missing.push_back(a);
  EdgeChild bad(missing, fx.dir / "bad.log", false);
  EXPECT_EQ(bad.wait(20'000), 1) << bad.log();
  EXPECT_NE(bad.log().find("edge.env_sensors: pms7003 on " + (fx.dir / "ttyNONE").string()),
            std::string::npos)
      << bad.log();
}

}  // namespace
}  // namespace css::node

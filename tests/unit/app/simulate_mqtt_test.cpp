// simulate-city --mqtt through the real path (issue 17): a real TLS Mosquitto with the
// production ACL (tests/support/mosquitto_broker.cpp), the real `citysafe ingest` into a SQLite
// file, and the virtual nodes publishing with the edge node's Publisher. Every simulated event
// is stored exactly once and equal to the one the same run writes to --out, every flow summary
// arrives, and `citysafe hotspots --db` finds the planted hotspots (and draws the same map as
// from the file). Failures: a broker that is down is exit 1 naming it, a user the ACL does not
// let write under the nodes' names is exit 1 naming the ACL, bad flags are exit 2 (no broker).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli_runner.hpp"
#include "css/core/event.hpp"
#include "css/store/event_store.hpp"
#include "ingest_child.hpp"
#include "mosquitto_broker.hpp"

namespace {

namespace fs = std::filesystem;
using css::ingest::test::healthy;
using css::ingest::test::IngestChild;
using css::ingest::test::read_file;
using css::ingest::test::stats_of;
using css::ingest::test::wait_until;
using css::testing::MosquittoBroker;
using css::testing::run_citysafe;

constexpr int kDevices = 20;

class SimulateMqtt : public ::testing::Test {
 protected:
  void SetUp() override {
    MosquittoBroker::Config config;
    // Each virtual node is its own MQTT user, as real devices are: the production ACL
    // (pattern write citysafesense/+/%u) then lets it write exactly its own topics.
    for (int d = 1; d <= kDevices; ++d) {
      char name[32];
      std::snprintf(name, sizeof name, "sim-node-%04d", d);
      config.users.push_back({name, "pw-sim"});
    }
    auto b = MosquittoBroker::start(config);
    ASSERT_TRUE(b.ok()) << b.error().message;
    broker_ = std::move(*b);
    dir_ = broker_->dir() / "sim";
    fs::create_directories(dir_);
    std::ofstream(dir_ / "ingest.pw") << "pw-ingest\n";
    std::ofstream(dir_ / "sim.pw") << "pw-sim\n";
    std::ofstream(dir_ / "dev-a.pw") << "pw-a\n";
    db_url_ = "sqlite://" + (dir_ / "events.db").string();
  }

  std::string p(const char* name) const { return (dir_ / name).string(); }

  std::string mqtt_flags(const std::string& user_flags) const {
    return " --mqtt " + broker_->address() + " --tls-cert " + broker_->ca_file().string() + " " +
           user_flags;
  }

  std::unique_ptr<IngestChild> start_ingest(std::uint16_t port) {
    auto child = std::make_unique<IngestChild>(
        std::vector<std::string>{"--mqtt", broker_->address(), "--tls-cert",
                                 broker_->ca_file().string(), "--username", "ingest",
                                 "--password-file", p("ingest.pw"), "--db", db_url_, "--client-id",
                                 "ingest-sim", "--metrics", "127.0.0.1:" + std::to_string(port)},
        dir_ / "ingest.log");
    EXPECT_TRUE(child->started());
    EXPECT_TRUE(wait_until([&] { return healthy(port); }, 15000)) << read_file(dir_ / "ingest.log");
    return child;
  }

  // Every stored event, as the event schema's JSON, sorted.
  std::vector<std::string> stored_events() const {
    std::vector<std::string> out;
    auto s =
        css::store::open_store(db_url_, {.read_only = true, .migrate = false, .create = false});
    if (!s) return out;
    css::store::EventQuery q;
    q.limit = css::store::kMaxQueryLimit;
    while (true) {
      auto page = (*s)->events(q);
      if (!page) break;
      for (const auto& e : page->events) out.push_back(css::to_json(e));
      if (!page->next_cursor) break;
      q.after = page->next_cursor;
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  std::unique_ptr<MosquittoBroker> broker_;
  fs::path dir_;
  std::string db_url_;
};

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(line);
  return out;
}

// The file's events re-encoded by the same codec the store's events go through.
std::vector<std::string> file_events(const std::string& text) {
  std::vector<std::string> out;
  for (const auto& line : lines_of(text)) {
    auto e = css::event_from_json(line);
    EXPECT_TRUE(e.ok()) << line;
    if (e) out.push_back(css::to_json(*e));
  }
  std::sort(out.begin(), out.end());
  return out;
}

double distance_m(double lon1, double lat1, double lon2, double lat2) {
  constexpr double kPi = 3.14159265358979323846, kR = 6371000.0;
  const double x = (lon2 - lon1) * kPi / 180.0 * std::cos((lat1 + lat2) / 2.0 * kPi / 180.0);
  const double y = (lat2 - lat1) * kPi / 180.0;
  return kR * std::hypot(x, y);
}

// Centres of the cells classed hot at >= 95 % (bin >= 2).
std::vector<std::pair<double, double>> hot_cells(const nlohmann::json& fc) {
  std::vector<std::pair<double, double>> out;
  for (const auto& f : fc.at("features")) {
    if (f.at("properties").at("bin").get<int>() < 2) continue;
    const auto& ring = f.at("geometry").at("coordinates").at(0);
    double lon = 0, lat = 0;
    for (std::size_t i = 0; i + 1 < ring.size(); ++i) {
      lon += ring[i][0].get<double>();
      lat += ring[i][1].get<double>();
    }
    out.emplace_back(lon / static_cast<double>(ring.size() - 1),
                     lat / static_cast<double>(ring.size() - 1));
  }
  return out;
}

TEST_F(SimulateMqtt, EveryEventStoredOnceAndHotspotsRecovered) {
  const auto port = css::testing::free_loopback_port();
  auto ingest = start_ingest(port);
  const std::string sim = "simulate-city --city sao-paulo --devices " + std::to_string(kDevices) +
                          " --days 2 --hotspots 2 --seed 11 --events-per-day 8";
  auto r = run_citysafe(sim + " --out " + p("e.jsonl") + " --flows-out " + p("f.jsonl") +
                        " --truth-out " + p("truth.json") +
                        mqtt_flags("--password-file " + p("sim.pw")));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto summary = r.out.find("simulated ");
  ASSERT_NE(summary, std::string::npos) << r.out;
  EXPECT_NE(r.out.find("flow summaries acknowledged (PUBACK) from 20 nodes"), std::string::npos)
      << r.out;
  std::cout << r.out.substr(summary);  // the figures: records and seconds

  const auto expected = file_events(read_file(p("e.jsonl")));
  const auto flows = lines_of(read_file(p("f.jsonl"))).size();
  ASSERT_GT(expected.size(), 200u);
  ASSERT_TRUE(wait_until(
      [&] {
        const auto st = stats_of(db_url_);
        return st.events >= expected.size() && st.flows >= flows;
      },
      15000))
      << read_file(dir_ / "ingest.log");
  ingest->signal(SIGTERM);
  EXPECT_EQ(ingest->wait(10000), 0) << read_file(dir_ / "ingest.log");
  const auto st = stats_of(db_url_);
  EXPECT_EQ(st.events, expected.size());
  EXPECT_EQ(st.flows, flows);
  // Each event exactly once and equal field for field (id, device, seq, timestamp, ...).
  EXPECT_EQ(stored_events(), expected);

  r = run_citysafe("hotspots --db " + db_url_ + " --city sao-paulo --window 7d --out " +
                   p("db.geojson"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  r = run_citysafe("hotspots --events " + p("e.jsonl") + " --city sao-paulo --window 7d --out " +
                   p("file.geojson"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const std::string map = read_file(p("db.geojson"));
  EXPECT_EQ(map, read_file(p("file.geojson")));
  const auto hot = hot_cells(nlohmann::json::parse(map));
  const auto truth = nlohmann::json::parse(read_file(p("truth.json")));
  ASSERT_EQ(truth.at("hotspots").size(), 2u);
  for (const auto& h : truth.at("hotspots")) {
    const double lon = h.at("lon"), lat = h.at("lat");
    const bool found = std::any_of(hot.begin(), hot.end(), [&](const auto& c) {
      return distance_m(lon, lat, c.first, c.second) < 500.0;
    });
    EXPECT_TRUE(found) << "planted hotspot " << h.dump() << " not recovered";
  }
}

TEST_F(SimulateMqtt, BrokerDownIsExitOneNamingIt) {
  const std::string address = broker_->address();
  ASSERT_TRUE(broker_->stop().ok());
  const auto r =
      run_citysafe("simulate-city --devices 2 --days 1 --mqtt " + address + " --tls-cert " +
                   broker_->ca_file().string() + " --password-file " + p("sim.pw"));
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find(address), std::string::npos) << r.out;
}

// One --username for every node: the production ACL lets dev-a write only under dev-a, so the
// broker refuses the nodes' messages and the run says why instead of hanging.
TEST_F(SimulateMqtt, AUserTheAclDoesNotAllowIsExitOne) {
  const auto r = run_citysafe("simulate-city --devices 2 --days 1 --mqtt-timeout 10" +
                              mqtt_flags("--username dev-a --password-file " + p("dev-a.pw")));
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("deploy/mosquitto/acl"), std::string::npos) << r.out;
}

// No broker needed: every one of these is refused before a connection is tried.
class SimulateMqttFlags : public css::testing::TempDirTest {};

TEST_F(SimulateMqttFlags, BadFlagsAreExitTwo) {
  const std::string ca = (dir_ / "ca.pem").string();
  std::ofstream(ca) << "not read before the flags are checked\n";
  for (const std::string& args :
       {std::string("simulate-city --devices 2 --mqtt localhost:8883"),
        "simulate-city --devices 2 --mqtt localhost:99999 --tls-cert " + ca,
        "simulate-city --devices 2 --mqtt localhost:8883 --tls-cert " + (dir_ / "no.pem").string(),
        "simulate-city --devices 2 --out " + (dir_ / "e.jsonl").string() + " --tls-cert " + ca,
        "simulate-city --devices 2 --mqtt-nodes 0 --mqtt localhost:8883 --tls-cert " + ca}) {
    const auto r = run_citysafe(args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.out;
    EXPECT_EQ(css::testing::line_count(r.out), 1) << args << "\n" << r.out;
  }
}

// The city's time zone from $TZDIR: missing → the fixed utc_offset_h with a warning, corrupt →
// exit 2 naming the file.
TEST_F(SimulateMqttFlags, ZoneDatabaseMissingWarnsCorruptIsExitTwo) {
  fs::create_directories(dir_ / "zoneinfo/America");
  ::setenv("TZDIR", (dir_ / "zoneinfo").c_str(), 1);
  const std::string sim = "simulate-city --devices 2 --days 1 --out " + (dir_ / "e.jsonl").string();
  auto r = run_citysafe(sim);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("warning: --city sao-paulo: time zone 'America/Sao_Paulo'"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("using the fixed utc_offset_h = -3"), std::string::npos) << r.out;
  std::ofstream(dir_ / "zoneinfo/America/Sao_Paulo") << "TZif";
  r = run_citysafe(sim);
  ::unsetenv("TZDIR");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find((dir_ / "zoneinfo/America/Sao_Paulo").string()), std::string::npos) << r.out;
}

}  // namespace

// Shared pieces of the `citysafe edge` process tests: a real TLS Mosquitto with the deploy/
// ACL and a node directory (password file, spool), the node's arguments, an ingest
// subscriber, and readers of the node's log and of received events.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>

#include "../mqtt/mqtt_test_util.hpp"
#include "css/core/event.hpp"
#include "css/node/source.hpp"
#include "css/sim/generator.hpp"
#include "edge_child.hpp"

namespace css::node::test {

namespace fs = std::filesystem;
using mqtt::test::Inbox;

inline constexpr const char* kEventsTopic = "citysafesense/events/dev-a";

struct Fixture {
  std::unique_ptr<testing::MosquittoBroker> broker;
  fs::path dir;
  explicit Fixture(testing::MosquittoBroker::Config config = {})
      : broker(mqtt::test::start_broker(std::move(config))) {
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

inline std::vector<Event> events_of(const std::vector<mqtt::Message>& msgs) {
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
inline long events_built(const std::string& log) {
  std::smatch m;
  static const std::regex re(R"(Stopped: \d+ samples, (\d+) events)");
  return std::regex_search(log, m, re) ? std::stol(m[1]) : -1;
}

// Seqs the node logged as spooled (-v: "Event spooled (seq N, ...)").
inline std::set<std::uint64_t> spooled_seqs(const std::string& log) {
  std::set<std::uint64_t> out;
  static const std::regex re(R"(Event spooled \(seq (\d+))");
  for (auto it = std::sregex_iterator(log.begin(), log.end(), re); it != std::sregex_iterator();
       ++it)
    out.insert(std::stoull((*it)[1]));
  return out;
}

// Every spooled event arrived, a repeated seq carries the same event (same id), and first
// arrivals come in seq order.
inline void expect_complete_and_ordered(const std::vector<Event>& got,
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

inline std::string frames_text(const std::vector<SensorFrame>& frames, std::size_t from,
                               std::size_t to) {
  std::string s;
  for (std::size_t i = from; i < to && i < frames.size(); ++i)
    s += format_frame_line(frames[i]) + "\n";
  return s;
}

inline std::vector<SensorFrame> snatch_frames(double seconds) {
  sim::GeneratorConfig g;
  g.scenario = sim::Scenario::kSnatch;
  g.duration_s = seconds;
  g.seed = 5;
  auto rec = sim::generate_device(g, 0);
  EXPECT_TRUE(rec.ok());
  return rec.ok() ? rec->frames : std::vector<SensorFrame>{};
}

// Waits until every event the node has spooled so far has reached `inbox` (the node is idle
// on its input): a broker killed after that cannot take an acknowledged event with it before
// forwarding it, which would be the broker's loss, not the node's.
inline bool wait_all_delivered(const EdgeChild& edge, const Inbox& inbox, int timeout_ms) {
  return mqtt::test::eventually(
      [&] {
        const auto spooled = spooled_seqs(edge.log());
        std::set<std::uint64_t> got;
        for (const auto& e : events_of(inbox.all())) got.insert(e.seq);
        return !spooled.empty() && got == spooled;
      },
      timeout_ms);
}

}  // namespace css::node::test

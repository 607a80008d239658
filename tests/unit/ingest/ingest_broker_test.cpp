// `citysafe ingest` against a real TLS Mosquitto (tests/support/mosquitto_broker.cpp) and a
// SQLite store in a temp folder: every malformed kind lands in dead letters with its reason
// while the good messages around it are stored; duplicates by id are counted; kill -9 at
// random moments under load loses nothing and stores nothing twice; two workers of one
// share group split the load; SIGTERM drains and exits 0.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "css/mqtt/client.hpp"
#include "css/store/event_store.hpp"
#include "ingest_child.hpp"
#include "ingest_payloads.hpp"
#include "mosquitto_broker.hpp"

namespace css::ingest::test {
namespace {

namespace fs = std::filesystem;
using css::testing::MosquittoBroker;

class IngestBroker : public ::testing::Test {
 protected:
  void SetUp() override {
    MosquittoBroker::Config config;
    config.users.push_back({"dev@x", "pw-x"});  // a user whose name is no valid device id
    auto b = MosquittoBroker::start(config);
    ASSERT_TRUE(b.ok()) << b.error().message;
    broker_ = std::move(*b);
    dir_ = broker_->dir() / "ingest";
    fs::create_directories(dir_);
    std::ofstream(dir_ / "ingest.pw") << "pw-ingest\n";
    db_url_ = "sqlite://" + (dir_ / "events.db").string();
  }

  std::vector<std::string> args(const std::string& client_id, std::uint16_t metrics_port) const {
    return {"--mqtt",
            broker_->address(),
            "--tls-cert",
            broker_->ca_file().string(),
            "--username",
            "ingest",
            "--password-file",
            (dir_ / "ingest.pw").string(),
            "--db",
            db_url_,
            "--client-id",
            client_id,
            "--metrics",
            "127.0.0.1:" + std::to_string(metrics_port),
            "-v"};
  }

  // Starts a worker and waits until its subscriptions stand.
  std::unique_ptr<IngestChild> start_worker(const std::string& client_id, std::uint16_t port) {
    auto child = std::make_unique<IngestChild>(args(client_id, port), dir_ / (client_id + ".log"));
    EXPECT_TRUE(child->started());
    EXPECT_TRUE(wait_until([&] { return healthy(port); }, 15000))
        << read_file(dir_ / (client_id + ".log"));
    return child;
  }

  std::unique_ptr<mqtt::Client> device(const std::string& name, const std::string& password) {
    mqtt::Options o;
    o.client_id = name == "dev@x" ? "dev-x" : name;
    o.brokers = {{"localhost", broker_->port()}};
    o.ca_file = broker_->ca_file().string();
    o.username = name;
    o.password = password;
    auto c = std::make_unique<mqtt::Client>(o);
    const auto st = c->connect();
    EXPECT_TRUE(st.ok()) << st.error().message;
    return c;
  }

  // Publishes QoS 1 and waits for the broker's PUBACK.
  static void publish(mqtt::Client& c, const std::string& topic, const std::string& payload) {
    auto mid = c.publish(topic, payload, mqtt::Qos::kAtLeastOnce);
    ASSERT_TRUE(mid.ok()) << mid.error().message;
    const auto st = c.wait_for_ack(*mid, 5000);
    ASSERT_TRUE(st.ok()) << st.error().message;
  }

  std::multiset<std::string> stored_ids() const { return test::stored_ids(db_url_); }

  std::unique_ptr<MosquittoBroker> broker_;
  fs::path dir_;
  std::string db_url_;
};

double now_s() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

TEST_F(IngestBroker, EachMalformedKindIsDeadLetteredAndGoodOnesAroundItAreStored) {
  const auto port = css::testing::free_loopback_port();
  auto worker = start_worker("ingest-dl", port);
  auto dev = device("dev-a", "pw-a");
  const double t = now_s();
  std::uint64_t n = 0;
  std::map<std::string, int> expected;
  publish(*dev, "citysafesense/events/dev-a", event_json("dev-a", ++n, t));
  for (const auto& bad : bad_payloads("dev-a", "dev-b", t)) {
    publish(*dev, "citysafesense/" + bad.kind + "/dev-a", bad.payload);
    publish(*dev, "citysafesense/events/dev-a", event_json("dev-a", ++n, t));
    ++expected[bad.reason];
  }
  auto x = device("dev@x", "pw-x");
  publish(*x, "citysafesense/events/dev@x", event_json("dev-a", 999, t));
  ++expected["unknown_topic"];
  publish(*dev, "citysafesense/flows/dev-a", flow_json("dev-a", 1716040800.0));
  publish(*dev, "citysafesense/telemetry/dev-a", telemetry_json("dev-a", 1716040800.0));
  publish(*dev, "citysafesense/status/dev-a", "online");
  publish(*dev, "citysafesense/events/dev-a", event_json("dev-a", ++n, t));

  std::size_t total_bad = 0;
  for (const auto& [reason, count] : expected) total_bad += count;
  ASSERT_TRUE(wait_until(
      [&] {
        const auto s = stats_of(db_url_);
        return s.events == n && s.dead_letters == total_bad;
      },
      15000))
      << read_file(dir_ / "ingest-dl.log");
  const auto s = stats_of(db_url_);
  EXPECT_EQ(s.flows, 1u);
  EXPECT_EQ(s.telemetry, 1u);
  EXPECT_EQ(s.devices, 1u);
  for (const auto& [reason, count] : expected) {
    EXPECT_EQ(s.dead_letters_by_reason.count(reason) ? s.dead_letters_by_reason.at(reason) : 0u,
              static_cast<std::uint64_t>(count))
        << reason;
    EXPECT_EQ(metric(port, "citysafe_ingest_dead_letters_total{reason=\"" + reason + "\"}"), count)
        << reason;
  }
  std::multiset<std::string> want;
  for (std::uint64_t i = 1; i <= n; ++i) want.insert(uuid_for(i));
  EXPECT_EQ(stored_ids(), want);
  // A dead letter keeps what arrived: the oversize payload's head and its real size.
  auto db = store::open_store(db_url_, {.read_only = true, .migrate = false, .create = false});
  ASSERT_TRUE(db.ok());
  auto letters = (*db)->dead_letters(100, std::nullopt);
  ASSERT_TRUE(letters.ok());
  bool saw_large = false;
  for (const auto& d : *letters) {
    if (d.reason_code != "payload_too_large") continue;
    saw_large = true;
    EXPECT_GT(d.payload_size, 17u * 1024);
    EXPECT_EQ(d.topic, "citysafesense/events/dev-a");
  }
  EXPECT_TRUE(saw_large);
  worker->signal(SIGTERM);
  EXPECT_EQ(worker->wait(10000), 0) << read_file(dir_ / "ingest-dl.log");
}

TEST_F(IngestBroker, ARepeatedEventIdIsStoredOnceAndCountedAsDuplicate) {
  const auto port = css::testing::free_loopback_port();
  auto worker = start_worker("ingest-dup", port);
  auto dev = device("dev-a", "pw-a");
  // Five seconds old when published: the lag gauge (batch time − event timestamp) is then ≥ 5 s.
  const std::string e = event_json("dev-a", 42, now_s() - 5.0);
  publish(*dev, "citysafesense/events/dev-a", e);
  publish(*dev, "citysafesense/events/dev-a", e);
  ASSERT_TRUE(
      wait_until([&] { return metric(port, "citysafe_ingest_duplicates_total") == 1; }, 10000));
  EXPECT_EQ(stats_of(db_url_).events, 1u);
  EXPECT_EQ(metric(port, "citysafe_ingest_received_total"), 2);
  EXPECT_EQ(metric(port, "citysafe_ingest_events_stored_total"), 1);
  const double lag = metric(port, "citysafe_ingest_lag_seconds");
  EXPECT_GE(lag, 5.0);
  EXPECT_LT(lag, 65.0);
  EXPECT_GE(metric(port, "citysafe_ingest_lag_seconds_sum"), 5.0);
}

// The durability property: kill -9 at random moments while events stream in, restart with
// the same client id (same session): the store ends with every published event exactly once.
TEST_F(IngestBroker, KillNineUnderLoadLosesNothingAndStoresNothingTwice) {
  const auto port = css::testing::free_loopback_port();
  auto worker = start_worker("ingest-k9", port);
  constexpr std::uint64_t kEvents = 3000;
  const unsigned seed = std::random_device{}();
  std::mt19937 rng(seed);
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::atomic<bool> published{false};
  std::atomic<int> kills{0};
  std::thread killer([&] {
    std::uniform_int_distribution<int> pause(100, 500);
    for (int k = 0; k < 3 && !published; ++k) {
      std::this_thread::sleep_for(std::chrono::milliseconds(pause(rng)));
      worker->signal(SIGKILL);
      worker->wait(5000);
      ++kills;
      std::this_thread::sleep_for(std::chrono::milliseconds(pause(rng) / 4));
      worker = std::make_unique<IngestChild>(args("ingest-k9", port), dir_ / "ingest-k9.log");
    }
  });
  auto dev = device("dev-a", "pw-a");
  const double t = now_s();
  std::vector<mqtt::MessageId> window;
  for (std::uint64_t i = 1; i <= kEvents; ++i) {
    auto mid = dev->publish("citysafesense/events/dev-a", event_json("dev-a", i, t),
                            mqtt::Qos::kAtLeastOnce);
    ASSERT_TRUE(mid.ok()) << mid.error().message;
    window.push_back(*mid);
    if (window.size() == 30 || i == kEvents) {  // ~1 k events/s: the kills fall under load
      for (auto m : window) ASSERT_TRUE(dev->wait_for_ack(m, 10000).ok());
      window.clear();
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
  }
  published = true;
  killer.join();
  EXPECT_EQ(kills.load(), 3);
  ASSERT_TRUE(wait_until([&] { return stats_of(db_url_).events >= kEvents; }, 60000))
      << "stored " << stats_of(db_url_).events << " of " << kEvents << "\n"
      << read_file(dir_ / "ingest-k9.log");
  std::multiset<std::string> want;
  for (std::uint64_t i = 1; i <= kEvents; ++i) want.insert(uuid_for(i));
  EXPECT_EQ(stored_ids(), want);
  worker->signal(SIGTERM);
  EXPECT_EQ(worker->wait(10000), 0);
}

TEST_F(IngestBroker, TwoWorkersOfOneGroupSplitTheLoad) {
  const auto p1 = css::testing::free_loopback_port();
  auto w1 = start_worker("ingest-w1", p1);
  const auto p2 = css::testing::free_loopback_port();
  auto w2 = start_worker("ingest-w2", p2);
  auto dev = device("dev-a", "pw-a");
  constexpr std::uint64_t kEvents = 1000;
  const double t = now_s();
  for (std::uint64_t i = 1; i <= kEvents; ++i)
    publish(*dev, "citysafesense/events/dev-a", event_json("dev-a", i, t));
  ASSERT_TRUE(wait_until([&] { return stats_of(db_url_).events == kEvents; }, 20000));
  const double s1 = metric(p1, "citysafe_ingest_events_stored_total");
  const double s2 = metric(p2, "citysafe_ingest_events_stored_total");
  EXPECT_EQ(s1 + s2, kEvents);
  EXPECT_GT(s1, kEvents / 5.0);
  EXPECT_GT(s2, kEvents / 5.0);
  EXPECT_EQ(stored_ids().size(), kEvents);
}

TEST(IngestCli, BadInputExitsTwoNamingTheFlag) {
  const std::string bin = CSS_CITYSAFE_BIN;
  const fs::path log = fs::temp_directory_path() / ("ingest-cli-" + std::to_string(getpid()));
  auto run = [&](const std::vector<std::string>& a) {
    IngestChild c(a, log);
    return c.wait(10000);
  };
  EXPECT_EQ(run({"--tls-cert", "/nonexistent"}), 2);
  EXPECT_EQ(run({"--mqtt", "localhost:70000", "--tls-cert", "/x"}), 2);
  EXPECT_EQ(run({"--mqtt", "localhost:1", "--tls-cert", "/x", "--db", "mysql://x"}), 2);
  const std::string db = "sqlite://" + log.string() + ".db";
  EXPECT_EQ(run({"--mqtt", "localhost:1", "--tls-cert", "/x", "--db", db, "--metrics", "nope"}), 2);
  const std::string text = read_file(log);
  EXPECT_NE(text.find("--mqtt is required"), std::string::npos) << text;
  EXPECT_NE(text.find("--mqtt:"), std::string::npos) << text;
  EXPECT_NE(text.find("--metrics: expected HOST:PORT"), std::string::npos) << text;
  fs::remove(log);
  fs::remove(log.string() + ".db");
  fs::remove(log.string() + ".db-wal");
  fs::remove(log.string() + ".db-shm");
}

TEST(IngestCli, AmqpBadInputExitsTwoAndNoNodeExitsOne) {
  const fs::path log = fs::temp_directory_path() / ("ingest-amqp-cli-" + std::to_string(getpid()));
  const std::string db = "sqlite://" + log.string() + ".db";
  auto run = [&](const std::vector<std::string>& a) {
    IngestChild c(a, log);
    return c.wait(15000);
  };
  EXPECT_EQ(run({"--amqp", "localhost:1", "--mqtt", "localhost:2", "--tls-cert", "/x"}), 2);
  EXPECT_EQ(run({"--amqp", " , "}), 2);
  EXPECT_EQ(run({"--amqp", "localhost:1", "--group", "g"}), 2);
  EXPECT_EQ(run({"--amqp", "localhost:1", "--amqp-password-file", "/nonexistent/pw"}), 2);
  EXPECT_EQ(run({"--amqp", "127.0.0.1:1,127.0.0.1:2", "--db", db}), 1);
  const std::string text = read_file(log);
  EXPECT_NE(text.find("--mqtt and --amqp exclude each other"), std::string::npos) << text;
  EXPECT_NE(text.find("--amqp: AMQP node list ' , ' is empty"), std::string::npos) << text;
  EXPECT_NE(text.find("--group, --client-id and --session-expiry are MQTT settings"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("--amqp-password-file: cannot read '/nonexistent/pw'"), std::string::npos)
      << text;
  EXPECT_NE(text.find("no AMQP node took us: amqp://127.0.0.1:1: TCP connection failed"),
            std::string::npos)
      << text;
  for (const auto* suffix : {"", ".db", ".db-wal", ".db-shm"}) fs::remove(log.string() + suffix);
}

}  // namespace
}  // namespace css::ingest::test

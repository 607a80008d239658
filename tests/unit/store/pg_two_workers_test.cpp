// Scale-out on one PostgreSQL (issue 16, "Scale-out"): two ingest workers in one MQTT v5
// shared-subscription group, each with its own connection to the same PostGIS database, behind
// a real TLS Mosquitto. Every published event is stored exactly once and the broker splits the
// load between them. The second case stops one worker mid-stream and starts it again: nothing
// is lost or doubled.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "css/core/event.hpp"
#include "css/ingest/worker.hpp"
#include "css/mqtt/client.hpp"
#include "mosquitto_broker.hpp"
#include "pg_cluster_env.hpp"
#include "store_test_util.hpp"

namespace css::store::testing {
namespace {

using namespace std::chrono_literals;

[[maybe_unused]] auto* const kEnv = ::testing::AddGlobalTestEnvironment(new PgClusterEnv);

// One worker thread with its own store connection and metrics.
struct RunningWorker {
  std::unique_ptr<EventStore> store;
  ingest::IngestMetrics metrics;
  std::atomic<bool> stop{false};
  std::unique_ptr<ingest::Worker> worker;
  std::thread thread;
  Status result = Ok{};

  void stop_and_join() {
    stop = true;
    if (thread.joinable()) thread.join();
  }
  ~RunningWorker() { stop_and_join(); }
};

class TwoWorkers : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!PgClusterEnv::cluster()) GTEST_SKIP() << "no cluster";
    auto url = PgClusterEnv::cluster()->fresh_database();
    ASSERT_TRUE(url.ok()) << url.error().message;
    url_ = *url;
    auto broker = css::testing::MosquittoBroker::start();
    ASSERT_TRUE(broker.ok()) << broker.error().message;
    broker_ = std::move(*broker);
    auto brokers = mqtt::parse_broker_list(broker_->address());
    ASSERT_TRUE(brokers.ok());
    brokers_ = *brokers;
  }

  mqtt::Options client(const std::string& id, const std::string& user, const std::string& pw) {
    mqtt::Options o;
    o.client_id = id;
    o.brokers = brokers_;
    o.ca_file = broker_->ca_file().string();
    o.username = user;
    o.password = pw;
    return o;
  }

  std::unique_ptr<RunningWorker> start_worker(const std::string& id) {
    auto w = std::make_unique<RunningWorker>();
    auto store = open_store(url_);
    EXPECT_TRUE(store.ok()) << store.error().message;
    if (!store.ok()) return nullptr;
    w->store = std::move(*store);
    ingest::WorkerOptions options;
    options.mqtt = client(id, "ingest", "pw-ingest");
    options.group = "ingest";
    options.max_batch = 200;
    w->worker = std::make_unique<ingest::Worker>(options, *w->store, w->metrics);
    RunningWorker* raw = w.get();
    w->thread = std::thread([raw] { raw->result = raw->worker->run(raw->stop); });
    for (int i = 0; i < 300 && !w->metrics.broker_connected; ++i) std::this_thread::sleep_for(50ms);
    EXPECT_TRUE(w->metrics.broker_connected) << id << " did not connect within 15 s";
    return w;
  }

  // Publishes warm-up events one by one until every worker has stored one, so all are
  // subscribed (a SUBACK follows the CONNACK by a moment; before it, the group has fewer
  // members). Returns how many events the store holds afterwards: the tests' baseline.
  std::uint64_t warm_up(const std::vector<RunningWorker*>& workers) {
    std::uint64_t n = 1'000'000;
    const auto all_stored = [&] {
      for (auto* w : workers)
        if (w->metrics.events_stored == 0) return false;
      return true;
    };
    for (int i = 0; i < 60 && !all_stored(); ++i) {
      publish(n, n + 1);
      ++n;
      for (int j = 0; j < 10 && !all_stored(); ++j) std::this_thread::sleep_for(50ms);
    }
    EXPECT_TRUE(all_stored()) << "not every worker subscribed within 60 warm-up events";
    auto reader = open_store(url_);
    EXPECT_TRUE(reader.ok());
    std::uint64_t have = 0;
    for (int i = 0; i < 50; ++i) {  // the last warm-up may still be committing
      auto st = (*reader)->stats();
      if (st.ok()) have = st->events;
      std::uint64_t stored = 0;
      for (auto* w : workers) stored += w->metrics.events_stored;
      if (st.ok() && have == stored) break;
      std::this_thread::sleep_for(50ms);
    }
    return have;
  }

  // Publishes events n in [first, last) as dev-a, QoS 1, every PUBACK awaited.
  void publish(std::uint64_t first, std::uint64_t last) {
    mqtt::Client pub(client("dev-a", "dev-a", "pw-a"));
    ASSERT_TRUE(pub.connect().ok());
    std::vector<mqtt::MessageId> mids;
    for (std::uint64_t n = first; n < last; ++n) {
      Event e = make_event(
          {.n = n, .timestamp = 1715982000.0 + static_cast<double>(n) * 0.01, .device = "dev-a"});
      auto mid = pub.publish("citysafesense/events/dev-a", to_json(e), mqtt::Qos::kAtLeastOnce);
      ASSERT_TRUE(mid.ok()) << mid.error().message;
      mids.push_back(*mid);
      if (mids.size() == 20) {  // stay within the broker's in-flight window
        for (auto m : mids) ASSERT_TRUE(pub.wait_for_ack(m, 10'000).ok());
        mids.clear();
      }
    }
    for (auto m : mids) ASSERT_TRUE(pub.wait_for_ack(m, 10'000).ok());
  }

  // Waits (<= 60 s) until the store holds `n` events; returns what it holds.
  std::uint64_t wait_for_events(std::uint64_t n) {
    auto reader = open_store(url_);
    EXPECT_TRUE(reader.ok());
    if (!reader.ok()) return 0;
    std::uint64_t have = 0;
    for (int i = 0; i < 600 && have < n; ++i) {
      auto st = (*reader)->stats();
      if (st.ok()) have = st->events;
      if (have < n) std::this_thread::sleep_for(100ms);
    }
    return have;
  }

  std::string url_;
  std::unique_ptr<css::testing::MosquittoBroker> broker_;
  std::vector<mqtt::BrokerAddress> brokers_;
};

TEST_F(TwoWorkers, EveryEventStoredOnceAndTheLoadSplit) {
  constexpr std::uint64_t kEvents = 2000;
  auto a = start_worker("ingest-a");
  auto b = start_worker("ingest-b");
  ASSERT_TRUE(a && b);
  const std::uint64_t base = warm_up({a.get(), b.get()});
  publish(0, kEvents);
  EXPECT_EQ(wait_for_events(base + kEvents), base + kEvents);
  a->stop_and_join();
  b->stop_and_join();
  EXPECT_TRUE(a->result.ok()) << a->result.error().message;
  EXPECT_TRUE(b->result.ok()) << b->result.error().message;
  const std::uint64_t sa = a->metrics.events_stored, sb = b->metrics.events_stored;
  EXPECT_EQ(sa + sb, base + kEvents) << "a " << sa << ", b " << sb;
  // Mosquitto hands shared-subscription messages round-robin: each gets a real share.
  EXPECT_GE(sa, kEvents / 5) << "a " << sa << ", b " << sb;
  EXPECT_GE(sb, kEvents / 5) << "a " << sa << ", b " << sb;
  auto reader = open_store(url_);
  ASSERT_TRUE(reader.ok());
  auto stats = (*reader)->stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->events, base + kEvents);
  EXPECT_EQ(stats->dead_letters, 0u);
}

TEST_F(TwoWorkers, AWorkerStoppedMidStreamAndRestartedLosesNothing) {
  constexpr std::uint64_t kEvents = 1500;
  auto a = start_worker("ingest-a");
  auto b = start_worker("ingest-b");
  ASSERT_TRUE(a && b);
  const std::uint64_t base = warm_up({a.get(), b.get()});
  std::thread publisher([&] { publish(0, kEvents); });
  // Stop `a` while the stream flows: its open batch commits before its PUBACKs go; what the
  // broker still routes to a's persistent session waits there for it.
  for (int i = 0; i < 500 && a->metrics.events_stored < base + 200; ++i)
    std::this_thread::sleep_for(20ms);
  a->stop_and_join();
  publisher.join();
  auto a2 = start_worker("ingest-a");  // same client id: resumes the session
  ASSERT_TRUE(a2);
  EXPECT_EQ(wait_for_events(base + kEvents), base + kEvents);
  a2->stop_and_join();
  b->stop_and_join();
  EXPECT_TRUE(a->result.ok()) << a->result.error().message;
  const std::uint64_t total =
      a->metrics.events_stored + a2->metrics.events_stored + b->metrics.events_stored;
  const std::uint64_t dups = a->metrics.duplicates + a2->metrics.duplicates + b->metrics.duplicates;
  EXPECT_EQ(total, base + kEvents);
  EXPECT_GT(b->metrics.events_stored, 1u);
  EXPECT_EQ(dups, 0u);  // a clean stop acknowledges exactly what it committed
}

}  // namespace
}  // namespace css::store::testing

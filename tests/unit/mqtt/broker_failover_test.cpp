// css::mqtt::Client when brokers go away: reconnect after a broker crash + restart, failover
// along the broker list, shared subscriptions across two workers, and the connect errors that
// need no broker at all (refused port, unknown host, missing CA).

#include <set>

#include "mqtt_test_util.hpp"

namespace css::mqtt {
namespace {

using test::eventually;
using test::Inbox;
using test::options_for;
using test::start_broker;

// Publishes `payload` (QoS 1) until `inbox` holds it: right after a reconnect the subscriber's
// renewed SUBSCRIBE may still be in flight. At most `tries` publishes.
bool deliver(Client& pub, const std::string& topic, const std::string& payload, Inbox& inbox,
             int tries) {
  for (int i = 0; i < tries; ++i) {
    auto mid = pub.publish(topic, payload, Qos::kAtLeastOnce);
    if (mid.ok() && pub.wait_for_ack(*mid, 2000).ok() && inbox.wait_for_count(1, 300)) {
      return true;
    }
  }
  return false;
}

TEST(MqttFailover, ReconnectsAfterTheBrokerIsKilledAndRestarted) {
  auto broker = start_broker();
  ASSERT_TRUE(broker);
  Inbox inbox;
  Client sub(options_for(*broker, "ingest", "pw-ingest", "ingest-1"), {.on_message = inbox.sink()});
  ASSERT_TRUE(sub.connect().ok());
  ASSERT_TRUE(sub.subscribe("citysafesense/events/+", Qos::kAtLeastOnce).ok());
  std::atomic<int> drops{0};
  std::string why;  // written on the network thread before `drops` is bumped
  Client pub(options_for(*broker, "dev-a", "pw-a", "dev-a"),
             {.on_disconnected = [&](const std::string& w) {
               why = w;
               ++drops;
             }});
  ASSERT_TRUE(pub.connect().ok());

  ASSERT_TRUE(broker->kill_hard().ok());
  ASSERT_TRUE(eventually([&] { return drops == 1 && !sub.connected(); }, 5000));
  EXPECT_FALSE(pub.connected());
  EXPECT_NE(why.find("broker " + broker->address()), std::string::npos) << why;
  // Lost, or already a refused reconnect attempt: both say the broker is gone.
  const Failure kind = pub.last_error().kind;
  EXPECT_TRUE(kind == Failure::kConnectionLost || kind == Failure::kRefused) << to_string(kind);
  EXPECT_FALSE(pub.publish("citysafesense/events/dev-a", "lost", Qos::kAtLeastOnce).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // a few failed attempts

  ASSERT_TRUE(broker->restart().ok());
  ASSERT_TRUE(eventually([&] { return pub.connected() && sub.connected(); }, 15'000))
      << pub.last_error().message;
  EXPECT_EQ(pub.connection_count(), 2u);
  EXPECT_EQ(sub.connection_count(), 2u);
  EXPECT_EQ(drops.load(), 1);
  ASSERT_TRUE(deliver(pub, "citysafesense/events/dev-a", "after-restart", inbox, 10));
  EXPECT_EQ(inbox.all().front().payload, "after-restart");
}

TEST(MqttFailover, MovesToTheNextBrokerWhenOneIsDown) {
  auto first = start_broker();
  ASSERT_TRUE(first);
  auto second = start_broker({.certs_dir = first->certs_dir()});  // same CA, other process
  ASSERT_TRUE(second);
  ASSERT_TRUE(first->stop().ok());

  Options o = options_for(*first, "dev-a", "pw-a", "dev-a");
  o.brokers.push_back(*parse_broker_address(second->address()));
  Client c(o);
  ASSERT_TRUE(c.connect().ok()) << c.last_error().message;
  ASSERT_TRUE(c.current_broker());
  EXPECT_EQ(c.current_broker()->port, second->port());

  // The second goes down and the first comes back: the client moves back along the list.
  ASSERT_TRUE(first->restart().ok());
  ASSERT_TRUE(second->stop().ok());
  ASSERT_TRUE(eventually(
      [&] {
        auto b = c.current_broker();
        return b && b->port == first->port();
      },
      15'000))
      << c.last_error().message;
  auto mid = c.publish("citysafesense/events/dev-a", "via-first", Qos::kAtLeastOnce);
  ASSERT_TRUE(mid.ok());
  EXPECT_TRUE(c.wait_for_ack(*mid, 5000).ok());
  EXPECT_EQ(c.connection_count(), 2u);
}

TEST(MqttFailover, SharedSubscriptionSplitsMessagesBetweenWorkers) {
  auto broker = start_broker();
  ASSERT_TRUE(broker);
  Inbox one, two;
  Client w1(options_for(*broker, "ingest", "pw-ingest", "ingest-1"), {.on_message = one.sink()});
  Client w2(options_for(*broker, "ingest", "pw-ingest", "ingest-2"), {.on_message = two.sink()});
  for (Client* w : {&w1, &w2}) {
    ASSERT_TRUE(w->connect().ok());
    ASSERT_TRUE(w->subscribe("$share/ingest/citysafesense/events/+", Qos::kAtLeastOnce).ok());
  }
  Client pub(options_for(*broker, "dev-a", "pw-a", "dev-a"));
  ASSERT_TRUE(pub.connect().ok());
  constexpr int kCount = 20;
  for (int i = 0; i < kCount; ++i) {
    auto mid =
        pub.publish("citysafesense/events/dev-a", "event-" + std::to_string(i), Qos::kAtLeastOnce);
    ASSERT_TRUE(mid.ok());
    ASSERT_TRUE(pub.wait_for_ack(*mid, 5000).ok());
  }
  ASSERT_TRUE(eventually([&] { return one.all().size() + two.all().size() >= kCount; }, 10'000));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // room for a wrong duplicate
  const auto a = one.all(), b = two.all();
  EXPECT_GT(a.size(), 0u);
  EXPECT_GT(b.size(), 0u);
  EXPECT_EQ(a.size() + b.size(), static_cast<std::size_t>(kCount));
  std::set<std::string> seen;
  for (const auto* box : {&a, &b}) {
    for (const auto& m : *box) seen.insert(m.payload);
  }
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kCount));  // each exactly once
}

TEST(MqttFailover, ConnectErrorsNameTheCause) {
  auto broker = start_broker();  // only for its CA file
  ASSERT_TRUE(broker);
  Options o = options_for(*broker, "dev-a", "pw-a", "dev-a");
  o.brokers = {{"127.0.0.1", testing::free_loopback_port()}, {"no-such-host.invalid", 8883}};
  Client c(o);
  const Status s = c.connect();
  ASSERT_FALSE(s.ok());
  const std::string& m = s.error().message;
  EXPECT_NE(m.find("127.0.0.1:" + std::to_string(o.brokers[0].port) + ": connection refused"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("cannot resolve 'no-such-host.invalid'"), std::string::npos) << m;
  EXPECT_EQ(c.last_error().kind, Failure::kDns);

  o.ca_file = (broker->dir() / "missing.pem").string();
  Client d(o);
  const Status t = d.connect();
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(d.last_error().kind, Failure::kConfig);
  EXPECT_NE(t.error().message.find("missing.pem' cannot be read"), std::string::npos)
      << t.error().message;
}

}  // namespace
}  // namespace css::mqtt

// css::mqtt::Client against a real Mosquitto with TLS, passwords and the deploy/ ACL:
// delivery of exact bytes with PUBACK, refusals (password, CA, ACL), the last will.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>

#include "css/mqtt/reason.hpp"
#include "mqtt_test_util.hpp"

extern char** environ;

namespace css::mqtt {
namespace {

using test::Inbox;
using test::options_for;
using test::start_broker;

TEST(MqttBroker, Qos1PublishArrivesWithExactBytesAndPuback) {
  auto broker = start_broker();
  ASSERT_TRUE(broker);
  Inbox inbox;
  Client sub(options_for(*broker, "ingest", "pw-ingest", "ingest-1"), {.on_message = inbox.sink()});
  ASSERT_TRUE(sub.connect().ok()) << sub.last_error().message;
  ASSERT_TRUE(sub.subscribe("citysafesense/events/+", Qos::kAtLeastOnce).ok());

  std::atomic<int> puback_reason{-1};
  Client pub(options_for(*broker, "dev-a", "pw-a", "dev-a"),
             {.on_puback = [&](MessageId, int reason) { puback_reason = reason; }});
  const Status connected = pub.connect();
  ASSERT_TRUE(connected.ok()) << connected.error().message;
  EXPECT_EQ(pub.current_broker()->port, broker->port());

  std::string payload = R"({"schema":1,"event":"sudden_displacement"})";
  payload += std::string("\0\x01\xff\xfe", 4);  // binary bytes, NUL included, survive as is
  auto mid = pub.publish("citysafesense/events/dev-a", payload, Qos::kAtLeastOnce);
  ASSERT_TRUE(mid.ok()) << mid.error().message;
  const Status acked = pub.wait_for_ack(*mid, 5000);
  EXPECT_TRUE(acked.ok()) << acked.error().message;
  EXPECT_EQ(puback_reason.load(), kReasonSuccess);

  ASSERT_TRUE(inbox.wait_for_count(1, 5000));
  const auto got = inbox.all();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].topic, "citysafesense/events/dev-a");
  EXPECT_EQ(got[0].payload, payload);
  EXPECT_EQ(got[0].qos, Qos::kAtLeastOnce);
  EXPECT_FALSE(got[0].retain);
}

TEST(MqttBroker, WrongPasswordIsRefusedAsAuth) {
  auto broker = start_broker();
  ASSERT_TRUE(broker);
  Client c(options_for(*broker, "dev-a", "not-the-password", "dev-a"));
  const Status s = c.connect();
  ASSERT_FALSE(s.ok());
  EXPECT_FALSE(c.connected());
  EXPECT_EQ(c.last_error().kind, Failure::kAuth) << c.last_error().message;
  EXPECT_NE(s.error().message.find(broker->address()), std::string::npos) << s.error().message;
  EXPECT_NE(s.error().message.find("user 'dev-a'"), std::string::npos) << s.error().message;
}

TEST(MqttBroker, UnknownCaIsRefusedAsTls) {
  auto broker = start_broker();
  ASSERT_TRUE(broker);
  const auto other = broker->dir() / "other-ca";  // a second, unrelated CA
  ASSERT_TRUE(
      testing::run_tool({"/bin/bash", std::string(CSS_SOURCE_DIR) + "/deploy/certs/make-certs.sh",
                         other.string()},
                        broker->dir() / "other-ca.log")
          .ok());
  Options o = options_for(*broker, "dev-a", "pw-a", "dev-a");
  o.ca_file = (other / "ca.pem").string();
  Client c(o);
  const Status s = c.connect();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(c.last_error().kind, Failure::kTls) << c.last_error().message;
  EXPECT_NE(s.error().message.find(o.ca_file), std::string::npos) << s.error().message;
}

TEST(MqttBroker, PublishUnderAnotherDevicesNameGetsReason135) {
  auto broker = start_broker();
  ASSERT_TRUE(broker);
  Inbox inbox;
  Client sub(options_for(*broker, "ingest", "pw-ingest", "ingest-1"), {.on_message = inbox.sink()});
  ASSERT_TRUE(sub.connect().ok());
  ASSERT_TRUE(sub.subscribe("citysafesense/#", Qos::kAtLeastOnce).ok());

  std::mutex mu;
  std::vector<int> reasons;
  Client pub(options_for(*broker, "dev-a", "pw-a", "dev-a"), {.on_puback = [&](MessageId, int r) {
               const std::lock_guard lock(mu);
               reasons.push_back(r);
             }});
  ASSERT_TRUE(pub.connect().ok());
  auto forbidden = pub.publish("citysafesense/events/dev-b", "spoofed", Qos::kAtLeastOnce);
  ASSERT_TRUE(forbidden.ok());
  const Status refused = pub.wait_for_ack(*forbidden, 5000);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("135 Not authorized"), std::string::npos)
      << refused.error().message;

  // Its own name is fine; once that arrives, the spoofed one has had its chance and is absent.
  auto own = pub.publish("citysafesense/events/dev-a", "genuine", Qos::kAtLeastOnce);
  ASSERT_TRUE(own.ok());
  EXPECT_TRUE(pub.wait_for_ack(*own, 5000).ok());
  ASSERT_TRUE(inbox.wait_for_count(1, 5000));
  const auto got = inbox.all();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].payload, "genuine");
  const std::lock_guard lock(mu);
  EXPECT_EQ(reasons, (std::vector<int>{kReasonNotAuthorized, kReasonSuccess}));
}

TEST(MqttBroker, PublishWhileDisconnectedIsAnError) {
  auto broker = start_broker();
  ASSERT_TRUE(broker);
  Client c(options_for(*broker, "dev-a", "pw-a", "dev-a"));
  auto r = c.publish("citysafesense/events/dev-a", "x", Qos::kAtLeastOnce);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("not connected"), std::string::npos);
  ASSERT_TRUE(c.connect().ok());
  EXPECT_FALSE(c.publish("citysafesense/events/+", "x", Qos::kAtLeastOnce).ok());  // wildcard
  c.disconnect();
  EXPECT_FALSE(c.connected());
  EXPECT_FALSE(c.publish("citysafesense/events/dev-a", "x", Qos::kAtLeastOnce).ok());
}

// Starts mqtt_will_child with stdout on a pipe; returns its pid and the pipe's read end.
std::pair<pid_t, int> spawn_will_child(const std::vector<std::string>& args) {
  int fds[2];
  if (::pipe(fds) != 0) return {-1, -1};
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
  posix_spawn_file_actions_addclose(&fa, fds[0]);
  pid_t pid = -1;
  if (posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&fa);
  ::close(fds[1]);
  return {pid, fds[0]};
}

TEST(MqttBroker, LastWillFiresWhenTheClientProcessDiesButNotOnCleanDisconnect) {
  auto broker = start_broker();
  ASSERT_TRUE(broker);
  Inbox inbox;
  Client sub(options_for(*broker, "ingest", "pw-ingest", "ingest-1"), {.on_message = inbox.sink()});
  ASSERT_TRUE(sub.connect().ok());
  ASSERT_TRUE(sub.subscribe("citysafesense/status/+", Qos::kAtLeastOnce).ok());

  {  // control: a clean disconnect must not publish the will
    Options o = options_for(*broker, "dev-b", "pw-b", "dev-b");
    o.will = LastWill{"citysafesense/status/dev-b", "offline-clean", Qos::kAtLeastOnce, false};
    Client polite(o);
    ASSERT_TRUE(polite.connect().ok());
  }

  auto [pid, out] =
      spawn_will_child({CSS_MQTT_WILL_CHILD, broker->address(), broker->ca_file().string(), "dev-a",
                        "pw-a", "citysafesense/status/dev-a", "offline"});
  ASSERT_GT(pid, 0);
  pollfd pfd{out, POLLIN, 0};
  char buf[32] = {};
  const bool ready = ::poll(&pfd, 1, 10'000) == 1 && ::read(out, buf, sizeof(buf) - 1) > 0;
  ::close(out);
  ::kill(pid, SIGKILL);  // dies without a DISCONNECT
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(ready) << "child did not connect";
  EXPECT_EQ(std::string(buf), "connected\n");

  ASSERT_TRUE(inbox.wait_for_count(1, 10'000)) << broker->log();
  const auto got = inbox.all();
  ASSERT_EQ(got.size(), 1u) << "the clean disconnect published its will";
  EXPECT_EQ(got[0].topic, "citysafesense/status/dev-a");
  EXPECT_EQ(got[0].payload, "offline");
}

}  // namespace
}  // namespace css::mqtt

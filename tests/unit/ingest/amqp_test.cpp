// The AMQP source's pure parts and its failures without a broker: node lists (default ports by
// TLS), routing key <-> MQTT topic, the binding keys, bad options and unreachable nodes as
// errors that name the cause. The cluster itself: ingest_cluster_test.cpp.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>

#include "css/ingest/amqp_worker.hpp"
#include "css/store/event_store.hpp"

namespace css::ingest {
namespace {

TEST(AmqpNodes, PortsDefaultByTlsAndListsKeepTheirOrder) {
  auto plain = parse_amqp_nodes("mq1, mq2:5673 ,[::1]", false);
  ASSERT_TRUE(plain.ok()) << plain.error().message;
  ASSERT_EQ(plain->size(), 3u);
  EXPECT_EQ((*plain)[0], (mqtt::BrokerAddress{"mq1", kAmqpPort}));
  EXPECT_EQ((*plain)[1], (mqtt::BrokerAddress{"mq2", 5673}));
  EXPECT_EQ((*plain)[2], (mqtt::BrokerAddress{"::1", kAmqpPort}));
  auto tls = parse_amqp_nodes("mq1,[::1]:5999", true);
  ASSERT_TRUE(tls.ok()) << tls.error().message;
  EXPECT_EQ((*tls)[0].port, kAmqpsPort);
  EXPECT_EQ((*tls)[1].port, 5999);
}

TEST(AmqpNodes, BadListsAreErrorsQuotingTheInput) {
  for (const char* bad : {"", " , ", "mq1:0", "mq1:70000", "mq 1", "mq1,,mq2", "[::1"}) {
    auto r = parse_amqp_nodes(bad, false);
    ASSERT_FALSE(r.ok()) << "'" << bad << "' parsed";
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  }
}

TEST(AmqpRouting, KeysAndTopicsSwapDotsAndSlashes) {
  EXPECT_EQ(topic_from_routing_key("citysafesense.events.dev-1"), "citysafesense/events/dev-1");
  // The MQTT plugin turns a '.' in a topic into '/': a device id with a dot comes back intact.
  EXPECT_EQ(topic_from_routing_key("citysafesense.events.node/7"), "citysafesense/events/node.7");
  const auto keys = amqp_binding_keys("citysafesense");
  EXPECT_EQ(keys[0], "citysafesense.events.*");
  EXPECT_EQ(keys[1], "citysafesense.flows.*");
  EXPECT_EQ(keys[2], "citysafesense.status.*");
  EXPECT_EQ(keys[3], "citysafesense.telemetry.*");
}

class AmqpWorkerErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("css-amqp-unit-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    auto s = store::open_store("sqlite://" + (dir_ / "events.db").string());
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_ = std::move(*s);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  Status run(AmqpOptions o) {
    IngestMetrics m;
    AmqpWorker w(std::move(o), *store_, m);
    const std::atomic<bool> stop{false};
    return w.run(stop);
  }
  std::filesystem::path dir_;
  std::unique_ptr<store::EventStore> store_;
};

TEST_F(AmqpWorkerErrors, BadOptionsAreInvalidArguments) {
  AmqpOptions none;
  EXPECT_EQ(run(none).error().code, ErrorCode::kInvalidArgument);
  AmqpOptions batch;
  batch.nodes = {{"127.0.0.1", 1}};
  batch.max_batch = 0;
  EXPECT_EQ(run(batch).error().code, ErrorCode::kInvalidArgument);
  AmqpOptions half_cert;
  half_cert.nodes = {{"127.0.0.1", 1}};
  half_cert.ca_file = "ca.pem";
  half_cert.cert_file = "client.pem";
  EXPECT_EQ(run(half_cert).error().code, ErrorCode::kInvalidArgument);
}

TEST_F(AmqpWorkerErrors, NoReachableNodeAtStartIsAnIoErrorNamingEachNode) {
  AmqpOptions o;
  o.nodes = {{"127.0.0.1", 1}, {"127.0.0.1", 2}};
  o.connect_timeout_ms = 2000;
  const Status st = run(o);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kIo);
  EXPECT_NE(st.error().message.find("127.0.0.1:1"), std::string::npos) << st.error().message;
  EXPECT_NE(st.error().message.find("127.0.0.1:2"), std::string::npos) << st.error().message;
}

TEST_F(AmqpWorkerErrors, AmqpsWithAMissingCaFileSaysSo) {
  AmqpOptions o;
  o.nodes = {{"127.0.0.1", 1}};
  o.ca_file = (dir_ / "no-such-ca.pem").string();
  const Status st = run(o);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("no-such-ca.pem"), std::string::npos) << st.error().message;
}

}  // namespace
}  // namespace css::ingest

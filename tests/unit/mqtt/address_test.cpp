// The broker address parser: valid forms, defaults, and errors that quote the input.
#include <gtest/gtest.h>

#include "css/mqtt/broker_address.hpp"
#include "css/mqtt/reason.hpp"

namespace css::mqtt {
namespace {

TEST(BrokerAddress, HostAndPort) {
  auto a = parse_broker_address("broker.example.org:1883");
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->host, "broker.example.org");
  EXPECT_EQ(a->port, 1883);
  EXPECT_EQ(a->to_string(), "broker.example.org:1883");
}

TEST(BrokerAddress, PortDefaultsToMqttOverTls) {
  auto a = parse_broker_address("127.0.0.1");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->port, 8883);
}

TEST(BrokerAddress, BracketedIpv6) {
  auto a = parse_broker_address("[::1]:9001");
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->host, "::1");
  EXPECT_EQ(a->port, 9001);
  EXPECT_EQ(a->to_string(), "[::1]:9001");
  EXPECT_EQ(parse_broker_address("[fe80::1]")->port, 8883);
}

TEST(BrokerAddress, RejectsWithTheInputQuoted) {
  for (const char* bad : {"", ":8883", "host:", "host:0", "host:65536", "host:12x", "::1:8883",
                          "[::1", "[::1]x", "[]:1", "ho st:1", "host:123456", "[g::1]:1"}) {
    auto a = parse_broker_address(bad);
    ASSERT_FALSE(a.ok()) << bad;
    EXPECT_EQ(a.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(a.error().message.find(std::string("'") + bad + "'"), std::string::npos)
        << a.error().message;
  }
}

TEST(BrokerAddress, NonPrintableBytesAreEscapedInErrors) {
  auto a = parse_broker_address(std::string_view("a\0\xff", 3));
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.error().message.find("a\\x00\\xff"), std::string::npos) << a.error().message;
}

TEST(BrokerAddress, ListKeepsOrderAndTrimsBlanks) {
  auto l = parse_broker_list(" a.example:1 ,b.example , [::1]:3");
  ASSERT_TRUE(l.ok()) << l.error().message;
  ASSERT_EQ(l->size(), 3u);
  EXPECT_EQ((*l)[0], (BrokerAddress{"a.example", 1}));
  EXPECT_EQ((*l)[1], (BrokerAddress{"b.example", 8883}));
  EXPECT_EQ((*l)[2], (BrokerAddress{"::1", 3}));
  EXPECT_FALSE(parse_broker_list("").ok());
  EXPECT_FALSE(parse_broker_list("a:1,").ok());
  EXPECT_FALSE(parse_broker_list("a:1,,b:2").ok());
}

TEST(ReasonCodes, FailuresAreFromHex80) {
  EXPECT_FALSE(is_failure(kReasonSuccess));
  EXPECT_FALSE(is_failure(kReasonNoMatchingSubscribers));
  EXPECT_TRUE(is_failure(kReasonNotAuthorized));
  EXPECT_STREQ(reason_name(135), "Not authorized");
  EXPECT_STREQ(reason_name(134), "Bad User Name or Password");
  EXPECT_STREQ(reason_name(3), "Unknown reason code");
}

}  // namespace
}  // namespace css::mqtt

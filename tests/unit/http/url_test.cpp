#include <gtest/gtest.h>

#include "css/http/client.hpp"
#include "css/http/server.hpp"

namespace css::http {
namespace {

TEST(ParseUrl, HostPortPath) {
  auto u = parse_url("http://127.0.0.1:8080/health?x=1");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, 8080);
  EXPECT_EQ(u->target, "/health?x=1");
  auto d = parse_url("http://localhost");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->port, 80);
  EXPECT_EQ(d->target, "/");
}

TEST(ParseUrl, RejectsBadInputNamingIt) {
  for (const char* bad :
       {"", "https://x/", "http://", "http://:80/", "http://h:0/", "http://h:65536/",
        "http://h:8o/", "http://u@h/", "http://h/a b", "ftp://h"}) {
    auto u = parse_url(bad);
    ASSERT_FALSE(u) << bad;
    EXPECT_NE(u.error().message.find(std::string("'") + bad + "'"), std::string::npos);
  }
}

// One parser for every HOST:PORT flag (--health of the edge, --metrics of ingest).
TEST(ListenOptions, HostPortOrAnErrorNamingTheFlag) {
  auto o = listen_options("0.0.0.0:9108", "--metrics", "127.0.0.1:9108");
  ASSERT_TRUE(o);
  EXPECT_EQ(o->address, "0.0.0.0");
  EXPECT_EQ(o->port, 9108);
  auto any = listen_options("127.0.0.1:0", "--health", "127.0.0.1:8081");
  ASSERT_TRUE(any);
  EXPECT_EQ(any->port, 0);
  for (const char* bad : {"", "9108", ":9108", "h:", "h:65536", "h:8o", "h:-1"}) {
    auto r = listen_options(bad, "--health", "127.0.0.1:8081");
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(r.error().message, std::string("--health: expected HOST:PORT (e.g. 127.0.0.1:8081; "
                                             "port 0 = any free port), got '") +
                                     bad + "'");
  }
}

}  // namespace
}  // namespace css::http

#include <gtest/gtest.h>

#include "css/http/client.hpp"

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

}  // namespace
}  // namespace css::http

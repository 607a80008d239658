#include <gtest/gtest.h>

#include <stdexcept>

#include "css/http/router.hpp"

namespace css::http {
namespace {

Router two_routes() {
  Router r;
  EXPECT_TRUE(r.add({Method::kGet, "/a", "A", "text/plain",
                     [](const Request& q) { return Response::text(200, "a:" + q.query); }}));
  EXPECT_TRUE(r.add({Method::kPost, "/a", "post A", "application/json",
                     [](const Request& q) { return Response::json(201, q.body); }}));
  EXPECT_TRUE(r.add({Method::kGet, "/boom", "throws", "application/json",
                     [](const Request&) -> Response { throw std::runtime_error("kaput"); }}));
  return r;
}

TEST(Router, DispatchesByMethodAndPath) {
  const Router r = two_routes();
  Request q;
  q.path = "/a";
  q.query = "x=1";
  EXPECT_EQ(r.dispatch(q).body, "a:x=1");
  q.method = Method::kPost;
  q.body = "{}";
  EXPECT_EQ(r.dispatch(q).status, 201);
}

TEST(Router, UnknownPathIs404Json) {
  Request q;
  q.path = "/nope";
  const Response res = two_routes().dispatch(q);
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(res.body, "{\"error\":\"not_found\",\"detail\":\"no route for /nope\"}\n");
}

TEST(Router, WrongMethodIs405WithAllow) {
  Request q;
  q.path = "/a";
  q.method = Method::kDelete;
  const Response res = two_routes().dispatch(q);
  EXPECT_EQ(res.status, 405);
  ASSERT_EQ(res.headers.size(), 1U);
  EXPECT_EQ(res.headers[0].second, "GET, POST");
}

TEST(Router, ThrowingHandlerIs500) {
  Request q;
  q.path = "/boom";
  const Response res = two_routes().dispatch(q);
  EXPECT_EQ(res.status, 500);
  EXPECT_NE(res.body.find("kaput"), std::string::npos);
}

TEST(Router, DuplicateRouteRefusedAndTableWalkable) {
  Router r = two_routes();
  EXPECT_FALSE(r.add({Method::kGet, "/a", "again", "text/plain", nullptr}));
  ASSERT_EQ(r.routes().size(), 3U);
  EXPECT_EQ(r.routes()[1].summary, "post A");
}

TEST(Router, JsonEscape) {
  EXPECT_EQ(json_escape("a\"b\\c\n\x01"), "a\\\"b\\\\c\\n\\u0001");
}

}  // namespace
}  // namespace css::http

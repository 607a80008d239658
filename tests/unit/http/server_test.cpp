// The real server on loopback: routes, errors, limits, keep-alive, timeouts, stop, and the
// GET client against it (and against a listener that never answers).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "css/http/client.hpp"
#include "css/http/server.hpp"
#include "raw_socket.hpp"

namespace css::http {
namespace {

using namespace std::chrono_literals;
using test::RawSocket;

Router test_router(std::atomic<int>* hits = nullptr) {
  Router r;
  r.add({Method::kGet, "/hello", "greeting", "text/plain", [hits](const Request&) {
           if (hits) ++*hits;
           return Response::text(200, "hi\n");
         }});
  r.add({Method::kPost, "/echo", "echo", "application/json",
         [](const Request& q) { return Response::json(200, q.body); }});
  return r;
}

std::unique_ptr<Server> start(ServerOptions o = {}) {
  auto s = Server::start(test_router(), o);
  EXPECT_TRUE(s) << s.error().message;
  return std::move(*s);
}

TEST(Server, EphemeralPortServesRoute) {
  auto s = start();
  ASSERT_NE(s->port(), 0);
  RawSocket c(s->port());
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.send("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  const std::string res = c.recv_all();
  EXPECT_EQ(res.rfind("HTTP/1.1 200 OK\r\n", 0), 0U) << res;
  EXPECT_NE(res.find("\r\n\r\nhi\n"), std::string::npos);
}

TEST(Server, KeepAliveServesSeveralRequestsOnOneConnection) {
  auto s = start();
  RawSocket c(s->port());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(c.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
    const std::string res = c.recv_response();
    EXPECT_EQ(res.rfind("HTTP/1.1 200 OK\r\n", 0), 0U) << i << ": " << res;
  }
}

TEST(Server, NotFoundAndMethodNotAllowedAreJson) {
  auto s = start();
  RawSocket c(s->port());
  ASSERT_TRUE(c.send("GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::string res = c.recv_response();
  EXPECT_EQ(res.rfind("HTTP/1.1 404", 0), 0U) << res;
  EXPECT_NE(res.find("{\"error\":\"not_found\""), std::string::npos);
  ASSERT_TRUE(c.send("DELETE /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
  res = c.recv_response();
  EXPECT_EQ(res.rfind("HTTP/1.1 405", 0), 0U) << res;
  EXPECT_NE(res.find("Allow: GET"), std::string::npos);
}

TEST(Server, MalformedRequestIs400AndCloses) {
  auto s = start();
  RawSocket c(s->port());
  ASSERT_TRUE(c.send("GARBAGE\x01 / HTTP/9\r\n\r\n"));
  const std::string res = c.recv_all();
  EXPECT_EQ(res.rfind("HTTP/1.1 400", 0), 0U) << res;
  EXPECT_NE(res.find("\"error\":\"bad_request\""), std::string::npos);
}

TEST(Server, OversizedBodyIs413) {
  ServerOptions o;
  o.max_body_bytes = 100;
  auto s = start(o);
  RawSocket c(s->port());
  ASSERT_TRUE(c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 101\r\n\r\n" +
                     std::string(101, 'a')));
  const std::string res = c.recv_all();
  EXPECT_EQ(res.rfind("HTTP/1.1 413", 0), 0U) << res;
  EXPECT_NE(res.find("payload_too_large"), std::string::npos);
  // Exactly at the limit is fine.
  RawSocket ok(s->port());
  ASSERT_TRUE(ok.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n" +
                      std::string(100, 'a')));
  EXPECT_EQ(ok.recv_response().rfind("HTTP/1.1 200", 0), 0U);
}

TEST(Server, OversizedHeaderIs431) {
  ServerOptions o;
  o.max_header_bytes = 512;
  auto s = start(o);
  RawSocket c(s->port());
  ASSERT_TRUE(
      c.send("GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(1000, 'b') + "\r\n\r\n"));
  EXPECT_EQ(c.recv_all().rfind("HTTP/1.1 431", 0), 0U);
}

TEST(Server, IdleConnectionIsClosedAfterTimeout) {
  ServerOptions o;
  o.io_timeout = 200ms;
  auto s = start(o);
  RawSocket c(s->port(), 3000);
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(c.send("GET /hel"));  // a slowloris: never finishes its request
  EXPECT_TRUE(c.peer_closed());
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
}

TEST(Server, ConnectionsOverTheCapAreClosedOnAccept) {
  ServerOptions o;
  o.max_connections = 1;
  auto s = start(o);
  RawSocket first(s->port());
  ASSERT_TRUE(first.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_EQ(first.recv_response().rfind("HTTP/1.1 200", 0), 0U);  // held open (keep-alive)
  RawSocket second(s->port(), 2000);
  ASSERT_TRUE(second.connected());  // the kernel accepts; the server closes it at once
  EXPECT_TRUE(second.peer_closed());
}

TEST(Server, StopFromAnotherThreadRefusesNewConnections) {
  auto s = start();
  const std::uint16_t port = s->port();
  std::thread([&] { s->stop(); }).join();
  s->stop();  // idempotent
  RawSocket c(port);
  EXPECT_FALSE(c.connected());
}

TEST(Server, BadAddressAndPortInUseAreErrors) {
  ServerOptions bad;
  bad.address = "not-an-ip";
  auto s = Server::start(test_router(), bad);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("not-an-ip"), std::string::npos);
  auto first = start();
  ServerOptions same;
  same.port = first->port();
  auto second = Server::start(test_router(), same);
  ASSERT_FALSE(second);
  EXPECT_NE(second.error().message.find(std::to_string(same.port)), std::string::npos);
}

// Two connections whose handlers each wait (bounded) for the other to be inside too: only a
// server that runs handlers on two threads at once lets both meet.
TEST(Server, SeveralThreadsRunHandlersAtOnce) {
  std::atomic<int> inside{0}, most{0};
  Router r;
  r.add({Method::kGet, "/meet", "two handlers at once", "text/plain", [&](const Request&) {
           const int n = ++inside;
           int m = most.load();
           while (n > m && !most.compare_exchange_weak(m, n)) {
           }
           const auto until = std::chrono::steady_clock::now() + 5s;
           while (most.load() < 2 && std::chrono::steady_clock::now() < until)
             std::this_thread::sleep_for(1ms);
           --inside;
           return Response::text(200, "met\n");
         }});
  ServerOptions o;
  o.threads = 2;
  auto s = Server::start(std::move(r), o);
  ASSERT_TRUE(s) << s.error().message;
  RawSocket a((*s)->port(), 8000), b((*s)->port(), 8000);
  ASSERT_TRUE(a.send("GET /meet HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(b.send("GET /meet HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_EQ(a.recv_response().rfind("HTTP/1.1 200", 0), 0U);
  EXPECT_EQ(b.recv_response().rfind("HTTP/1.1 200", 0), 0U);
  EXPECT_EQ(most.load(), 2);
}

// Many keep-alive clients against four I/O threads: every request answered, in order, whole.
TEST(Server, ManyClientsOnManyThreadsGetTheirOwnAnswers) {
  Router r;
  r.add({Method::kGet, "/echo-query", "query back", "text/plain",
         [](const Request& q) { return Response::text(200, q.query + "\n"); }});
  ServerOptions o;
  o.threads = 4;
  auto s = Server::start(std::move(r), o);
  ASSERT_TRUE(s) << s.error().message;
  const std::uint16_t port = (*s)->port();
  std::atomic<int> good{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 8; ++c)
    clients.emplace_back([&, c] {
      RawSocket sock(port, 8000);
      for (int i = 0; i < 50; ++i) {
        const std::string q = "c=" + std::to_string(c) + "&i=" + std::to_string(i);
        if (!sock.send("GET /echo-query?" + q + " HTTP/1.1\r\nHost: x\r\n\r\n")) return;
        const std::string res = sock.recv_response();
        if (res.rfind("HTTP/1.1 200", 0) == 0 && res.ends_with("\r\n\r\n" + q + "\n")) ++good;
      }
    });
  for (auto& t : clients) t.join();
  EXPECT_EQ(good.load(), 8 * 50);
}

// A shared body goes out as is; HEAD gets its Content-Length without it; 204 has neither.
TEST(Server, SharedBodyHeadAndNoContent) {
  auto big = std::make_shared<const std::string>(std::string(100000, 'x') + "end");
  Router r;
  r.add({Method::kGet, "/shared", "shared", "text/plain", [big](const Request&) {
           Response res = Response::text(200, "");
           res.shared_body = big;
           return res;
         }});
  r.add({Method::kGet, "/empty", "nothing", "text/plain",
         [](const Request&) { return Response::text(204, ""); }});
  auto s = Server::start(std::move(r), {});
  ASSERT_TRUE(s) << s.error().message;
  RawSocket c((*s)->port());
  ASSERT_TRUE(c.send("GET /shared HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::string res = c.recv_response();
  EXPECT_NE(res.find("Content-Length: 100003\r\n"), std::string::npos) << res.substr(0, 300);
  EXPECT_TRUE(res.ends_with("\r\n\r\n" + *big));
  RawSocket h((*s)->port());
  ASSERT_TRUE(h.send("HEAD /shared HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  res = h.recv_all();
  EXPECT_EQ(res.rfind("HTTP/1.1 200", 0), 0U) << res.substr(0, 300);
  EXPECT_NE(res.find("Content-Length: 100003\r\n"), std::string::npos) << res;
  EXPECT_TRUE(res.ends_with("\r\n\r\n")) << res.size();
  ASSERT_TRUE(c.send("GET /empty HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  res = c.recv_all();
  EXPECT_EQ(res.rfind("HTTP/1.1 204 No Content\r\n", 0), 0U) << res;
  EXPECT_EQ(res.find("Content-Length"), std::string::npos) << res;
  EXPECT_NE(res.find("Connection: close\r\n"), std::string::npos) << res;
}

TEST(Client, GetsFromServerAndTimesOutOnSilentPeer) {
  std::atomic<int> hits{0};
  auto s = Server::start(test_router(&hits), {});
  ASSERT_TRUE(s);
  const std::string base = "http://127.0.0.1:" + std::to_string((*s)->port());
  auto r = get(base + "/hello", 2000ms);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "hi\n");
  EXPECT_EQ(hits.load(), 1);
  auto missing = get(base + "/nope", 2000ms);
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);

  // A server that accepts and never answers: the client gives up on time.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::listen(fd, 4), 0);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  const auto t0 = std::chrono::steady_clock::now();
  auto timed = get("http://127.0.0.1:" + std::to_string(ntohs(a.sin_port)) + "/", 300ms);
  ::close(fd);
  ASSERT_FALSE(timed);
  EXPECT_NE(timed.error().message.find("no answer within 300 ms"), std::string::npos)
      << timed.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
}

TEST(Client, RefusedConnectionIsIoError) {
  auto s = start();
  const std::uint16_t port = s->port();
  s->stop();
  auto r = get("http://127.0.0.1:" + std::to_string(port) + "/", 1000ms);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kIo);
}

}  // namespace
}  // namespace css::http

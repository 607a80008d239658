// A real API over a real SQLite store on loopback: seeded events (a cluster in São Paulo so a
// hot spot passes k-anonymity), flows, telemetry, statuses and a dead letter; a read and an
// admin token; requests through raw sockets so headers are ours to choose.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "../http/raw_socket.hpp"
#include "../store/store_test_util.hpp"
#include "css/api/api.hpp"
#include "css/api/tokens.hpp"
#include "css/http/server.hpp"
#include "css/store/event_store.hpp"

namespace css::api::test {

inline double now_s() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

struct Reply {
  int status = 0;
  std::string head, body;
  nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
  bool has_header(const std::string& h) const { return head.find(h) != std::string::npos; }
};

inline Reply fetch(std::uint16_t port, const std::string& target, const std::string& token = "",
                   const std::string& extra_headers = "", const std::string& method = "GET") {
  http::test::RawSocket c(port);
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n";
  if (!token.empty()) req += "Authorization: Bearer " + token + "\r\n";
  c.send(req + extra_headers + "\r\n");
  const std::string raw = c.recv_all();
  Reply r;
  const std::size_t end = raw.find("\r\n\r\n");
  if (raw.size() < 12 || end == std::string::npos) return r;
  r.status = std::stoi(raw.substr(9, 3));
  r.head = raw.substr(0, end);
  r.body = raw.substr(end + 4);
  return r;
}

class ApiFixture : public ::testing::Test {
 protected:
  store::testing::TempDir dir;
  std::string db, read_token, admin_token;
  double t0 = now_s();
  std::unique_ptr<store::EventStore> writer;

  void SetUp() override {
    db = "sqlite://" + (dir.path() / "events.db").string();
    auto s = store::open_store(db);
    ASSERT_TRUE(s) << s.error().message;
    writer = std::move(*s);
    store::Batch b;
    b.received_at = t0;
    for (std::uint64_t n = 0; n < 25; ++n) {
      store::testing::EventSpec spec;
      spec.n = n;
      spec.timestamp = t0 - 3600 + static_cast<double>(n) * 60;
      spec.device = n % 2 ? "node-a" : "node-b";
      spec.type = n % 3 ? EventKind::kSuddenDisplacement : EventKind::kForcedDisplacement;
      b.events.push_back(store::testing::make_event(spec));
    }
    b.flows.push_back(store::testing::make_flow("node-a", t0 - 1800));
    store::TelemetryRecord t;
    t.device = "node-a";
    t.start = t0 - 600;
    t.quantities_json = R"({"temperature_c":{"n":60,"mean":21.5,"min":21,"max":22}})";
    b.telemetry.push_back(t);
    b.statuses.push_back({"node-a", true, t0, "online"});
    b.statuses.push_back({"node-b", true, t0, "online"});
    store::DeadLetter d;
    d.received_at = t0;
    d.topic = "citysafesense/events/x";
    d.reason_code = "invalid_json";
    d.reason = "not JSON";
    d.payload = "{oops";
    b.dead_letters.push_back(d);
    auto r = writer->append(b);
    ASSERT_TRUE(r) << r.error().message;
    auto rt = create_token(tokens_file(), Scope::kRead, "reader", t0);
    auto at = create_token(tokens_file(), Scope::kAdmin, "admin", t0);
    ASSERT_TRUE(rt && at);
    read_token = *rt;
    admin_token = *at;
  }

  std::filesystem::path tokens_file() const { return dir.path() / "tokens"; }

  ApiOptions options() const {
    ApiOptions o;
    o.store_url = db;
    o.tokens_file = tokens_file();
    o.rate_per_s = 0;
    const char* src = std::getenv("CSS_SOURCE_DIR");
    const std::filesystem::path root = src ? src : ".";
    o.city_file = root / "cities" / "sao-paulo.toml";
    o.web_dir = root / "web";
    o.npm_dir = root / "node_modules";
    o.poll_interval = std::chrono::milliseconds(50);
    o.log = [](const std::string&) {};
    return o;
  }

  // Starts an Api + Server; both live as long as the fixture. Two I/O threads, as
  // `citysafe serve` runs on a 2-core machine, so every test also exercises the locking.
  std::uint16_t serve(ApiOptions o, std::size_t threads = 2) {
    auto a = Api::create(std::move(o));
    EXPECT_TRUE(a) << a.error().message;
    if (!a) return 0;
    api_ = std::move(*a);
    http::ServerOptions so;
    so.threads = threads;
    auto s = http::Server::start(api_->router(), so);
    EXPECT_TRUE(s) << s.error().message;
    if (!s) return 0;
    server_ = std::move(*s);
    return server_->port();
  }

  void TearDown() override {
    if (server_) server_->stop();
    server_.reset();
    api_.reset();
  }

 private:
  std::unique_ptr<Api> api_;
  std::unique_ptr<http::Server> server_;
};

}  // namespace css::api::test

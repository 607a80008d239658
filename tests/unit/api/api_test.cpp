// The API against a real store on loopback: every route in /openapi.json answers with its
// documented shape, every documented error can be provoked, filters and paging work, the
// live stream carries new events and fleet alerts (also to a webhook), tokens and CORS.
#include <atomic>
#include <cmath>
#include <functional>
#include <mutex>
#include <random>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include "api_fixture.hpp"
#include "css/api/event_json.hpp"
#include "css/core/file_io.hpp"

namespace css::api::test {
namespace {

using json = nlohmann::json;

// Checks `body` against the few JSON Schema keywords our documents use: type, required,
// properties, items, const.
void expect_shape(const json& schema, const json& value, const std::string& where) {
  if (schema.contains("const")) {
    EXPECT_EQ(value, schema["const"]) << where;
  }
  if (schema.contains("type")) {
    std::vector<std::string> types;
    if (schema["type"].is_array()) {
      for (const auto& t : schema["type"]) types.push_back(t);
    } else {
      types.push_back(schema["type"]);
    }
    bool ok = false;
    for (const auto& t : types)
      ok = ok || (t == "object" && value.is_object()) || (t == "array" && value.is_array()) ||
           (t == "string" && value.is_string()) || (t == "null" && value.is_null()) ||
           (t == "number" && value.is_number()) || (t == "integer" && value.is_number_integer());
    EXPECT_TRUE(ok) << where << ": " << value.dump().substr(0, 200) << " is not " << schema["type"];
  }
  if (schema.contains("required") && value.is_object()) {
    for (const auto& k : schema["required"]) {
      EXPECT_TRUE(value.contains(k)) << where << ": missing " << k;
    }
  }
  if (schema.contains("properties") && value.is_object())
    for (const auto& [k, sub] : schema["properties"].items())
      if (value.contains(k)) expect_shape(sub, value[k], where + "." + k);
  if (schema.contains("items") && value.is_array())
    for (const auto& v : value) expect_shape(schema["items"], v, where + "[]");
}

std::string sse_until(std::uint16_t port, const std::string& target, const std::string& needle,
                      const std::function<void()>& after_connect, double seconds) {
  http::test::RawSocket c(port, 200);
  c.send("GET " + target + " HTTP/1.1\r\nHost: t\r\n\r\n");
  std::string got;
  const auto until = std::chrono::steady_clock::now() +
                     std::chrono::milliseconds(static_cast<int>(seconds * 1000));
  bool hooked = false;
  while (std::chrono::steady_clock::now() < until && got.find(needle) == std::string::npos) {
    got += c.recv_all();
    if (!hooked && got.find(": connected") != std::string::npos) {
      hooked = true;
      after_connect();
    }
  }
  return got;
}

TEST_F(ApiFixture, EveryOpenApiRouteAnswersWithItsDocumentedShape) {
  const auto port = serve(options());
  const Reply doc = fetch(port, "/openapi.json");
  ASSERT_EQ(doc.status, 200);
  const json spec = doc.json();
  ASSERT_EQ(spec["openapi"], "3.1.0");
  ASSERT_GE(spec["paths"].size(), 12U);
  for (const auto& [path, item] : spec["paths"].items()) {
    const json& op = item["get"];
    // (Not a structured binding over items(): its proxy dies at the end of the statement.)
    const json& content = op["responses"]["200"]["content"];
    ASSERT_FALSE(content.empty()) << path;
    const std::string type = content.begin().key();
    const json& media = content.begin().value();
    if (type == "text/event-stream") {
      const std::string got = sse_until(
          port, path + "?access_token=" + admin_token, ": connected", [] {}, 3);
      EXPECT_NE(got.find("text/event-stream"), std::string::npos) << path;
      continue;
    }
    const Reply r = fetch(port, path, admin_token);
    EXPECT_EQ(r.status, 200) << path << ": " << r.body;
    EXPECT_TRUE(r.has_header("Content-Type: " + type)) << path << r.head;
    if (type.find("json") != std::string::npos) {
      const json body = r.json();
      ASSERT_FALSE(body.is_discarded()) << path;
      expect_shape(media["schema"], body, path);
    }
  }
}

TEST_F(ApiFixture, EveryDocumentedErrorCanBeProvoked) {
  auto o = options();
  const auto port = serve(o);
  const json spec = fetch(port, "/openapi.json").json();
  // More servers: one without a city (503), one with a tight rate limit (429).
  auto o2 = options();
  o2.city_file.clear();
  auto a2 = Api::create(o2);
  ASSERT_TRUE(a2);
  auto s2 = http::Server::start((*a2)->router());
  ASSERT_TRUE(s2);
  const std::uint16_t port2 = (*s2)->port();
  auto o3 = options();
  o3.rate_per_s = 0.01;
  o3.rate_burst = 1;
  auto a3 = Api::create(o3);
  ASSERT_TRUE(a3);
  auto s3 = http::Server::start((*a3)->router());
  ASSERT_TRUE(s3);
  const std::uint16_t port3 = (*s3)->port();
  int provoked = 0;
  for (const auto& [path, item] : spec["paths"].items()) {
    for (const auto& [code, resp] : item["get"]["responses"].items()) {
      Reply r;
      if (code == "200") continue;
      if (code == "400") r = fetch(port, path + "?no_such_parameter=1", admin_token);
      if (code == "401") r = fetch(port, path);
      if (code == "403") r = fetch(port, path, read_token);
      if (code == "503") r = fetch(port2, path, admin_token);
      if (code == "429") {
        fetch(port3, path, admin_token);
        r = fetch(port3, path, admin_token);
      }
      EXPECT_EQ(std::to_string(r.status), code) << path << ": " << r.body;
      const json body = r.json();
      EXPECT_TRUE(body.contains("error") && body.contains("detail"))
          << path << " " << code << ": " << r.body;
      ++provoked;
    }
  }
  EXPECT_GT(provoked, 30);
  (*s2)->stop();
  (*s3)->stop();
}

// Issue 14: `citysafe serve --rate-limit nan` or `--alert-webhook garbage` served anyway (no
// rate limit at all; alerts lost at the first outage). create() now refuses them.
TEST_F(ApiFixture, OptionsOutOfRangeAreRefusedAtCreate) {
  const double nan = std::nan("");
  const std::vector<std::pair<std::function<void(ApiOptions&)>, std::string>> cases = {
      {[&](ApiOptions& o) { o.rate_per_s = nan; }, "rate limit: expected [0, 1e6] /s"},
      {[&](ApiOptions& o) { o.rate_per_s = -1; }, "rate limit"},
      {[&](ApiOptions& o) { o.rate_burst = nan; }, "burst: expected [1, 1e6]"},
      {[&](ApiOptions& o) { o.heartbeat_allowance_s = nan; }, "heartbeat allowance"},
      {[&](ApiOptions& o) { o.heartbeat_allowance_s = 0; }, "heartbeat allowance"},
      {[](ApiOptions& o) { o.alert_webhook = "garbage"; }, "alert webhook: URL 'garbage'"},
      {[](ApiOptions& o) { o.alert_webhook = "https://x/y"; }, "alert webhook: "}};
  for (const auto& [edit, expected] : cases) {
    ApiOptions o = options();
    edit(o);
    auto a = Api::create(o);
    ASSERT_FALSE(a) << expected;
    EXPECT_EQ(a.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(a.error().message.find(expected), std::string::npos) << a.error().message;
  }
  ApiOptions ok = options();
  ok.alert_webhook = "http://127.0.0.1:9/alerts";
  EXPECT_TRUE(Api::create(ok));
}

TEST_F(ApiFixture, EventsFilterAndPageWithoutRepeats) {
  const auto port = serve(options());
  std::set<std::string> ids;
  std::string cursor;
  double last = 1e300;
  for (int page = 0; page < 10; ++page) {
    const Reply r = fetch(
        port, "/api/v1/events?limit=10" + (cursor.empty() ? "" : "&cursor=" + cursor), read_token);
    ASSERT_EQ(r.status, 200) << r.body;
    const json j = r.json();
    for (const auto& e : j["events"]) {
      EXPECT_TRUE(ids.insert(e["id"]).second);
      EXPECT_LE(e["timestamp"].get<double>(), last);  // newest first
      last = e["timestamp"];
    }
    if (j["next_cursor"].is_null()) break;
    cursor = j["next_cursor"];
  }
  EXPECT_EQ(ids.size(), 25U);
  const json a =
      fetch(port, "/api/v1/events?device=node-a&type=sudden_displacement&order=asc", read_token)
          .json();
  for (const auto& e : a["events"]) {
    EXPECT_EQ(e["device"], "node-a");
    EXPECT_EQ(e["event"], "sudden_displacement");
  }
  EXPECT_GT(a["events"].size(), 0U);
  const json box = fetch(port, "/api/v1/events?bbox=0,0,1,1", read_token).json();
  EXPECT_EQ(box["events"].size(), 0U);
  const json stats = fetch(port, "/api/v1/stats?by=device", read_token).json();
  EXPECT_EQ(stats["total"], 25);
  const json hot = fetch(port, "/api/v1/hotspots", read_token).json();
  ASSERT_GE(hot["features"].size(), 1U);
  double most = 0;
  for (const auto& f : hot["features"])
    most = std::max(most, f["properties"]["count"].get<double>());
  EXPECT_EQ(most, 25.0);  // every seeded event sits in one cell
}

TEST_F(ApiFixture, HostileParametersAnswer400NamingThem) {
  const auto port = serve(options());
  const std::pair<std::string, std::string> cases[] = {
      {"from=abc", "from"},
      {"to=1e400", "to"},
      {"from=5&to=4", "from"},
      {"type=snatch%27%20OR%201%3D1", "type"},
      {"bbox=1,2,3", "bbox"},
      {"bbox=-200,0,0,1", "bbox"},
      {"device=x%27%3B%20DROP%20TABLE%20events%3B--", "device"},
      {"device=..%2F..%2Fetc%2Fpasswd", "device"},
      {"limit=0", "limit"},
      {"limit=99999999999999999999", "limit"},
      {"limit=1.5", "limit"},
      {"cursor=%27%20OR%201%3D1--", "cursor"},
      {"order=sideways", "order"},
      {"device=%ff%fe", "device"},
      {"device=%c0%af", "device"},
      {"device=a%00b", "device"},
      {"device=" + std::string(300, 'a'), "device"},
      {"limit=1&limit=2", "limit"},
      {"from=%zz", "from"},
  };
  for (const auto& [query, param] : cases) {
    const Reply r = fetch(port, "/api/v1/events?" + query, read_token);
    EXPECT_EQ(r.status, 400) << query << ": " << r.body;
    const json j = r.json();
    ASSERT_FALSE(j.is_discarded()) << query;
    EXPECT_EQ(j["error"], "bad_parameter") << query;
    EXPECT_EQ(j["detail"].get<std::string>().rfind(param, 0), 0U) << query << ": " << j["detail"];
  }
  // The store is intact after the injection attempts.
  EXPECT_EQ(fetch(port, "/api/v1/stats", read_token).json()["total"], 25);
  // Path tricks never reach files outside the fixed set.
  for (const char* p :
       {"/web/../CMakeLists.txt", "/assets/leaflet/../../package.json", "/web/%2e%2e/README.md",
        "/assets/leaflet/dist/leaflet.js%00.png", "//etc/passwd", "/web/app.js/"})
    EXPECT_EQ(fetch(port, p).status, 404) << p;
  // Oversized headers and bodies.
  EXPECT_EQ(fetch(port, "/health", "", "X-Big: " + std::string(20000, 'x') + "\r\n").status, 431);
  EXPECT_EQ(fetch(port, "/health", "", "Content-Length: 100000\r\n").status, 413);
}

TEST_F(ApiFixture, TokensScopesAndAnonymousRead) {
  const auto port = serve(options());
  EXPECT_EQ(fetch(port, "/api/v1/events").status, 401);
  EXPECT_EQ(fetch(port, "/api/v1/events", "css_00000000_" + std::string(64, '0')).status, 401);
  EXPECT_EQ(fetch(port, "/api/v1/events", read_token).status, 200);
  EXPECT_EQ(fetch(port, "/api/v1/events?access_token=" + read_token).status, 200);
  EXPECT_EQ(fetch(port, "/api/v1/dead-letters", read_token).status, 403);
  EXPECT_EQ(fetch(port, "/api/v1/dead-letters", admin_token).status, 200);
  // The file keeps hashes only.
  auto bytes = io::read_file(tokens_file());
  ASSERT_TRUE(bytes);
  const std::string text(reinterpret_cast<const char*>(bytes->data()), bytes->size());
  EXPECT_EQ(text.find(read_token.substr(13)), std::string::npos);
  EXPECT_NE(text.find(sha256_hex(read_token)), std::string::npos);
  EXPECT_EQ(
      std::filesystem::status(tokens_file()).permissions() & std::filesystem::perms::others_read,
      std::filesystem::perms::none);
  // Revocation reaches the running server (checked at most once a second).
  ASSERT_TRUE(revoke_token(tokens_file(), read_token.substr(4, 8)));
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_EQ(fetch(port, "/api/v1/events", read_token).status, 401);
}

TEST_F(ApiFixture, AnonymousReadOnlyWhenEnabled) {
  auto o = options();
  o.allow_anonymous_read = true;
  const auto port = serve(o);
  EXPECT_EQ(fetch(port, "/api/v1/events").status, 200);
  EXPECT_EQ(fetch(port, "/api/v1/dead-letters").status, 401);
}

TEST_F(ApiFixture, CorsAllowListAndPreflight) {
  auto o = options();
  o.cors_origins = {"https://ops.example.org"};
  const auto port = serve(o);
  const Reply ok = fetch(port, "/api/v1/events", read_token, "Origin: https://ops.example.org\r\n");
  EXPECT_TRUE(ok.has_header("Access-Control-Allow-Origin: https://ops.example.org")) << ok.head;
  const Reply no = fetch(port, "/api/v1/events", read_token, "Origin: https://evil.example\r\n");
  EXPECT_FALSE(no.has_header("Access-Control-Allow-Origin")) << no.head;
  const Reply pre =
      fetch(port, "/api/v1/events", "", "Origin: https://ops.example.org\r\n", "OPTIONS");
  EXPECT_EQ(pre.status, 204);
  EXPECT_TRUE(pre.has_header("Access-Control-Allow-Headers: Authorization"));
  EXPECT_EQ(fetch(port, "/api/v1/events", "", "Origin: https://evil.example\r\n", "OPTIONS").status,
            403);
}

// Eight clients at once on four I/O threads: every answer whole and equal to the one a lone
// client gets, the hot-spot map computed once per cache period, and /metrics counting every
// request exactly once (the counters are shared by the threads).
TEST_F(ApiFixture, ConcurrentClientsGetWholeAnswersAndExactCounts) {
  const auto port = serve(options(), 4);
  const Reply events = fetch(port, "/api/v1/events?limit=7", read_token);
  ASSERT_EQ(events.status, 200) << events.body;
  const Reply map = fetch(port, "/api/v1/hotspots?to=" + std::to_string(t0), read_token);
  ASSERT_EQ(map.status, 200) << map.body;
  std::atomic<int> same_events{0}, same_maps{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 8; ++c)
    clients.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        same_events += fetch(port, "/api/v1/events?limit=7", read_token).body == events.body;
        same_maps +=
            fetch(port, "/api/v1/hotspots?to=" + std::to_string(t0), read_token).body == map.body;
      }
    });
  for (auto& t : clients) t.join();
  EXPECT_EQ(same_events.load(), 80);
  EXPECT_EQ(same_maps.load(), 80);
  const Reply metrics = fetch(port, "/metrics", read_token);
  EXPECT_NE(metrics.body.find("css_api_requests_total{path=\"/api/v1/events\",code=\"200\"} 81\n"),
            std::string::npos)
      << metrics.body;
  EXPECT_NE(
      metrics.body.find("css_api_requests_total{path=\"/api/v1/hotspots\",code=\"200\"} 81\n"),
      std::string::npos)
      << metrics.body;
}

// The events answer cache (answer_cache.hpp) is exact: after an append returns, no request
// is answered from before it, whichever of the four threads' connections answered the
// cached page; and repeated pages of an unchanged store are served from the cache.
TEST_F(ApiFixture, CachedEventPagesNeverPrecedeAReturnedAppend) {
  const auto port = serve(options(), 4);
  auto counter = [&](const std::string& name) {
    const std::string body = fetch(port, "/metrics", read_token).body;
    const auto at = body.find("\n" + name + " ");
    return at == std::string::npos ? -1.0 : std::stod(body.substr(at + name.size() + 2));
  };
  const double hits_before = counter("css_api_answer_cache_hits_total");
  ASSERT_GE(hits_before, 0.0);
  int stale = 0, answered = 0;
  for (std::uint64_t n = 2000; n < 2030; ++n) {
    store::testing::EventSpec spec;
    spec.n = n;
    spec.timestamp = t0 + static_cast<double>(n);  // newest of all: first on the page
    const Event e = store::testing::make_event(spec);
    ASSERT_TRUE(writer->append_events(std::span(&e, 1), now_s()));
    std::vector<std::thread> clients;
    std::atomic<int> wrong{0}, ok{0};
    for (int c = 0; c < 4; ++c)
      clients.emplace_back([&] {
        for (int i = 0; i < 3; ++i) {
          const Reply r = fetch(port, "/api/v1/events?limit=1", read_token);
          const auto j = r.json();
          const bool newest = r.status == 200 && j.is_object() && j["events"].size() == 1 &&
                              j["events"][0]["id"] == e.id;
          (newest ? ok : wrong)++;
        }
      });
    for (auto& t : clients) t.join();
    stale += wrong;
    answered += ok;
  }
  EXPECT_EQ(stale, 0);
  EXPECT_EQ(answered, 30 * 12);
  // 12 requests per append over at most 4 connections: most are answered from the cache.
  EXPECT_GT(counter("css_api_answer_cache_hits_total") - hits_before, 30 * 4);
}

TEST_F(ApiFixture, AnswerCacheOffServesTheSamePages) {
  ApiOptions o = options();
  o.answer_cache_bytes = 0;
  const auto port = serve(o);
  const Reply a = fetch(port, "/api/v1/events?limit=5&order=asc", read_token);
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(fetch(port, "/api/v1/events?order=asc&limit=5", read_token).body, a.body);
  const std::string metrics = fetch(port, "/metrics", read_token).body;
  EXPECT_NE(metrics.find("\ncss_api_answer_cache_hits_total 0\n"), std::string::npos) << metrics;
}

// The events answer's encoder writes css::to_json's content — the same keys in the same order,
// every number the same double — on the fast path (plain strings) and on the fallback
// (strings that need escaping), for awkward numbers too.
TEST(EventJson, SameContentAsJsonOfEachEvent) {
  std::mt19937_64 rng(18);
  std::uniform_real_distribution<double> any(-1e6, 1e6);
  const double specials[] = {0.0,          -0.0,
                             1.0,          -2.5,
                             1e-7,         123456789012345.0,
                             1e21,         0.1,
                             1.0 / 3,      9.0,
                             1e300,        5e-324,
                             std::nan(""), -1e-300,
                             1715982012.5, 1715982012.123456};
  int n = 0;
  for (const double x : specials)
    for (int variant = 0; variant < 4; ++variant) {
      Event e = store::testing::make_event({});
      e.timestamp = x;
      e.probability = any(rng);
      e.vector = {x, any(rng), -x};
      e.seq = rng();
      e.schema = variant == 3 ? -7 : 1;
      if (variant == 1) e.lat.reset();
      if (variant == 2) e.lon = x;
      if (variant == 3) e.device = "needs \"escaping\"\n\x01 and é";
      std::string fast;
      append_event_json(fast, e);
      const auto got = nlohmann::ordered_json::parse(fast);
      const auto want = nlohmann::ordered_json::parse(to_json(e));
      EXPECT_EQ(got, want) << "case " << n << ": " << fast;
      // Same doubles, not only equal after printing: the text parses back to the value.
      EXPECT_EQ(got["timestamp"].is_null() ? 0.0 : got["timestamp"].get<double>(),
                std::isfinite(e.timestamp) ? e.timestamp : 0.0)
          << "case " << n;
      ++n;
    }
}

TEST_F(ApiFixture, StreamCarriesANewEventWithinTwoSeconds) {
  const auto port = serve(options());
  store::testing::EventSpec spec;
  spec.n = 1000;
  spec.timestamp = now_s();
  const Event e = store::testing::make_event(spec);
  const auto t = std::chrono::steady_clock::now();
  const std::string got = sse_until(
      port, "/api/v1/stream?access_token=" + read_token, e.id,
      [&] { ASSERT_TRUE(writer->append_events(std::span(&e, 1), now_s())); }, 2.0);
  EXPECT_NE(got.find("event: event\ndata: {"), std::string::npos) << got;
  EXPECT_NE(got.find(e.id), std::string::npos) << got;
  EXPECT_LT(std::chrono::steady_clock::now() - t, std::chrono::milliseconds(2500));
}

TEST_F(ApiFixture, SilentDeviceRaisesAlertOnStreamAndWebhook) {
  // A webhook receiver: our own server with a POST route.
  std::mutex mu;
  std::vector<std::string> posted;
  http::Router hook;
  hook.add({http::Method::kPost, "/hook", "test", "application/json", [&](const http::Request& r) {
              std::lock_guard lock(mu);
              posted.push_back(r.body);
              return http::Response::json(200, "{}");
            }});
  auto hs = http::Server::start(hook);
  ASSERT_TRUE(hs);
  auto o = options();
  o.alert_webhook = "http://127.0.0.1:" + std::to_string((*hs)->port()) + "/hook";
  o.heartbeat_allowance_s = 30;
  const auto port = serve(o);
  store::Batch b;
  b.received_at = now_s();
  b.statuses.push_back({"node-c", true, now_s() - 3600, "online"});  // silent for an hour
  b.statuses.push_back({"node-d", false, now_s(), "offline"});       // last will
  const std::string got = sse_until(
      port, "/api/v1/stream?access_token=" + read_token, "node-d",
      [&] { ASSERT_TRUE(writer->append(b)); }, 3.0);
  EXPECT_NE(got.find("event: alert"), std::string::npos) << got;
  EXPECT_NE(got.find("\"device\":\"node-c\""), std::string::npos) << got;
  EXPECT_NE(got.find("last will"), std::string::npos) << got;
  const json devices = fetch(port, "/api/v1/devices", read_token).json();
  for (const auto& d : devices["devices"])
    EXPECT_EQ(d["status"],
              d["device"] == "node-c" || d["device"] == "node-d" ? "offline" : "online")
        << d;
  for (int i = 0; i < 50; ++i) {
    {
      std::lock_guard lock(mu);
      if (posted.size() >= 2) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::lock_guard lock(mu);
  ASSERT_EQ(posted.size(), 2U);
  EXPECT_NE(posted[0].find("device_offline"), std::string::npos);
  (*hs)->stop();
}

TEST_F(ApiFixture, DashboardAndDocsAreServedFromLocalFiles) {
  const auto port = serve(options());
  const Reply index = fetch(port, "/");
  EXPECT_EQ(index.status, 200);
  EXPECT_NE(index.body.find("/assets/leaflet/dist/leaflet.js"), std::string::npos);
  EXPECT_EQ(fetch(port, "/web/app.js").status, 200);
  const Reply docs = fetch(port, "/docs");
  EXPECT_NE(docs.body.find("/assets/swagger-ui-dist/swagger-ui-bundle.js"), std::string::npos);
  EXPECT_EQ(docs.body.find("http"), docs.body.find("http-equiv"));  // no CDN URL at all
  if (std::filesystem::exists(options().npm_dir / "leaflet")) {
    EXPECT_EQ(fetch(port, "/assets/leaflet/dist/leaflet.js").status, 200);
    EXPECT_EQ(fetch(port, "/assets/swagger-ui-dist/swagger-ui-bundle.js").status, 200);
    EXPECT_EQ(fetch(port, "/assets/chart.js/dist/chart.umd.js").status, 200);
  }
}

TEST(Tokens, VerifyOnlyTheWholeToken) {
  store::testing::TempDir dir;
  const auto f = dir.path() / "t";
  auto tok = create_token(f, Scope::kRead, "x", 1.0);
  ASSERT_TRUE(tok);
  auto set = load_tokens(f);
  ASSERT_TRUE(set);
  EXPECT_TRUE(set->verify(*tok));
  std::string wrong = *tok;
  wrong.back() = wrong.back() == '0' ? '1' : '0';
  EXPECT_FALSE(set->verify(wrong));
  EXPECT_FALSE(set->verify(tok->substr(0, 20)));
  EXPECT_FALSE(set->verify(""));
  EXPECT_FALSE(create_token(f, Scope::kRead, "bad name!", 1.0));
  EXPECT_FALSE(revoke_token(f, "ffffffff"));
  ASSERT_TRUE(io::write_text(f, "zz read nothex 1\n"));
  EXPECT_FALSE(load_tokens(f));
}

}  // namespace
}  // namespace css::api::test

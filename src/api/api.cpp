// Api: opens the store and the city, builds the route table, and wraps every handler in the
// same guard: rate limit → CORS → bearer token and scope → parameter check → handler → metrics.
#include "css/api/api.hpp"

#include <chrono>
#include <cmath>
#include <iostream>
#include <map>
#include <set>

#include "css/http/client.hpp"
#include "impl.hpp"

namespace css::api {

namespace {

double system_now() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

bool rate_ok(Api::Impl& api, const std::string& who, double now, double* retry_after) {
  const ApiOptions& o = api.options;
  if (o.rate_per_s <= 0) return true;
  std::lock_guard lock(api.buckets_mu);
  if (api.buckets.size() > 10000) api.buckets.clear();  // bounded memory under address floods
  auto [it, fresh] = api.buckets.try_emplace(who, Api::Impl::Bucket{o.rate_burst, now});
  auto& b = it->second;
  if (!fresh) b.tokens = std::min(o.rate_burst, b.tokens + (now - b.at) * o.rate_per_s);
  b.at = now;
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return true;
  }
  *retry_after = std::ceil((1.0 - b.tokens) / o.rate_per_s);
  return false;
}

// The origin to echo in Access-Control-Allow-Origin, or "" when the origin is not allowed.
std::string cors_origin(const Api::Impl& api, const http::Request& req) {
  const std::string origin = req.header("Origin");
  if (origin.empty()) return "";
  for (const auto& o : api.options.cors_origins)
    if (o == "*" || o == origin) return o == "*" ? "*" : origin;
  return "";
}

std::string bearer(const http::Request& req) {
  const std::string h = req.header("Authorization");
  if (h.size() > 7 && (h.compare(0, 7, "Bearer ") == 0 || h.compare(0, 7, "bearer ") == 0))
    return h.substr(7);
  if (req.query.find("access_token=") == std::string::npos) return "";
  auto q = http::parse_query(req.query);
  if (q)
    for (const auto& [k, v] : *q)
      if (k == "access_token") return v;
  return "";
}

// nullopt: allowed; else the 401/403 to send.
std::optional<http::Response> authorize(Api::Impl& api, Scope need, const http::Request& req) {
  if (need == Scope::kPublic) return std::nullopt;
  const std::string token = bearer(req);
  if (token.empty()) {
    if (need == Scope::kRead && api.options.allow_anonymous_read) return std::nullopt;
    ++api.metrics.unauthorized;
    http::Response r = http::Response::error(
        401, "unauthorized",
        "this route needs a bearer token with scope " + std::string(to_string(need)));
    r.headers.emplace_back("WWW-Authenticate", "Bearer");
    return r;
  }
  const auto entry = api.current_tokens()->verify(token);
  if (!entry) {
    ++api.metrics.unauthorized;
    http::Response r = http::Response::error(401, "unauthorized", "unknown or revoked token");
    r.headers.emplace_back("WWW-Authenticate", "Bearer error=\"invalid_token\"");
    return r;
  }
  if (need == Scope::kAdmin && entry->scope != Scope::kAdmin)
    return http::Response::error(403, "forbidden",
                                 "token " + entry->id + " has scope read; this route needs admin");
  return std::nullopt;
}

http::Response guarded(Api::Impl& api, const ApiRoute& route, const http::Request& req) {
  const double now = api.now();
  double retry = 1;
  http::Response res;
  if (!rate_ok(api, req.remote, now, &retry)) {
    ++api.metrics.rate_limited;
    res = http::Response::error(429, "rate_limited",
                                "more than " +
                                    std::to_string(static_cast<int>(api.options.rate_per_s)) +
                                    " requests/s from " + req.remote);
    res.headers.emplace_back("Retry-After", std::to_string(static_cast<int>(retry)));
  } else if (auto denied = authorize(api, route.scope, req)) {
    res = std::move(*denied);
  } else if (auto q = check_query(req, route.params); !q) {
    res = http::Response::error(400, "bad_parameter", q.error().message);
  } else {
    res = route.handler(req, *q);
  }
  if (const std::string origin = cors_origin(api, req); !origin.empty()) {
    res.headers.emplace_back("Access-Control-Allow-Origin", origin);
    res.headers.emplace_back("Vary", "Origin");
  }
  if (res.status >= 100 && res.status < 600) {
    const auto i = static_cast<std::size_t>(&route - api.routes.data());
    (*api.metrics.by_route[i])[static_cast<std::size_t>(res.status)].fetch_add(
        1, std::memory_order_relaxed);
  }
  return res;
}

void add_stream(Api::Impl& api) {
  api.routes.push_back(
      {http::Method::kGet,
       "/api/v1/stream",
       "Server-Sent Events: `event` (an event as stored) and `alert` (device offline/online) as "
       "they arrive",
       Scope::kRead,
       {},
       "text/event-stream",
       "",
       {},
       [&api](const http::Request&, const Query&) {
         api.live->tick();
         struct State {
           LiveFeed* feed;
           std::uint64_t after;
           double last_write;
           bool opened = false;
           ~State() { --feed->clients; }
         };
         auto st = std::make_shared<State>(State{api.live.get(), api.live->last_seq(), api.now()});
         ++api.live->clients;
         http::Response r = http::Response::text(200, "", "text/event-stream");
         r.stream = std::make_shared<http::Stream>();
         r.stream->interval = api.options.poll_interval;
         r.stream->next = [&api, st]() -> std::optional<std::string> {
           if (!st->opened) {
             st->opened = true;
             return std::string("retry: 2000\n: connected\n\n");
           }
           api.live->tick();
           std::string out = api.live->since(st->after);
           const double now = api.now();
           if (out.empty() && now - st->last_write > 15) out = ": keepalive\n\n";
           if (!out.empty()) st->last_write = now;
           return out;
         };
         return r;
       }});
}

// The counters by (path, status), sorted, without zeros (several methods of a path add up).
std::map<std::pair<std::string, int>, std::uint64_t> request_counts(const Api::Impl& api) {
  std::map<std::pair<std::string, int>, std::uint64_t> out;
  for (std::size_t i = 0; i < api.routes.size(); ++i)
    for (std::size_t status = 100; status < 600; ++status)
      if (const auto n = (*api.metrics.by_route[i])[status].load(std::memory_order_relaxed))
        out[{api.routes[i].path, static_cast<int>(status)}] += n;
  return out;
}

void add_ops(Api::Impl& api) {
  api.routes.push_back(
      {http::Method::kGet,
       "/health",
       "Liveness: the store answers",
       Scope::kPublic,
       {},
       "application/json",
       R"({"type":"object","required":["status","store","schema_version"]})",
       {},
       [&api](const http::Request&, const Query&) {
         auto db = api.stores->lease();
         if (!db) return http::Response::error(503, "store_unavailable", db.error().message);
         auto v = (*db)->schema_version();
         if (!v) return http::Response::error(503, "store_unavailable", v.error().message);
         return http::Response::json(
             200, "{\"status\":\"ok\",\"store\":\"" + std::string((*db)->backend()) +
                      "\",\"schema_version\":" + std::to_string(*v) + "}\n");
       }});
  api.routes.push_back(
      {http::Method::kGet,
       "/metrics",
       "Prometheus text: requests by route and status, store row counts, fleet",
       Scope::kRead,
       {},
       "text/plain; version=0.0.4",
       "",
       {},
       [&api](const http::Request&, const Query&) {
         std::string out =
             "# HELP css_api_requests_total API requests by route and status.\n# TYPE "
             "css_api_requests_total counter\n";
         for (const auto& [k, n] : request_counts(api))
           out += "css_api_requests_total{path=\"" + k.first + "\",code=\"" +
                  std::to_string(k.second) + "\"} " + std::to_string(n) + "\n";
         out += "# TYPE css_api_rate_limited_total counter\ncss_api_rate_limited_total " +
                std::to_string(api.metrics.rate_limited) + "\n";
         out += "# TYPE css_api_unauthorized_total counter\ncss_api_unauthorized_total " +
                std::to_string(api.metrics.unauthorized) + "\n";
         out += "# TYPE css_api_answer_cache_hits_total counter\ncss_api_answer_cache_hits_total " +
                std::to_string(api.answers->hits()) + "\n";
         out +=
             "# TYPE css_api_answer_cache_misses_total counter\n"
             "css_api_answer_cache_misses_total " +
             std::to_string(api.answers->misses()) + "\n";
         out += "# TYPE css_api_stream_clients gauge\ncss_api_stream_clients " +
                std::to_string(api.live->clients) + "\n";
         out += "# TYPE css_fleet_devices_offline gauge\ncss_fleet_devices_offline " +
                std::to_string(api.live->offline_count()) + "\n";
         auto db = api.stores->lease();
         if (!db) return store_error(db.error());
         if (auto s = (*db)->stats()) {
           out += "# TYPE css_store_rows gauge\n";
           for (auto [name, n] : {std::pair{"events", s->events},
                                  {"flows", s->flows},
                                  {"telemetry", s->telemetry},
                                  {"devices", s->devices},
                                  {"dead_letters", s->dead_letters}})
             out +=
                 std::string("css_store_rows{table=\"") + name + "\"} " + std::to_string(n) + "\n";
         }
         return http::Response::text(200, out, "text/plain; version=0.0.4");
       }});
  api.routes.push_back({http::Method::kGet,
                        "/openapi.json",
                        "This document (OpenAPI 3.1)",
                        Scope::kPublic,
                        {},
                        "application/json",
                        R"({"type":"object","required":["openapi","paths"]})",
                        {},
                        [&api](const http::Request&, const Query&) {
                          return http::Response::json(200, api.openapi);
                        }});
}

}  // namespace

std::shared_ptr<const TokenSet> Api::Impl::current_tokens() {
  std::lock_guard lock(tokens_mu);
  if (options.tokens_file.empty()) return tokens;
  const double t = now();
  if (t - tokens_checked < 1.0) return tokens;
  tokens_checked = t;
  std::error_code ec;
  const auto m = std::filesystem::last_write_time(options.tokens_file, ec);
  if (ec || m == tokens_mtime) return tokens;
  auto set = load_tokens(options.tokens_file);
  if (!set) {
    log("tokens: " + set.error().message + " (keeping the previous set)");
    return tokens;
  }
  tokens = std::make_shared<const TokenSet>(std::move(*set));
  tokens_mtime = m;
  return tokens;
}

Api::Api(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Api::~Api() = default;

namespace {

// Options a caller got wrong fail create(), not the first request or the first alert.
Status check_options(const ApiOptions& o) {
  auto bad = [](const std::string& m) { return make_error(ErrorCode::kInvalidArgument, m); };
  if (!(o.rate_per_s >= 0 && o.rate_per_s <= 1e6)) return bad("rate limit: expected [0, 1e6] /s");
  if (!(o.rate_burst >= 1 && o.rate_burst <= 1e6)) return bad("burst: expected [1, 1e6]");
  if (!(o.heartbeat_allowance_s >= 1 && o.heartbeat_allowance_s <= 30 * 86400.0))
    return bad("heartbeat allowance: expected [1, 2592000] s");
  if (!o.alert_webhook.empty())
    if (auto url = http::parse_url(o.alert_webhook); !url)
      return bad("alert webhook: " + url.error().message);
  return Ok{};
}

}  // namespace

Result<std::unique_ptr<Api>> Api::create(ApiOptions options) {
  if (auto st = check_options(options); !st) return st.error();
  auto impl = std::make_unique<Impl>();
  if (!options.clock) options.clock = system_now;
  if (!options.log)
    options.log = [](const std::string& l) { std::cerr << "citysafe serve: " << l << std::endl; };
  impl->options = std::move(options);
  Impl& api = *impl;
  auto pool = StorePool::open(api.options.store_url);
  if (!pool) return pool.error();
  api.stores = std::move(*pool);
  api.answers = std::make_unique<AnswerCache>(api.options.answer_cache_bytes);
  auto feed_store = api.stores->open_one();
  if (!feed_store) return feed_store.error();
  if (!api.options.tokens_file.empty()) {
    auto t = load_tokens(api.options.tokens_file);
    if (!t) return t.error();
    api.tokens = std::make_shared<const TokenSet>(std::move(*t));
    std::error_code ec;
    api.tokens_mtime = std::filesystem::last_write_time(api.options.tokens_file, ec);
  }
  if (!api.options.city_file.empty()) {
    auto c = geo::load_city_file(api.options.city_file);
    if (!c) return c.error();
    api.city = std::move(*c);
  }
  if (api.options.allow_anonymous_read)
    api.log(
        "WARNING: anonymous read access is ON (--allow-anonymous-read): anyone who can reach this "
        "port reads every event, device and hot spot");
  if (api.tokens->entries().empty() && !api.options.allow_anonymous_read)
    api.log(
        "note: no API tokens (create one with `citysafe token create`): only public routes will "
        "answer");
  api.live = std::make_unique<LiveFeed>(std::move(*feed_store), api.options);
  add_ops(api);
  add_query_routes(api);
  add_geo_routes(api);
  add_stream(api);
  add_static_routes(api);
  api.openapi = make_openapi(api.routes);
  for (std::size_t i = 0; i < api.routes.size(); ++i)
    api.metrics.by_route.push_back(std::make_unique<StatusCounts>());
  return std::unique_ptr<Api>(new Api(std::move(impl)));
}

http::Router Api::router() {
  http::Router router;
  Impl& api = *impl_;
  std::set<std::string> paths;
  for (const ApiRoute& r : api.routes) {
    paths.insert(r.path);
    router.add({r.method, r.path, r.summary, r.content_type,
                [&api, &r](const http::Request& req) { return guarded(api, r, req); }});
  }
  // CORS preflight for every path: allowed origins get the methods and headers they may use.
  for (const std::string& p : paths)
    router.add({http::Method::kOptions, p, "CORS preflight", "text/plain",
                [&api](const http::Request& req) {
                  const std::string origin = cors_origin(api, req);
                  if (origin.empty())
                    return http::Response::error(403, "cors", "origin not allowed");
                  http::Response r = http::Response::text(204, "");
                  r.headers = {{"Access-Control-Allow-Origin", origin},
                               {"Access-Control-Allow-Methods", "GET, OPTIONS"},
                               {"Access-Control-Allow-Headers", "Authorization"},
                               {"Access-Control-Max-Age", "600"},
                               {"Vary", "Origin"}};
                  return r;
                }});
  return router;
}

std::string Api::openapi_json() const {
  return impl_->openapi;
}

}  // namespace css::api

// Private to css::api: the route table's types and the state the handlers share.
//
// Threads and locking: handlers run on the HTTP server's I/O threads, several at once
// (`citysafe serve --threads`). Everything in Api::Impl that changes after create() is
// guarded, each piece on its own so requests rarely wait for each other:
//  - store connections: StorePool hands each request its own EventStore (an EventStore is
//    used by one thread at a time); its idle list is under StorePool::mu_.
//  - metrics: atomic counters, one array per route (indexed by status), no lock.
//  - rate-limit buckets: buckets_mu; tokens: tokens_mu guards the pointer to an immutable
//    TokenSet (verification runs on a snapshot, outside the lock).
//  - geo answers: geo_mu guards the cache map; bodies are immutable shared strings, and one
//    request recomputes an expired answer while the others keep serving the old one.
//  - LiveFeed: see its comment. routes, openapi, options and city never change after create().
#pragma once

#include <array>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "answer_cache.hpp"
#include "css/api/api.hpp"
#include "css/api/tokens.hpp"
#include "css/geo/city.hpp"
#include "css/store/event_store.hpp"

namespace css::api {

// One query parameter as documented in /openapi.json and checked before a handler runs.
struct Param {
  std::string name;
  std::string type;  // "number" | "integer" | "string"
  std::string description;
  std::vector<std::string> choices;  // string enum; empty = free text (checked by the handler)
  std::optional<double> minimum, maximum;
  std::size_t max_chars = 256;
};

// The checked parameters of one request.
struct Query {
  std::map<std::string, std::string> values;
  const std::string* get(const std::string& name) const {
    const auto it = values.find(name);
    return it == values.end() ? nullptr : &it->second;
  }
  std::optional<double> number(const std::string& name) const;
};

using ApiHandler = std::function<http::Response(const http::Request&, const Query&)>;

struct ApiRoute {
  http::Method method = http::Method::kGet;
  std::string path;
  std::string summary;
  Scope scope = Scope::kRead;
  std::vector<Param> params;
  std::string content_type = "application/json";
  std::string schema;       // JSON Schema of the 200 body (JSON text); "" = not JSON
  std::vector<int> errors;  // documented error statuses besides the common ones
  ApiHandler handler;
  bool documented = true;  // false: static files (listed as one entry in docs/api.md)
};

// 400 {"error":"bad_parameter","detail":"<name>: <why>"}
http::Response bad_parameter(const std::string& name, const std::string& why);
// Checks names, repetition, bytes (UTF-8, no controls), lengths, types and ranges.
Result<Query> check_query(const http::Request& request, const std::vector<Param>& params);
// A store error as an answer: kInvalidArgument → 400 naming the field, else 500.
http::Response store_error(const Error& e, const std::string& param = "");

// A pool of connections to one store: lease() hands out an idle connection or opens another
// one, and the Lease gives it back when it goes out of scope. At most one connection per
// request in flight, so as many as there are I/O threads (plus SSE polls) in practice.
class StorePool {
 public:
  class Lease {
   public:
    Lease(StorePool& pool, std::unique_ptr<store::EventStore> s, std::optional<std::uint64_t> seen)
        : pool_(&pool), store_(std::move(s)), seen_(seen) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    store::EventStore* operator->() const { return store_.get(); }
    store::EventStore& operator*() const { return *store_; }
    // The connection's change counter as last read (AnswerCache::observe keeps it).
    std::optional<std::uint64_t>& seen() { return seen_; }

   private:
    StorePool* pool_;
    std::unique_ptr<store::EventStore> store_;
    std::optional<std::uint64_t> seen_;
  };

  // Opens the first connection (its error is create()'s error).
  static Result<std::unique_ptr<StorePool>> open(std::string url);
  Result<Lease> lease();
  Result<std::unique_ptr<store::EventStore>> open_one() const;

 private:
  explicit StorePool(std::string url) : url_(std::move(url)) {}
  std::string url_;
  struct Idle {
    std::unique_ptr<store::EventStore> store;
    std::optional<std::uint64_t> seen;
  };
  std::mutex mu_;
  std::vector<Idle> idle_;
};

// Live events and fleet alerts, fanned out to every SSE client from a ring of messages.
// Thread-safe: tick() polls under poll_mu_ (one poller at a time, others skip the tick) with
// the feed's own store connection; the ring, alerts and fleet map are under mu_; the webhook
// outbox under out_mu_.
class LiveFeed {
 public:
  LiveFeed(std::unique_ptr<store::EventStore> store, const ApiOptions& options);
  ~LiveFeed();
  // Polls the store if poll_interval has passed (events, then device statuses).
  void tick();
  // Messages with sequence number > after, as SSE text; updates `after`.
  std::string since(std::uint64_t& after);
  std::uint64_t last_seq() const;
  std::vector<std::string> recent_alerts() const;
  std::size_t offline_count() const;
  bool offline(const store::DeviceStatus& s, double now) const;
  std::atomic<std::size_t> clients{0};

 private:
  void push(const std::string& event_name, const std::string& json);  // mu_ held
  void poll_events();
  void poll_fleet(double now);
  void send_webhook(std::string json);

  std::unique_ptr<store::EventStore> store_;
  const ApiOptions& options_;
  std::mutex poll_mu_;  // guards store_, cursor_, primed_, last_poll_
  std::optional<std::string> cursor_;
  bool primed_ = false;
  double last_poll_ = -1e300;
  mutable std::mutex mu_;  // guards seq_, ring_, alerts_, offline_
  std::uint64_t seq_ = 0;
  std::deque<std::pair<std::uint64_t, std::string>> ring_;
  std::deque<std::string> alerts_;
  std::map<std::string, bool> offline_;  // device → offline, as last announced
  // Webhook worker: a queue drained by one thread so the I/O thread never waits on it.
  std::mutex out_mu_;
  std::condition_variable cv_;
  std::deque<std::string> outbox_;
  bool stopping_ = false;
  std::thread worker_;
};

// Request counts by status (100..599) for one route: lock-free, bumped by every I/O thread.
using StatusCounts = std::array<std::atomic<std::uint64_t>, 600>;

struct Metrics {
  std::vector<std::unique_ptr<StatusCounts>> by_route;  // index: position in Impl::routes
  std::atomic<std::uint64_t> rate_limited{0}, unauthorized{0};
};

// A cached GeoJSON answer: its body is shared by every request served from it.
struct GeoAnswer {
  double at = 0;  // when computed
  std::shared_ptr<const std::string> body;
  bool refreshing = false;  // one request is computing its successor
};

struct Api::Impl {
  ApiOptions options;
  std::unique_ptr<StorePool> stores;
  std::optional<geo::City> city;
  std::mutex tokens_mu;  // guards tokens, tokens_mtime, tokens_checked
  std::shared_ptr<const TokenSet> tokens = std::make_shared<TokenSet>();
  std::filesystem::file_time_type tokens_mtime{};
  double tokens_checked = -1e300;
  std::unique_ptr<LiveFeed> live;
  Metrics metrics;
  struct Bucket {
    double tokens = 0, at = 0;
  };
  std::mutex buckets_mu;  // guards buckets
  std::unordered_map<std::string, Bucket> buckets;
  std::vector<ApiRoute> routes;
  std::string openapi;
  // GeoJSON answers by query text, kept for a couple of seconds.
  std::mutex geo_mu;  // guards geo_cache
  std::map<std::string, GeoAnswer> geo_cache;
  // Event pages while the store is unchanged (exact; see answer_cache.hpp). Set in create().
  std::unique_ptr<AnswerCache> answers;

  double now() const { return options.clock(); }
  void log(const std::string& line) const { options.log(line); }
  // The token set to verify against, reloaded first when the file changed (checked ≤ 1/s).
  std::shared_ptr<const TokenSet> current_tokens();
};

// Route tables (handlers.cpp, static_files.cpp) and the OpenAPI document (openapi.cpp).
void add_query_routes(Api::Impl& api);
void add_geo_routes(Api::Impl& api);
void add_ops_routes(Api::Impl& api);
void add_static_routes(Api::Impl& api);
std::string make_openapi(const std::vector<ApiRoute>& routes);

}  // namespace css::api

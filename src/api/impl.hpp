// Private to css::api: the route table's types and the state the handlers share.
#pragma once

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

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

// Live events and fleet alerts, fanned out to every SSE client from a ring of messages.
class LiveFeed {
 public:
  LiveFeed(store::EventStore& store, const ApiOptions& options);
  ~LiveFeed();
  // Polls the store if poll_interval has passed (events, then device statuses).
  void tick();
  // Messages with sequence number > after, as SSE text; updates `after`.
  std::string since(std::uint64_t& after);
  std::uint64_t last_seq() const { return seq_; }
  std::vector<std::string> recent_alerts() const;
  std::size_t offline_count() const;
  bool offline(const store::DeviceStatus& s, double now) const;
  std::size_t clients = 0;

 private:
  void push(const std::string& event_name, const std::string& json);
  void poll_events();
  void poll_fleet(double now);
  void send_webhook(std::string json);

  store::EventStore& store_;
  const ApiOptions& options_;
  std::optional<std::string> cursor_;
  bool primed_ = false;
  double last_poll_ = -1e300;
  std::uint64_t seq_ = 0;
  std::deque<std::pair<std::uint64_t, std::string>> ring_;
  std::deque<std::string> alerts_;
  std::map<std::string, bool> offline_;  // device → offline, as last announced
  // Webhook worker: a queue drained by one thread so the I/O thread never waits on it.
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> outbox_;
  bool stopping_ = false;
  std::thread worker_;
};

struct Metrics {
  std::map<std::pair<std::string, int>, std::uint64_t> requests;  // (path, status) → count
  std::uint64_t rate_limited = 0, unauthorized = 0;
};

struct Api::Impl {
  ApiOptions options;
  std::unique_ptr<store::EventStore> store;
  std::optional<geo::City> city;
  TokenSet tokens;
  std::filesystem::file_time_type tokens_mtime{};
  double tokens_checked = -1e300;
  std::unique_ptr<LiveFeed> live;
  Metrics metrics;
  struct Bucket {
    double tokens = 0, at = 0;
  };
  std::unordered_map<std::string, Bucket> buckets;
  std::vector<ApiRoute> routes;
  std::string openapi;
  // GeoJSON answers by query text, kept for a poll interval's worth of seconds.
  std::map<std::string, std::pair<double, std::string>> geo_cache;

  double now() const { return options.clock(); }
  void log(const std::string& line) const { options.log(line); }
  void reload_tokens_if_changed();
};

// Route tables (handlers.cpp, static_files.cpp) and the OpenAPI document (openapi.cpp).
void add_query_routes(Api::Impl& api);
void add_geo_routes(Api::Impl& api);
void add_ops_routes(Api::Impl& api);
void add_static_routes(Api::Impl& api);
std::string make_openapi(const std::vector<ApiRoute>& routes);

}  // namespace css::api

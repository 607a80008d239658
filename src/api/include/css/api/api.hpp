// The dashboard API of `citysafe serve` (issue 18, docs/api.md): JSON under /api/v1 over an
// EventStore, GeoJSON hotspots and flows from css::geo, Server-Sent Events of live events and
// fleet alerts, /health, /metrics, /openapi.json, /docs and the dashboard's static files.
//
// Contract:
//  - One route table (ApiRoute list) is both what the Router dispatches on and what
//    /openapi.json (OpenAPI 3.1) is generated from.
//  - Every handler runs on the HTTP server's one I/O thread, which alone uses the store.
//  - Every bad query parameter (unknown name, repeated, wrong type, out of range, bad bytes)
//    answers 400 {"error":"bad_parameter","detail":"<name>: <why>"} before the store is asked.
//  - Auth: "Authorization: Bearer <token>" (or ?access_token= for EventSource, which cannot
//    send headers) checked against the hashed token file; read routes need scope read, admin
//    routes admin; without a token only public routes answer unless allow_anonymous_read.
//  - Per client IP, a token bucket limits requests (429 with Retry-After).
//  - Live feed: the store is polled every poll_interval for events after the newest one seen
//    (keyset by timestamp, id); an event stored later with an older timestamp is not streamed.
//  - Fleet: a device is offline when its last status was the broker's last will
//    (online=false) or it has been silent longer than heartbeat_allowance_s; each change
//    goes to the stream as an "alert" and, if alert_webhook is set, is POSTed there as JSON
//    from a worker thread (never from the I/O thread).
//  - create() refuses options out of range (a NaN rate, a webhook that is not an http://
//    URL) with kInvalidArgument, before it opens anything.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "css/core/result.hpp"
#include "css/http/router.hpp"

namespace css::api {

struct ApiOptions {
  std::string store_url;
  std::filesystem::path tokens_file;  // empty: no tokens (only anonymous/public)
  bool allow_anonymous_read = false;
  std::vector<std::string> cors_origins;  // exact origins, or "*"
  double rate_per_s = 200.0;              // per client IP, sustained
  double rate_burst = 400.0;              // per client IP, bucket size
  std::filesystem::path city_file;        // city TOML for hotspots/flows; empty: those answer 503
  std::filesystem::path web_dir;          // dashboard files (web/); empty: no dashboard
  std::filesystem::path npm_dir;          // node_modules with leaflet, chart.js, swagger-ui-dist
  std::string tile_url;                   // map tiles for the dashboard; empty: plain background
  double heartbeat_allowance_s = 90.0;    // silence before a device counts as offline
  std::string alert_webhook;              // http://… to POST alerts to; empty: none
  std::chrono::milliseconds poll_interval{250};
  // Exact cache of /api/v1/events answers while the store is unchanged (SQLite only; see
  // docs/api.md "Answer cache"); 0 = off.
  std::size_t answer_cache_bytes = 16u << 20;
  std::function<double()> clock;                // Unix s; default: system clock (tests inject)
  std::function<void(const std::string&)> log;  // one line per notable thing; default stderr
};

struct RouteInfo;  // defined in routes.hpp (private)

class Api {
 public:
  static Result<std::unique_ptr<Api>> create(ApiOptions options);
  ~Api();
  Api(const Api&) = delete;
  Api& operator=(const Api&) = delete;

  // A router holding every route (copies share this Api's state; keep the Api alive).
  http::Router router();
  std::string openapi_json() const;

  struct Impl;

 private:
  explicit Api(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace css::api

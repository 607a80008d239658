// /api/v1/hotspots and /api/v1/flows: events and flow summaries of a time window, read from the
// store and handed to css::geo (Gi* hot spots with k-anonymity; flow field), as GeoJSON.
// Answers are cached per query text for a couple of seconds: the dashboard and many clients
// asking the same window cost one computation.
#include <algorithm>
#include <memory>
#include <mutex>
#include <set>
#include <variant>

#include "css/geo/flows.hpp"
#include "css/geo/geojson.hpp"
#include "css/geo/hotspots.hpp"
#include "css/geo/store_flows.hpp"
#include "impl.hpp"

namespace css::api {

namespace {

constexpr double kMaxTime = 4102444800.0;
constexpr std::size_t kMaxEventsPerMap = 200000;
constexpr double kCacheSeconds = 2.0;

std::vector<Param> window_params() {
  return {
      {"from",
       "number",
       "Window start (Unix s); default: `to` minus `window`",
       {},
       0.0,
       kMaxTime,
       32},
      {"to", "number", "Window end (Unix s, exclusive); default: now", {}, 0.0, kMaxTime, 32},
      {"window",
       "string",
       "Window length when `from` is absent: 90m, 24h, 7d, 3600s (default 24h)",
       {},
       {},
       {},
       16},
  };
}

std::variant<geo::Window, http::Response> make_window(const Query& q, double now) {
  geo::Window w;
  w.end = q.number("to").value_or(now);
  if (auto from = q.number("from")) {
    w.start = *from;
  } else {
    auto len = geo::parse_duration(q.get("window") ? *q.get("window") : "24h");
    if (!len) return bad_parameter("window", len.error().message);
    if (*len <= 0 || *len > 366 * 86400.0) return bad_parameter("window", "must be in (0, 366d]");
    w.start = w.end - *len;
  }
  if (w.start >= w.end) return bad_parameter("from", "must be before 'to'");
  if (w.end - w.start > 366 * 86400.0) return bad_parameter("from", "window longer than 366 days");
  return w;
}

const char* kGeoJsonSchema =
    R"({"type":"object","required":["type","features","metadata"],"properties":{"type":{"const":"FeatureCollection"},"features":{"type":"array"}}})";

http::Response from_cache(const std::shared_ptr<const std::string>& body) {
  http::Response r = http::Response::text(200, "", "application/geo+json");
  r.shared_body = body;
  return r;
}

// The cached answer for this request, or compute() stored under its query text. While one
// request recomputes an expired answer (outside the lock), the others get the old one: no
// request waits for another's computation, and it is done once, not once per thread.
http::Response cached(Api::Impl& api, const http::Request& req,
                      const std::function<http::Response()>& compute) {
  const double now = api.now();
  std::string key = req.path;
  key += '?';
  key += req.query;
  {
    std::lock_guard lock(api.geo_mu);
    if (auto it = api.geo_cache.find(key); it != api.geo_cache.end()) {
      GeoAnswer& a = it->second;
      if (now - a.at < kCacheSeconds || a.refreshing) return from_cache(a.body);
      a.refreshing = true;
    }
  }
  const auto done_refreshing = [&] {
    if (auto it = api.geo_cache.find(key); it != api.geo_cache.end()) it->second.refreshing = false;
  };
  http::Response r;
  try {
    r = compute();
  } catch (...) {  // the router answers 500; the next request tries again
    std::lock_guard lock(api.geo_mu);
    done_refreshing();
    throw;
  }
  std::lock_guard lock(api.geo_mu);
  if (r.status != 200) {
    done_refreshing();
    return r;
  }
  if (api.geo_cache.size() > 64) api.geo_cache.clear();
  auto body = std::make_shared<const std::string>(std::move(r.body));
  api.geo_cache[key] = GeoAnswer{now, body, false};
  return from_cache(body);
}

http::Response no_city() {
  return http::Response::error(
      503, "no_city",
      "the server was started without --city; hotspots and flows need a study area");
}

http::Response hotspots(Api::Impl& api, const Query& q) {
  if (!api.city) return no_city();
  auto w = make_window(q, api.now());
  if (auto* r = std::get_if<http::Response>(&w)) return *r;
  const geo::Window win = std::get<geo::Window>(w);
  const geo::City& city = *api.city;
  store::EventQuery eq;
  eq.filter.from = win.start;
  eq.filter.to = win.end;
  eq.filter.bbox = store::BoundingBox{city.bbox_min.lon, city.bbox_min.lat, city.bbox_max.lon,
                                      city.bbox_max.lat};
  eq.limit = store::kMaxQueryLimit;
  std::vector<geo::EventPoint> points;
  auto db = api.stores->lease();
  if (!db) return store_error(db.error());
  while (points.size() < kMaxEventsPerMap) {
    auto page = (*db)->events(eq);
    if (!page) return store_error(page.error());
    for (const auto& e : page->events)
      if (e.lat && e.lon) points.push_back({e.timestamp, {*e.lon, *e.lat}});
    if (!page->next_cursor) break;
    eq.after = page->next_cursor;
  }
  geo::HotspotConfig cfg;
  auto map = geo::compute_hotspots(city, points, win, cfg);
  if (!map) return http::Response::error(500, "geo_error", map.error().message);
  if (!q.get("cells") || *q.get("cells") == "active")
    std::erase_if(map->cells, [](const geo::CellResult& c) { return c.count <= 0 && c.bin <= 0; });
  return http::Response::json(200, geo::hotspots_geojson(*map));
}

// A flow summary has no position: geo::place_flows puts it at its device's newest positioned
// event (coarsened on the node). Devices that never sent one are left out.
http::Response flows(Api::Impl& api, const Query& q) {
  if (!api.city) return no_city();
  auto w = make_window(q, api.now());
  if (auto* r = std::get_if<http::Response>(&w)) return *r;
  const geo::Window win = std::get<geo::Window>(w);
  store::WindowQuery wq;
  wq.from = win.start;
  wq.to = win.end;
  wq.limit = store::kMaxQueryLimit;
  auto db = api.stores->lease();
  if (!db) return store_error(db.error());
  auto rows = (*db)->flows(wq);
  if (!rows) return store_error(rows.error());
  auto records = geo::place_flows(**db, *rows, {});
  if (!records) return store_error(records.error());
  auto field = geo::flow_field(*api.city, *records, win);
  if (!field) return http::Response::error(500, "geo_error", field.error().message);
  return http::Response::json(200, geo::flows_geojson(*field));
}

}  // namespace

void add_geo_routes(Api::Impl& api) {
  auto hp = window_params();
  hp.push_back({"cells",
                "string",
                "active (cells with events or hot; default) or all study-area cells",
                {"active", "all"},
                {},
                {},
                8});
  api.routes.push_back(
      {http::Method::kGet,
       "/api/v1/hotspots",
       "Hot spots of the window: hex cells with counts, Gi* z/p and class (GeoJSON; k-anonymous)",
       Scope::kRead,
       hp,
       "application/geo+json",
       kGeoJsonSchema,
       {503},
       [&api](const http::Request& r, const Query& q) {
         return cached(api, r, [&] { return hotspots(api, q); });
       }});
  api.routes.push_back(
      {http::Method::kGet,
       "/api/v1/flows",
       "Flow field of the window: mean velocity, divergence and curl per cell (GeoJSON)",
       Scope::kRead,
       window_params(),
       "application/geo+json",
       kGeoJsonSchema,
       {503},
       [&api](const http::Request& r, const Query& q) {
         return cached(api, r, [&] { return flows(api, q); });
       }});
}

}  // namespace css::api

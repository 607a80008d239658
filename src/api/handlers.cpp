// The /api/v1 query routes over the EventStore: events, devices, telemetry, stats, model info,
// alerts and (admin) dead letters. Each route lists its parameters once; check_query enforces
// them and /openapi.json documents them from the same list.
#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>
#include <map>
#include <variant>

#include "css/api/event_json.hpp"
#include "css/core/device_id.hpp"
#include "css/core/event.hpp"
#include "css/store/cursor.hpp"
#include "impl.hpp"

namespace css::api {

namespace {

using json = nlohmann::ordered_json;

constexpr double kMaxTime = 4102444800.0;  // 2100-01-01, as the event schema
constexpr std::size_t kMaxPageLimit = 1000;

std::vector<Param> filter_params() {
  std::vector<std::string> kinds;
  for (auto k : {EventKind::kSuddenDisplacement, EventKind::kForcedDisplacement})
    kinds.emplace_back(to_string(k));
  return {
      {"from", "number", "Events at or after this time (Unix s, UTC)", {}, 0.0, kMaxTime, 32},
      {"to", "number", "Events before this time (Unix s, UTC; exclusive)", {}, 0.0, kMaxTime, 32},
      {"type", "string", "Event type", kinds, {}, {}, 64},
      {"bbox", "string", "Bounding box min_lon,min_lat,max_lon,max_lat (degrees)", {}, {}, {}, 128},
      {"device", "string", "Device id [A-Za-z0-9_.-]{1,64}", {}, {}, {}, 64},
  };
}

Result<store::BoundingBox> parse_bbox(const std::string& text) {
  double v[4];
  std::size_t pos = 0;
  for (int i = 0; i < 4; ++i) {
    const std::size_t comma = text.find(',', pos);
    if ((i < 3) == (comma == std::string::npos))
      return make_error(ErrorCode::kInvalidArgument,
                        "expected 4 numbers min_lon,min_lat,max_lon,max_lat");
    const std::string part =
        text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), v[i]);
    if (part.empty() || ec != std::errc{} || end != part.data() + part.size() ||
        !std::isfinite(v[i]))
      return make_error(ErrorCode::kInvalidArgument, "'" + part + "' is not a number");
    pos = comma + 1;
  }
  if (v[0] < -180 || v[2] > 180 || v[1] < -90 || v[3] > 90 || v[0] > v[2] || v[1] > v[3])
    return make_error(ErrorCode::kInvalidArgument,
                      "need -180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90");
  return store::BoundingBox{v[0], v[1], v[2], v[3]};
}

// The shared filters; an error is the 400 to send.
std::variant<store::EventFilter, http::Response> make_filter(const Query& q) {
  store::EventFilter f;
  f.from = q.number("from");
  f.to = q.number("to");
  if (f.from && f.to && *f.from > *f.to) return bad_parameter("from", "is after 'to'");
  if (const auto* t = q.get("type")) f.type = event_kind_from_string(*t);
  if (const auto* b = q.get("bbox")) {
    auto box = parse_bbox(*b);
    if (!box) return bad_parameter("bbox", box.error().message);
    f.bbox = *box;
  }
  if (const auto* d = q.get("device")) {
    if (!valid_device_id(*d)) return bad_parameter("device", "expected [A-Za-z0-9_.-]{1,64}");
    f.device = *d;
  }
  return f;
}

http::Response send(const json& j) {
  return http::Response::json(200, j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n");
}

// Stored JSON the node sent (telemetry): embedded as JSON when it parses, else as text.
json embedded(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  return j.is_discarded() ? json(text) : j;
}

const char* kEventSchema =
    R"({"type":"object","required":["id","device","seq","timestamp","event","probability"]})";

std::string events_json(const store::EventPage& page) {
  std::string body;
  body.reserve(64 + 320 * page.events.size());  // an event is ~300 bytes
  body += "{\"events\":[";
  for (std::size_t i = 0; i < page.events.size(); ++i) {
    if (i) body += ',';
    append_event_json(body, page.events[i]);
  }
  body += "],\"next_cursor\":";
  body += page.next_cursor ? "\"" + http::json_escape(*page.next_cursor) + "\"" : "null";
  body += "}\n";
  return body;
}

// The checked parameters in one canonical text (Query::values is sorted by name). Values are
// length-prefixed, so no two different queries share a key whatever bytes they hold.
std::string answer_key(const Query& q) {
  std::string key;
  for (const auto& [name, value] : q.values) {
    key += name;
    key += '=';
    key += std::to_string(value.size());
    key += ':';
    key += value;
    key += '&';
  }
  return key;
}

http::Response shared_json(std::shared_ptr<const std::string> body) {
  http::Response r = http::Response::json(200, "");
  r.shared_body = std::move(body);
  return r;
}

void add_events(Api::Impl& api) {
  auto params = filter_params();
  params.push_back(
      {"limit", "integer", "Page size (default 100)", {}, 1.0, double(kMaxPageLimit), 8});
  params.push_back({"cursor", "string", "next_cursor of the previous page", {}, {}, {}, 128});
  params.push_back({"order",
                    "string",
                    "asc (oldest first) or desc (newest first, default)",
                    {"asc", "desc"},
                    {},
                    {},
                    8});
  api.routes.push_back(
      {http::Method::kGet,
       "/api/v1/events",
       "Events, filtered and paged by keyset cursor (newest first by default)",
       Scope::kRead,
       params,
       "application/json",
       std::string(
           R"({"type":"object","required":["events","next_cursor"],"properties":{"events":{"type":"array","items":)") +
           kEventSchema + R"(},"next_cursor":{"type":["string","null"]}}})",
       {},
       [&api](const http::Request&, const Query& q) {
         auto f = make_filter(q);
         if (auto* r = std::get_if<http::Response>(&f)) return *r;
         store::EventQuery eq;
         eq.filter = std::get<store::EventFilter>(f);
         eq.limit = static_cast<std::size_t>(q.number("limit").value_or(100));
         eq.newest_first = !q.get("order") || *q.get("order") == "desc";
         if (const auto* c = q.get("cursor")) {
           if (auto d = store::decode_cursor(*c); !d)
             return bad_parameter("cursor", d.error().message);
           eq.after = *c;
         }
         auto db = api.stores->lease();
         if (!db) return store_error(db.error());
         // The answer is a function of the checked parameters and the store's contents.
         auto generation = api.answers->observe(**db, db->seen());
         if (!generation) return store_error(generation.error());
         const std::string key = *generation ? answer_key(q) : std::string();  // none: uncached
         if (*generation)
           if (auto body = api.answers->find(key, **generation)) return shared_json(body);
         auto page = (*db)->events(eq);
         if (!page) return store_error(page.error());
         auto body = std::make_shared<std::string>(events_json(*page));
         if (*generation) api.answers->put(key, **generation, body);
         return shared_json(std::move(body));
       }});
}

void add_devices(Api::Impl& api) {
  api.routes.push_back(
      {http::Method::kGet,
       "/api/v1/devices",
       "Every device: online/offline, last seen, silence",
       Scope::kRead,
       {},
       "application/json",
       R"({"type":"object","required":["devices","heartbeat_allowance_s"],"properties":{"devices":{"type":"array","items":{"type":"object","required":["device","status","last_seen","silent_s"]}}}})",
       {},
       [&api](const http::Request&, const Query&) {
         auto db = api.stores->lease();
         if (!db) return store_error(db.error());
         auto st = (*db)->device_statuses();
         if (!st) return store_error(st.error());
         const double now = api.now();
         json out = {{"heartbeat_allowance_s", api.options.heartbeat_allowance_s},
                     {"devices", json::array()}};
         for (const auto& s : *st)
           out["devices"].push_back({{"device", s.device},
                                     {"status", api.live->offline(s, now) ? "offline" : "online"},
                                     {"last_will", !s.online},
                                     {"last_seen", s.last_seen},
                                     {"silent_s", std::max(0.0, now - s.last_seen)},
                                     {"last_payload", embedded(s.last_payload)}});
         return send(out);
       }});
}

void add_telemetry(Api::Impl& api) {
  std::vector<Param> params = {
      {"device", "string", "Device id", {}, {}, {}, 64},
      {"from", "number", "Windows starting at or after (Unix s)", {}, 0.0, kMaxTime, 32},
      {"to", "number", "Windows starting before (Unix s)", {}, 0.0, kMaxTime, 32},
      {"limit", "integer", "At most this many windows (default 1000)", {}, 1.0, 10000.0, 8},
  };
  api.routes.push_back(
      {http::Method::kGet,
       "/api/v1/telemetry",
       "Environmental telemetry windows per device (quantity statistics as the node sent them)",
       Scope::kRead,
       params,
       "application/json",
       R"({"type":"object","required":["telemetry"],"properties":{"telemetry":{"type":"array","items":{"type":"object","required":["device","start","period_s","quantities"]}}}})",
       {},
       [&api](const http::Request&, const Query& q) {
         store::WindowQuery wq;
         wq.from = q.number("from");
         wq.to = q.number("to");
         if (wq.from && wq.to && *wq.from > *wq.to) return bad_parameter("from", "is after 'to'");
         if (const auto* d = q.get("device")) {
           if (!valid_device_id(*d))
             return bad_parameter("device", "expected [A-Za-z0-9_.-]{1,64}");
           wq.device = *d;
         }
         wq.limit = static_cast<std::size_t>(q.number("limit").value_or(1000));
         auto db = api.stores->lease();
         if (!db) return store_error(db.error());
         auto rows = (*db)->telemetry(wq);
         if (!rows) return store_error(rows.error());
         json out = {{"telemetry", json::array()}};
         for (const auto& t : *rows)
           out["telemetry"].push_back({{"device", t.device},
                                       {"start", t.start},
                                       {"period_s", t.period_s},
                                       {"quantities", embedded(t.quantities_json)},
                                       {"errors", embedded(t.errors_json)}});
         return send(out);
       }});
}

void add_stats(Api::Impl& api) {
  auto params = filter_params();
  params.push_back({"by",
                    "string",
                    "Group by (default type)",
                    {"type", "device", "hour", "day", "hour_of_day"},
                    {},
                    {},
                    16});
  api.routes.push_back(
      {http::Method::kGet,
       "/api/v1/stats",
       "Event counts grouped by type, device, UTC hour or day",
       Scope::kRead,
       params,
       "application/json",
       R"({"type":"object","required":["by","total","counts"],"properties":{"counts":{"type":"array","items":{"type":"object","required":["key","count"]}}}})",
       {},
       [&api](const http::Request&, const Query& q) {
         auto f = make_filter(q);
         if (auto* r = std::get_if<http::Response>(&f)) return *r;
         static const std::map<std::string, store::CountBy> kBy = {
             {"type", store::CountBy::kType},
             {"device", store::CountBy::kDevice},
             {"hour", store::CountBy::kHour},
             {"day", store::CountBy::kDay},
             {"hour_of_day", store::CountBy::kHourOfDay}};
         const std::string by = q.get("by") ? *q.get("by") : "type";
         auto db = api.stores->lease();
         if (!db) return store_error(db.error());
         auto rows = (*db)->counts(std::get<store::EventFilter>(f), kBy.at(by));
         if (!rows) return store_error(rows.error());
         json out = {{"by", by}, {"total", 0}, {"counts", json::array()}};
         std::uint64_t total = 0;
         for (const auto& r : *rows) {
           total += r.count;
           out["counts"].push_back({{"key", r.key}, {"count", r.count}});
         }
         out["total"] = total;
         return send(out);
       }});
}

void add_model(Api::Impl& api) {
  api.routes.push_back(
      {http::Method::kGet,
       "/api/v1/model",
       "Models that fired the newest 1000 events (sha256 ids), with counts and last use",
       Scope::kRead,
       {},
       "application/json",
       R"({"type":"object","required":["models","sample"],"properties":{"models":{"type":"array","items":{"type":"object","required":["model","events","last_seen"]}}}})",
       {},
       [&api](const http::Request&, const Query&) {
         store::EventQuery eq;
         eq.limit = 1000;
         eq.newest_first = true;
         auto db = api.stores->lease();
         if (!db) return store_error(db.error());
         auto page = (*db)->events(eq);
         if (!page) return store_error(page.error());
         std::map<std::string, std::pair<std::uint64_t, double>> seen;
         for (const auto& e : page->events) {
           auto& [n, last] = seen[e.model];
           ++n;
           last = std::max(last, e.timestamp);
         }
         json out = {{"sample", page->events.size()}, {"models", json::array()}};
         for (const auto& [m, v] : seen)
           out["models"].push_back({{"model", m}, {"events", v.first}, {"last_seen", v.second}});
         return send(out);
       }});
}

void add_alerts_and_dead_letters(Api::Impl& api) {
  api.routes.push_back(
      {http::Method::kGet,
       "/api/v1/alerts",
       "Recent fleet alerts (device offline / back online)",
       Scope::kRead,
       {},
       "application/json",
       R"({"type":"object","required":["alerts"],"properties":{"alerts":{"type":"array"}}})",
       {},
       [&api](const http::Request&, const Query&) {
         api.live->tick();
         std::string body = "{\"alerts\":[";
         const auto alerts = api.live->recent_alerts();
         for (std::size_t i = 0; i < alerts.size(); ++i) body += (i ? "," : "") + alerts[i];
         return http::Response::json(200, body + "]}\n");
       }});
  api.routes.push_back(
      {http::Method::kGet,
       "/api/v1/dead-letters",
       "Messages ingest refused, newest first (admin scope: payloads may hold anything)",
       Scope::kAdmin,
       {{"limit", "integer", "At most this many (default 100)", {}, 1.0, 1000.0, 8},
        {"before", "integer", "Page backwards: ids below this", {}, 1.0, 9e15, 20}},
       "application/json",
       R"({"type":"object","required":["dead_letters"],"properties":{"dead_letters":{"type":"array","items":{"type":"object","required":["id","received_at","topic","reason_code","payload_size"]}}}})",
       {},
       [&api](const http::Request&, const Query& q) {
         std::optional<std::int64_t> before;
         if (auto b = q.number("before")) before = static_cast<std::int64_t>(*b);
         auto db = api.stores->lease();
         if (!db) return store_error(db.error());
         auto rows =
             (*db)->dead_letters(static_cast<std::size_t>(q.number("limit").value_or(100)), before);
         if (!rows) return store_error(rows.error());
         json out = {{"dead_letters", json::array()}};
         for (const auto& d : *rows)
           out["dead_letters"].push_back({{"id", d.id},
                                          {"received_at", d.received_at},
                                          {"topic", d.topic},
                                          {"reason_code", d.reason_code},
                                          {"reason", d.reason},
                                          {"payload", d.payload},
                                          {"payload_size", d.payload_size}});
         return send(out);
       }});
}

}  // namespace

void add_query_routes(Api::Impl& api) {
  add_events(api);
  add_devices(api);
  add_telemetry(api);
  add_stats(api);
  add_model(api);
  add_alerts_and_dead_letters(api);
}

}  // namespace css::api

// JSON codec for Event (docs/event-schema.md). The only file in core that
// includes nlohmann/json: decoding extracts each field with its type checked,
// then validate_event() checks forms and ranges, so both share one rule set.
#include <cstdint>
#include <limits>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "css/core/event.hpp"
#include "text_format.hpp"

namespace css {
namespace {

using nlohmann::json;

Error invalid(std::string message) {
  return make_error(ErrorCode::kInvalidArgument, std::move(message));
}

// JSON's own type names, but numbers split by what the decoder can tell apart.
std::string describe_type(const json& j) {
  switch (j.type()) {
    case json::value_t::number_unsigned:
      return "unsigned integer";
    case json::value_t::number_integer:
      return "negative integer";
    case json::value_t::number_float:
      return "floating-point number";
    case json::value_t::boolean:
      return "boolean";
    default:
      return j.type_name();  // null, object, array, string
  }
}

Error wrong_type(std::string_view field, std::string_view expected, const json& got) {
  return invalid("field '" + std::string(field) + "': expected " + std::string(expected) +
                 ", got " + describe_type(got));
}

// A decoded object plus the lookups that turn a missing or mistyped field into
// the one-line error the schema documents.
class Fields {
 public:
  explicit Fields(const json& obj) : obj_(obj) {}

  const json* find(std::string_view key) const {
    auto it = obj_.find(key);
    return it == obj_.end() ? nullptr : &*it;
  }

  Result<const json*> require(std::string_view key) const {
    if (const json* j = find(key)) return j;
    return invalid("missing required field '" + std::string(key) + "'");
  }

  Result<std::string> string(std::string_view key) const {
    auto j = require(key);
    if (!j) return j.error();
    if (!(*j)->is_string()) return wrong_type(key, "string", **j);
    return (*j)->get<std::string>();
  }

  Result<std::uint64_t> unsigned_integer(std::string_view key) const {
    auto j = require(key);
    if (!j) return j.error();
    if (!(*j)->is_number_unsigned()) return wrong_type(key, "unsigned integer", **j);
    return (*j)->get<std::uint64_t>();
  }

  static Result<double> number(std::string_view key, const json& j) {
    if (!j.is_number()) return wrong_type(key, "number", j);
    return j.get<double>();
  }

  Result<double> number(std::string_view key) const {
    auto j = require(key);
    if (!j) return j.error();
    return number(key, **j);
  }

 private:
  const json& obj_;
};

Result<int> decode_schema(const Fields& f) {
  auto j = f.require("schema");
  if (!j) return j.error();
  if (!(*j)->is_number_integer()) return wrong_type("schema", "integer", **j);
  if (!(*j)->is_number_unsigned() || (*j)->get<std::uint64_t>() != kEventSchemaVersion) {
    return make_error(ErrorCode::kUnsupported, "unsupported schema version " + (*j)->dump() +
                                                   " (expected " +
                                                   std::to_string(kEventSchemaVersion) + ")");
  }
  return kEventSchemaVersion;
}

Result<std::array<double, 3>> decode_vector(const Fields& f) {
  auto j = f.require("vector");
  if (!j) return j.error();
  const json& arr = **j;
  if (!arr.is_array()) return wrong_type("vector", "array of 3 numbers", arr);
  if (arr.size() != 3) {
    return invalid("field 'vector': expected 3 numbers, got " + std::to_string(arr.size()));
  }
  std::array<double, 3> v{};
  for (std::size_t i = 0; i < 3; ++i) {
    auto x = Fields::number("vector[" + std::to_string(i) + "]", arr[i]);
    if (!x) return x.error();
    v[i] = *x;
  }
  return v;
}

Status decode_position(const Fields& f, Event& e) {
  const json* lat = f.find("lat");
  const json* lon = f.find("lon");
  if ((lat == nullptr) != (lon == nullptr)) {
    return invalid(lat ? "field 'lat' given without 'lon'" : "field 'lon' given without 'lat'");
  }
  if (lat == nullptr) return Ok{};
  auto la = Fields::number("lat", *lat);
  if (!la) return la.error();
  auto lo = Fields::number("lon", *lon);
  if (!lo) return lo.error();
  e.lat = *la;
  e.lon = *lo;
  return Ok{};
}

// Extracts every field with its JSON type checked; ranges are validate_event's job.
Result<Event> decode_fields(const Fields& f) {
  Event e;
  auto schema = decode_schema(f);
  if (!schema) return schema.error();
  e.schema = *schema;
  auto id = f.string("id");
  if (!id) return id.error();
  e.id = std::move(*id);
  auto device = f.string("device");
  if (!device) return device.error();
  e.device = std::move(*device);
  auto seq = f.unsigned_integer("seq");
  if (!seq) return seq.error();
  e.seq = *seq;
  auto t = f.number("timestamp");
  if (!t) return t.error();
  e.timestamp = *t;
  auto kind_name = f.string("event");
  if (!kind_name) return kind_name.error();
  auto kind = event_kind_from_string(*kind_name);
  if (!kind) {
    return invalid("field 'event': unknown event kind " + detail::quote(*kind_name) +
                   " (expected 'sudden_displacement' or 'forced_displacement')");
  }
  e.event = *kind;
  auto p = f.number("probability");
  if (!p) return p.error();
  e.probability = *p;
  auto v = decode_vector(f);
  if (!v) return v.error();
  e.vector = *v;
  if (auto s = decode_position(f, e); !s) return s.error();
  auto model = f.string("model");
  if (!model) return model.error();
  e.model = std::move(*model);
  return e;
}

// nlohmann keeps the last of duplicate keys; other parsers keep the first, so a
// payload with both could mean different events to different readers: refuse it.
Result<json> parse_object(std::string_view text) {
  std::set<std::string> seen;
  std::string duplicate;
  auto on_event = [&](int depth, json::parse_event_t event, json& parsed) {
    if (event == json::parse_event_t::key && depth == 1 && duplicate.empty() &&
        !seen.insert(parsed.get<std::string>()).second) {
      duplicate = parsed.get<std::string>();
    }
    return true;
  };
  json doc;
  try {
    doc = json::parse(text.begin(), text.end(), on_event);
  } catch (const json::exception& ex) {
    std::string what = ex.what();
    // Drop nlohmann's "[json.exception.parse_error.101] " tag; keep the position.
    if (auto pos = what.find("] "); pos != std::string::npos) what.erase(0, pos + 2);
    return make_error(ErrorCode::kParse, "event JSON: " + what);
  }
  if (!duplicate.empty()) return invalid("duplicate field " + detail::quote(duplicate));
  if (!doc.is_object()) {
    return make_error(ErrorCode::kParse,
                      std::string("event JSON must be an object, got ") + doc.type_name());
  }
  return doc;
}

}  // namespace

std::string to_json(const Event& e) {
  nlohmann::ordered_json j;
  j["schema"] = e.schema;
  j["id"] = e.id;
  j["device"] = e.device;
  j["seq"] = e.seq;
  j["timestamp"] = e.timestamp;
  j["event"] = to_string(e.event);
  j["probability"] = e.probability;
  j["vector"] = e.vector;
  if (e.lat) j["lat"] = *e.lat;
  if (e.lon) j["lon"] = *e.lon;
  j["model"] = e.model;
  // replace, not throw, on bad UTF-8: to_json does not validate (see header).
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

Result<Event> event_from_json(std::string_view text) {
  if (text.size() > kMaxEventJsonBytes) {
    return invalid("event JSON is " + std::to_string(text.size()) + " bytes, over the " +
                   std::to_string(kMaxEventJsonBytes) + "-byte limit");
  }
  auto doc = parse_object(text);
  if (!doc) return doc.error();
  auto event = decode_fields(Fields(*doc));
  if (!event) return event;
  if (auto s = validate_event(*event); !s) return s.error();
  return event;
}

}  // namespace css

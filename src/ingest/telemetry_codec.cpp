// The strict server-side telemetry decoder (css/ingest/validate.hpp; the encoder is
// css::sensors::to_json in src/sensors/telemetry_json.cpp). nlohmann-json stays in here.
#include <cmath>
#include <nlohmann/json.hpp>

#include "css/core/json_keys.hpp"
#include "css/ingest/validate.hpp"
#include "css/sensors/environment.hpp"

namespace css::ingest {
namespace {

using nlohmann::json;

// Physically possible values per quantity, in the unit the key names; generous on purpose:
// they catch corrupted numbers, not unusual weather.
struct Range {
  double lo, hi;
};
constexpr std::array<Range, sensors::kQuantityCount> kRanges = {{
    {-100.0, 150.0},  // temperature_c
    {0.0, 100.0},     // humidity_pct
    {0.0, 2000.0},    // pressure_hpa
    {0.0, 1e9},       // gas_resistance_ohm
    {0.0, 10000.0},   // pm1_ugm3
    {0.0, 10000.0},   // pm25_ugm3
    {0.0, 10000.0},   // pm10_ugm3
    {0.0, 200000.0},  // illuminance_lux
    {0.0, 1.0},       // motion
}};
constexpr std::uint64_t kMaxCount = 1'000'000'000;

Error field(const std::string& name, const std::string& what) {
  return make_error(ErrorCode::kInvalidArgument, "telemetry field '" + name + "': " + what);
}

Error outside(const std::string& name, double v, double lo, double hi) {
  return field(name,
               json(v).dump() + " is outside [" + json(lo).dump() + ", " + json(hi).dump() + "]");
}

Result<double> number(const json& j, const std::string& name, const char* key, double lo,
                      double hi) {
  const auto it = j.find(key);
  if (it == j.end()) return field(name, "missing");
  if (!it->is_number()) return field(name, "expected number");
  const double v = it->get<double>();
  if (!(v >= lo && v <= hi)) return outside(name, v, lo, hi);
  return v;
}

Result<json> quantity(const json& q, const std::string& name, Range range) {
  if (!q.is_object()) return field(name, "expected object");
  const auto n = q.find("n");
  if (n == q.end()) return field(name + ".n", "missing");
  if (!n->is_number_unsigned() || n->get<std::uint64_t>() < 1 ||
      n->get<std::uint64_t>() > kMaxCount)
    return field(name + ".n", "expected a count >= 1");
  json out = json::object();
  out["n"] = n->get<std::uint64_t>();
  for (const char* key : {"mean", "min", "max"}) {
    auto v = number(q, name + "." + key, key, range.lo, range.hi);
    if (!v) return v.error();
    out[key] = *v;
  }
  const double mean = out["mean"], min = out["min"], max = out["max"];
  const double slack = 1e-9 * std::max(1.0, std::abs(mean));
  if (!(min <= max && mean >= min - slack && mean <= max + slack))
    return field(name, "min <= mean <= max does not hold (out of range)");
  return out;
}

Result<json> parse_object(std::string_view text) {
  json j = json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded()) return make_error(ErrorCode::kParse, "telemetry JSON: malformed");
  if (!j.is_object()) return make_error(ErrorCode::kParse, "telemetry JSON must be an object");
  if (const std::string key = first_duplicate_json_key(text); !key.empty())
    return make_error(ErrorCode::kInvalidArgument, "telemetry JSON: duplicate key '" + key + "'");
  return j;
}

Result<std::string> errors_of(const json& j) {
  const auto e = j.find("errors");
  if (e == j.end()) return std::string("{}");
  if (!e->is_object()) return field("errors", "expected object");
  json out = json::object();
  for (const auto& [sensor, n] : e->items()) {
    if (sensor.empty() || sensor.size() > 64) return field("errors", "sensor name of 1-64 chars");
    if (!n.is_number_unsigned() || n.get<std::uint64_t>() > kMaxCount)
      return field("errors." + sensor, "expected a count");
    out[sensor] = n.get<std::uint64_t>();
  }
  return out.dump();
}

}  // namespace

Result<store::TelemetryRecord> telemetry_from_json(std::string_view text) {
  if (text.size() > kMaxIngestPayloadBytes)
    return make_error(ErrorCode::kInvalidArgument, "telemetry JSON larger than 16384 bytes");
  auto parsed = parse_object(text);
  if (!parsed) return parsed.error();
  const json& j = *parsed;
  const auto schema = j.find("schema");
  if (schema == j.end()) return field("schema", "missing");
  if (!schema->is_number_integer()) return field("schema", "expected integer");
  if (schema->get<std::int64_t>() != 1)
    return make_error(ErrorCode::kUnsupported,
                      "unsupported telemetry schema version " + schema->dump() + " (expected 1)");
  store::TelemetryRecord r;
  const auto dev = j.find("device");
  if (dev == j.end() || !dev->is_string()) return field("device", "missing or not a string");
  r.device = dev->get<std::string>();
  auto start = number(j, "start", "start", 1e-9, kMaxEventTimestampS);
  if (!start) return start.error();
  auto period = number(j, "period_s", "period_s", 1e-9, 86400.0);
  if (!period) return period.error();
  r.start = *start;
  r.period_s = *period;
  const auto q = j.find("quantities");
  if (q == j.end() || !q->is_object()) return field("quantities", "missing or not an object");
  json quantities = json::object();
  for (const auto& [name, stats] : q->items()) {
    const auto which = sensors::quantity_from_name(name);
    if (!which) continue;  // a newer node's quantity: ignored, as documented
    auto one = quantity(stats, "quantities." + name, kRanges[static_cast<std::size_t>(*which)]);
    if (!one) return one.error();
    quantities[name] = std::move(*one);
  }
  r.quantities_json = quantities.dump();
  auto errors = errors_of(j);
  if (!errors) return errors.error();
  r.errors_json = std::move(*errors);
  return r;
}

}  // namespace css::ingest

// The flow JSON codec (css/core/flow.hpp; docs/event-schema.md, "Flows"). Lives in core so
// the server side (store, ingest) reads flows without depending on the node runtime.
#include "css/core/flow.hpp"

#include <cmath>
#include <nlohmann/json.hpp>
#include <numbers>

#include "css/core/device_id.hpp"
#include "css/core/event.hpp"
#include "css/core/json_keys.hpp"

namespace css {
namespace {

using nlohmann::json;

Error field_error(const std::string& field, const std::string& what) {
  return make_error(ErrorCode::kInvalidArgument, "flow field '" + field + "': " + what);
}

Result<double> get_number(const json& j, const char* key, double lo, double hi) {
  const auto it = j.find(key);
  if (it == j.end()) return field_error(key, "missing");
  if (!it->is_number()) return field_error(key, "not a number");
  const double v = it->get<double>();
  if (!(v >= lo && v <= hi)) return field_error(key, "out of range");
  return v;
}

}  // namespace

Status validate_flow(const FlowSummary& f) {
  if (f.schema != 1) return field_error("schema", "unsupported version");
  if (!valid_device_id(f.device)) return field_error("device", "must match [A-Za-z0-9_.-]{1,64}");
  if (!(f.start >= 0.0 && f.start <= kMaxEventTimestampS))
    return field_error("start", "out of range");
  if (!(f.period > 0.0 && f.period <= 86400.0)) return field_error("period", "out of range");
  std::uint64_t total = f.unclassified;
  for (auto s : f.seconds) total += s;
  if (total > static_cast<std::uint64_t>(f.period) + 1)
    return field_error("seconds", "exceed the period");
  if (f.velocity_seconds > static_cast<std::uint64_t>(f.period) + 1)
    return field_error("velocity.seconds", "exceeds the period");
  if (!(std::abs(f.velocity_east) <= 1000.0) || !(std::abs(f.velocity_north) <= 1000.0))
    return field_error("velocity", "east/north must be within ±1000 m/s");
  return Ok{};
}

std::string to_json(const FlowSummary& f) {
  json counts = json::object();
  for (int i = 0; i < kLabelCount; ++i)
    if (f.seconds[i] > 0) counts[std::string(kLabelNames[i])] = f.seconds[i];
  json j = {
      {"schema", f.schema},
      {"device", f.device},
      {"start", f.start},
      {"period", f.period},
      {"seconds", counts},
      {"unclassified", f.unclassified},
      {"velocity",
       {{"seconds", f.velocity_seconds}, {"east", f.velocity_east}, {"north", f.velocity_north}}}};
  return j.dump();
}

Result<FlowSummary> flow_from_json(std::string_view text) {
  if (text.size() > kMaxFlowJsonBytes)
    return make_error(ErrorCode::kInvalidArgument, "flow JSON larger than 4096 bytes");
  json j = json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return make_error(ErrorCode::kParse, "flow JSON: malformed or not an object");
  if (!first_duplicate_json_key(text).empty())
    return make_error(ErrorCode::kParse, "flow JSON: duplicate key");
  FlowSummary f;
  auto schema = get_number(j, "schema", 1, 1);
  if (!schema) return schema.error();
  const auto dev = j.find("device");
  if (dev == j.end() || !dev->is_string()) return field_error("device", "missing or not a string");
  f.device = dev->get<std::string>();
  auto start = get_number(j, "start", 0, kMaxEventTimestampS);
  auto period = get_number(j, "period", 1e-9, 86400);
  auto uncl = get_number(j, "unclassified", 0, 86400);
  if (!start) return start.error();
  if (!period) return period.error();
  if (!uncl) return uncl.error();
  f.start = *start;
  f.period = *period;
  f.unclassified = static_cast<std::uint32_t>(*uncl);
  const auto sec = j.find("seconds");
  if (sec == j.end() || !sec->is_object())
    return field_error("seconds", "missing or not an object");
  for (const auto& [name, v] : sec->items()) {
    const auto label = label_from_string(name);
    if (!label) return field_error("seconds." + name, "unknown movement class");
    if (!v.is_number_unsigned() || v.get<std::uint64_t>() > 86400)
      return field_error("seconds." + name, "not a count of seconds");
    f.seconds[static_cast<std::size_t>(*label)] = v.get<std::uint32_t>();
  }
  const auto vel = j.find("velocity");
  if (vel == j.end() || !vel->is_object())
    return field_error("velocity", "missing or not an object");
  auto vs = get_number(*vel, "seconds", 0, 86400);
  auto ve = get_number(*vel, "east", -1000, 1000);
  auto vn = get_number(*vel, "north", -1000, 1000);
  if (!vs) return field_error("velocity.seconds", vs.error().message);
  if (!ve) return field_error("velocity.east", ve.error().message);
  if (!vn) return field_error("velocity.north", vn.error().message);
  f.velocity_seconds = static_cast<std::uint32_t>(*vs);
  f.velocity_east = *ve;
  f.velocity_north = *vn;
  if (auto st = validate_flow(f); !st) return st.error();
  return f;
}

}  // namespace css

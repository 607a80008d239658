// JSON-lines readers and the flow line writer (event_files.hpp).
#include "css/geo/event_files.hpp"

#include <cmath>
#include <nlohmann/json.hpp>

#include "css/core/file_io.hpp"

namespace css::geo {
namespace {

using nlohmann::json;

template <typename Fn>
Status each_line(std::string_view text, std::string_view source, Fn fn) {
  std::size_t line_no = 0, pos = 0;
  while (pos < text.size()) {
    const std::size_t nl = text.find('\n', pos);
    std::string_view line =
        text.substr(pos, nl == std::string_view::npos ? text.size() - pos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    if (auto st = fn(line); !st)
      return make_error(st.error().code, std::string(source) + ":" + std::to_string(line_no) +
                                             ": " + st.error().message);
  }
  return Ok{};
}

Result<std::string> read_text(const std::filesystem::path& path) {
  auto bytes = io::read_file(path);
  if (!bytes) return bytes.error();
  return std::string(reinterpret_cast<const char*>(bytes->data()), bytes->size());
}

Error field(std::string_view name, std::string_view what) {
  return make_error(ErrorCode::kInvalidArgument,
                    "flow field '" + std::string(name) + "': " + std::string(what));
}

Result<double> number(const json& j, const char* key, double lo, double hi) {
  const auto it = j.find(key);
  if (it == j.end()) return field(key, "missing");
  if (!it->is_number()) return field(key, "not a number");
  const double v = it->get<double>();
  if (!(v >= lo && v <= hi)) return field(key, "out of range");
  return v;
}

}  // namespace

Result<EventFile> parse_events_jsonl(std::string_view text, std::string_view source) {
  EventFile out;
  auto st = each_line(text, source, [&](std::string_view line) -> Status {
    auto e = event_from_json(line);
    if (!e) return e.error();
    if (!e->lat || !e->lon) {
      ++out.without_position;
      return Ok{};
    }
    out.points.push_back({e->timestamp, {*e->lon, *e->lat}});
    return Ok{};
  });
  if (!st) return st.error();
  return out;
}

Result<EventFile> read_events_jsonl(const std::filesystem::path& path) {
  auto text = read_text(path);
  if (!text) return text.error();
  return parse_events_jsonl(*text, path.string());
}

Result<FlowRecord> flow_record_from_json(std::string_view line, const DevicePositions& positions) {
  if (line.size() > 4096)
    return make_error(ErrorCode::kInvalidArgument, "flow line larger than 4096 bytes");
  const json j = json::parse(line.begin(), line.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return make_error(ErrorCode::kParse, "flow JSON: malformed or not an object");
  FlowRecord f;
  if (auto s = number(j, "schema", 1, 1); !s) return s.error();
  const auto dev = j.find("device");
  if (dev == j.end() || !dev->is_string() || dev->get_ref<const std::string&>().empty() ||
      dev->get_ref<const std::string&>().size() > kMaxDeviceIdChars)
    return field("device", "missing or not a device id");
  f.device = dev->get<std::string>();
  auto start = number(j, "start", 0, kMaxEventTimestampS);
  if (!start) return start.error();
  auto period = number(j, "period", 1e-9, 86400);
  if (!period) return period.error();
  f.start = *start, f.period = *period;
  const auto vel = j.find("velocity");
  if (vel == j.end() || !vel->is_object()) return field("velocity", "missing or not an object");
  auto vs = number(*vel, "seconds", 0, 86401);
  auto ve = number(*vel, "east", -1000, 1000);
  auto vn = number(*vel, "north", -1000, 1000);
  if (!vs) return field("velocity.seconds", vs.error().message);
  if (!ve) return field("velocity.east", ve.error().message);
  if (!vn) return field("velocity.north", vn.error().message);
  f.velocity_seconds = static_cast<std::uint32_t>(*vs), f.east = *ve, f.north = *vn;
  if (j.contains("lat") || j.contains("lon")) {
    auto lat = number(j, "lat", -90, 90);
    if (!lat) return lat.error();
    auto lon = number(j, "lon", -180, 180);
    if (!lon) return lon.error();
    f.where = {*lon, *lat};
  } else if (auto it = positions.find(f.device); it != positions.end()) {
    f.where = it->second;
  } else {
    return field("lat", "missing, and device '" + f.device + "' has no known position");
  }
  return f;
}

Result<std::vector<FlowRecord>> parse_flows_jsonl(std::string_view text, std::string_view source,
                                                  const DevicePositions& positions) {
  std::vector<FlowRecord> out;
  auto st = each_line(text, source, [&](std::string_view line) -> Status {
    auto f = flow_record_from_json(line, positions);
    if (!f) return f.error();
    out.push_back(std::move(*f));
    return Ok{};
  });
  if (!st) return st.error();
  return out;
}

Result<std::vector<FlowRecord>> read_flows_jsonl(const std::filesystem::path& path,
                                                 const DevicePositions& positions) {
  auto text = read_text(path);
  if (!text) return text.error();
  return parse_flows_jsonl(*text, path.string(), positions);
}

std::string flow_record_to_json(const FlowRecord& f, std::uint32_t moving_s) {
  const auto period = static_cast<std::uint32_t>(std::floor(f.period));
  moving_s = std::min(moving_s, period);
  json seconds = json::object();
  if (moving_s > 0) seconds["walking"] = moving_s;
  if (period > moving_s) seconds["stationary"] = period - moving_s;
  const json j = {
      {"schema", 1},
      {"device", f.device},
      {"start", f.start},
      {"period", f.period},
      {"seconds", seconds},
      {"unclassified", 0},
      {"velocity", {{"seconds", f.velocity_seconds}, {"east", f.east}, {"north", f.north}}},
      {"lat", f.where.lat},
      {"lon", f.where.lon}};
  return j.dump();
}

}  // namespace css::geo

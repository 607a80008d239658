// The stdin CSV frame format (source.hpp): one frame per line, 13 columns.
#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>

#include "css/node/source.hpp"

namespace css::node {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

Result<double> parse_number(std::string_view text, std::size_t column) {
  text = trim(text);
  double v = 0.0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc() || ptr != end) {
    std::string shown(text.substr(0, 32));
    return make_error(ErrorCode::kParse, std::string("column '") + kFrameColumns[column] +
                                             "': not a number: '" + shown + "'");
  }
  return v;
}

Status check_ranges(const SensorFrame& f) {
  auto bad = [](const char* what) { return make_error(ErrorCode::kInvalidArgument, what); };
  if (!std::isfinite(f.t) || f.t < 0.0) return bad("column 't': must be finite and >= 0");
  if (f.gnss_fix) {
    if (!(f.lat >= -90.0 && f.lat <= 90.0)) return bad("column 'lat': outside [-90, 90]");
    if (!(f.lon >= -180.0 && f.lon <= 180.0)) return bad("column 'lon': outside [-180, 180]");
    if (!(f.gnss_speed >= 0.0F && f.gnss_speed < 1000.0F))
      return bad("column 'gnss_speed': outside [0, 1000) m/s");
    if (!(f.gnss_course >= 0.0F && f.gnss_course <= 360.0F))
      return bad("column 'gnss_course': outside [0, 360] deg");
  }
  return Ok{};
}

}  // namespace

Result<SensorFrame> parse_frame_line(std::string_view line) {
  std::array<double, kFrameColumns.size()> v{};
  std::size_t column = 0;
  while (true) {
    const auto comma = line.find(',');
    const std::string_view cell = line.substr(0, comma);
    if (column >= v.size())
      return make_error(ErrorCode::kParse, "more than " + std::to_string(v.size()) + " columns");
    auto num = parse_number(cell, column);
    if (!num) return num.error();
    v[column++] = *num;
    if (comma == std::string_view::npos) break;
    line.remove_prefix(comma + 1);
  }
  if (column != v.size())
    return make_error(ErrorCode::kParse, "expected " + std::to_string(v.size()) + " columns, got " +
                                             std::to_string(column));
  SensorFrame f;
  f.t = v[0];
  for (int i = 0; i < 3; ++i) {
    f.acc[i] = static_cast<float>(v[1 + i]);
    f.gyro[i] = static_cast<float>(v[4 + i]);
  }
  f.lat = v[7];
  f.lon = v[8];
  if (v[9] != 0.0 && v[9] != 1.0)
    return make_error(ErrorCode::kParse, "column 'gnss_fix': not 0 or 1");
  f.gnss_fix = v[9] == 1.0;
  f.gnss_speed = static_cast<float>(v[10]);
  f.gnss_course = static_cast<float>(v[11]);
  f.spl = static_cast<float>(v[12]);
  if (auto st = check_ranges(f); !st) return st.error();
  return f;
}

std::string format_frame_line(const SensorFrame& f) {
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "%.17g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.17g,%.17g,%d,%.9g,%.9g,%.9g", f.t, f.acc[0],
                f.acc[1], f.acc[2], f.gyro[0], f.gyro[1], f.gyro[2], f.lat, f.lon,
                f.gnss_fix ? 1 : 0, f.gnss_speed, f.gnss_course, f.spl);
  return buf;
}

}  // namespace css::node

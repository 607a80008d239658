// Query values from text (query_text.hpp).
#include "css/store/query_text.hpp"

#include <charconv>
#include <cmath>
#include <ctime>
#include <string>

#include "checks.hpp"

namespace css::store {
namespace {

Error bad(std::string_view what, std::string_view text, std::string_view expected) {
  std::string shown(text.substr(0, 64));
  for (char& c : shown)
    if (static_cast<unsigned char>(c) < 0x20) c = '?';
  return make_error(ErrorCode::kInvalidArgument,
                    std::string(what) + " '" + shown + "': expected " + std::string(expected));
}

bool parse_double(std::string_view text, double& out) {
  if (text.empty()) return false;
  const auto r = std::from_chars(text.data(), text.data() + text.size(), out);
  return r.ec == std::errc() && r.ptr == text.data() + text.size() && std::isfinite(out);
}

// Exactly `n` digits at text[pos…] as an int.
bool digits(std::string_view text, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > text.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    out = out * 10 + (text[i] - '0');
  }
  return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
std::int64_t days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<std::int64_t>(era) * 146097 + doe - 719468;
}

bool valid_date(int y, int m, int d) {
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1 || d > kDays[m - 1]) return false;
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return !(m == 2 && d == 29 && !leap);
}

std::optional<double> parse_iso(std::string_view t) {
  int y, mo, d, h = 0, mi = 0, s = 0;
  if (!digits(t, 0, 4, y) || t.size() < 10 || t[4] != '-' || !digits(t, 5, 2, mo) || t[7] != '-' ||
      !digits(t, 8, 2, d) || !valid_date(y, mo, d))
    return std::nullopt;
  double frac = 0.0;
  if (t.size() > 10) {
    if (t.size() < 20 || t[10] != 'T' || !digits(t, 11, 2, h) || t[13] != ':' ||
        !digits(t, 14, 2, mi) || t[16] != ':' || !digits(t, 17, 2, s) || t.back() != 'Z' ||
        h > 23 || mi > 59 || s > 59)
      return std::nullopt;
    const std::string_view f = t.substr(19, t.size() - 20);
    if (!f.empty()) {
      if (f[0] != '.' || f.size() < 2 || f.size() > 10) return std::nullopt;
      for (char c : f.substr(1))
        if (c < '0' || c > '9') return std::nullopt;
      if (!parse_double("0" + std::string(f), frac)) return std::nullopt;
    }
  }
  return static_cast<double>(days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s) + frac;
}

}  // namespace

Result<double> parse_time(std::string_view text) {
  constexpr std::string_view kExpected =
      "Unix seconds or UTC ISO 8601 (2024-05-17T21:40:00Z or 2024-05-17)";
  double t = 0.0;
  if (parse_double(text, t)) {
    if (t < 0.0 || t > kMaxEventTimestampS) return bad("time", text, "a time in 1970..2100");
    return t;
  }
  if (text.size() > 64) return bad("time", text, kExpected);
  const auto iso = parse_iso(text);
  if (!iso) return bad("time", text, kExpected);
  if (*iso < 0.0 || *iso > kMaxEventTimestampS) return bad("time", text, "a time in 1970..2100");
  return *iso;
}

Result<BoundingBox> parse_bbox(std::string_view text) {
  constexpr std::string_view kExpected = "MIN_LON,MIN_LAT,MAX_LON,MAX_LAT in degrees";
  double v[4];
  std::size_t pos = 0;
  for (int i = 0; i < 4; ++i) {
    const auto comma = text.find(',', pos);
    const bool last = i == 3;
    if (last != (comma == std::string_view::npos)) return bad("bbox", text, kExpected);
    const std::string_view part = text.substr(pos, last ? std::string_view::npos : comma - pos);
    if (!parse_double(part, v[i])) return bad("bbox", text, kExpected);
    pos = comma + 1;
  }
  const BoundingBox box{v[0], v[1], v[2], v[3]};
  EventFilter f;
  f.bbox = box;
  if (auto st = check_filter(f); !st) return st.error();
  return box;
}

Result<EventKind> parse_event_type(std::string_view text) {
  if (auto kind = event_kind_from_string(text)) return *kind;
  return bad("event type", text, "sudden_displacement or forced_displacement");
}

Result<CountBy> parse_count_by(std::string_view text) {
  if (text == "type") return CountBy::kType;
  if (text == "device") return CountBy::kDevice;
  if (text == "hour") return CountBy::kHour;
  if (text == "day") return CountBy::kDay;
  if (text == "hour_of_day") return CountBy::kHourOfDay;
  return bad("count by", text, "type, device, hour, day or hour_of_day");
}

}  // namespace css::store

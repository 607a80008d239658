#include "nmea_fields.hpp"

#include <charconv>
#include <cmath>

namespace css::sensors::nmea {

bool split(std::string_view body, Fields& out) {
  out.count = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= body.size(); ++i) {
    if (i == body.size() || body[i] == ',') {
      if (out.count == kMaxFields) return false;
      out.f[out.count++] = body.substr(start, i - start);
      start = i + 1;
    }
  }
  return true;
}

bool parse_number(std::string_view field, double& out) {
  if (field.empty()) return false;
  bool digit = false;
  bool dot = false;
  for (std::size_t i = 0; i < field.size(); ++i) {
    const char c = field[i];
    if (c >= '0' && c <= '9') {
      digit = true;
    } else if (c == '.' && !dot) {
      dot = true;
    } else if (!(c == '-' && i == 0)) {
      return false;  // no exponents, no '+', no spaces: not NMEA syntax
    }
  }
  if (!digit) return false;
  const auto res = std::from_chars(field.data(), field.data() + field.size(), out);
  return res.ec == std::errc{} && res.ptr == field.data() + field.size() && std::isfinite(out);
}

bool parse_uint(std::string_view field, int& out) {
  if (field.empty() || field.size() > 6) return false;
  const auto res = std::from_chars(field.data(), field.data() + field.size(), out);
  return res.ec == std::errc{} && res.ptr == field.data() + field.size() && out >= 0;
}

bool parse_coordinate(std::string_view value, std::string_view hemisphere, bool is_latitude,
                      double& deg_out) {
  // NMEA 0183 / UBX-13003221: latitude llll.ll (2 degree digits), longitude yyyyy.yy (3 degree
  // digits).
  const std::size_t dot = value.find('.');
  const std::size_t int_digits = dot == std::string_view::npos ? value.size() : dot;
  if (int_digits != (is_latitude ? 4U : 5U)) return false;
  double v = 0.0;
  if (!parse_number(value, v) || v < 0.0) return false;
  const double degrees = std::floor(v / 100.0);
  const double minutes = v - degrees * 100.0;
  if (minutes >= 60.0) return false;
  double deg = degrees + minutes / 60.0;
  if (deg > (is_latitude ? 90.0 : 180.0)) return false;
  const char h = hemisphere.size() == 1 ? hemisphere[0] : '\0';
  if (is_latitude && h != 'N' && h != 'S') return false;
  if (!is_latitude && h != 'E' && h != 'W') return false;
  if (h == 'S' || h == 'W') deg = -deg;
  deg_out = deg;
  return true;
}

bool parse_time(std::string_view field, double& seconds_out) {
  if (field.size() < 6) return false;
  for (std::size_t i = 0; i < 6; ++i) {
    if (field[i] < '0' || field[i] > '9') return false;
  }
  if (field.size() > 6 && field[6] != '.') return false;
  double v = 0.0;
  if (!parse_number(field, v)) return false;
  const int hh = (field[0] - '0') * 10 + (field[1] - '0');
  const int mm = (field[2] - '0') * 10 + (field[3] - '0');
  const double ss = v - std::floor(v / 100.0) * 100.0;
  if (hh > 23 || mm > 59 || ss >= 61.0) return false;  // 60.x allowed: leap second
  seconds_out = hh * 3600.0 + mm * 60.0 + ss;
  return true;
}

bool parse_date(std::string_view field, int& year, int& month, int& day) {
  if (field.size() != 6) return false;
  int v[3] = {0, 0, 0};
  for (std::size_t i = 0; i < 6; ++i) {
    if (field[i] < '0' || field[i] > '9') return false;
    v[i / 2] = v[i / 2] * 10 + (field[i] - '0');
  }
  if (v[0] < 1 || v[0] > 31 || v[1] < 1 || v[1] > 12) return false;
  day = v[0];
  month = v[1];
  year = v[2] < 80 ? 2000 + v[2] : 1900 + v[2];
  return true;
}

}  // namespace css::sensors::nmea

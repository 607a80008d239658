#include "css/sensors/nmea.hpp"

#include <cmath>

#include "nmea_fields.hpp"

namespace css::sensors {
namespace {

// 1 international knot = 1852 m per hour (BIPM SI brochure, table 8).
constexpr double kKnotToMps = 1852.0 / 3600.0;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

bool printable(std::uint8_t b) {
  return b >= 0x20 && b <= 0x7E;
}

// Days from 1970-01-01 to a proleptic Gregorian date: the era/day-of-era method of
// H. Hinnant, "chrono-Compatible Low-Level Date Algorithms" (days_from_civil).
long days_from_civil(int y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const long era = (y >= 0 ? y : y - 399) / 400;
  const long yoe = y - era * 400;
  const long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

bool optional_number(std::string_view field, double& out) {
  if (field.empty()) {
    out = GnssFix::kNaN;
    return true;
  }
  return nmea::parse_number(field, out);
}

bool optional_time(std::string_view field, double& out) {
  if (field.empty()) return true;  // keep the previous time of day
  return nmea::parse_time(field, out);
}

// Position fields (lat, N/S, lon, E/W): all empty (no fix) or all valid.
bool position(const nmea::Fields& f, std::size_t first, GnssFix& fix) {
  if (f[first].empty() && f[first + 1].empty() && f[first + 2].empty() && f[first + 3].empty()) {
    fix.lat_deg = GnssFix::kNaN;
    fix.lon_deg = GnssFix::kNaN;
    return true;
  }
  double lat = 0.0;
  double lon = 0.0;
  if (!nmea::parse_coordinate(f[first], f[first + 1], true, lat) ||
      !nmea::parse_coordinate(f[first + 2], f[first + 3], false, lon)) {
    return false;
  }
  fix.lat_deg = lat;
  fix.lon_deg = lon;
  return true;
}

bool course(std::string_view field, double& out) {
  if (!optional_number(field, out)) return false;
  return std::isnan(out) || (out >= 0.0 && out <= 360.0);
}

// GGA (u-blox M8 receiver description UBX-13003221, "GGA"): time, lat, N/S, lon, E/W, quality,
// numSV, HDOP, alt, M, …
bool apply_gga(const nmea::Fields& f, GnssFix& fix) {
  if (f.count < 10) return false;
  int quality = 0;
  int sats = 0;
  if (!optional_time(f[1], fix.utc_time_of_day_s) || !position(f, 2, fix)) return false;
  if (!nmea::parse_uint(f[6], quality) || quality > 8) return false;
  if (!f[7].empty() && (!nmea::parse_uint(f[7], sats) || sats > 99)) return false;
  if (!optional_number(f[8], fix.hdop) || !optional_number(f[9], fix.altitude_m)) return false;
  fix.quality = quality;
  fix.satellites = sats;
  fix.valid = quality > 0 && !std::isnan(fix.lat_deg);
  return true;
}

// RMC (UBX-13003221, "RMC"): time, status A/V, lat, N/S, lon, E/W, speed kn, course, ddmmyy, …
bool apply_rmc(const nmea::Fields& f, GnssFix& fix) {
  if (f.count < 10) return false;
  if (f[2] != "A" && f[2] != "V") return false;
  double knots = 0.0;
  if (!optional_time(f[1], fix.utc_time_of_day_s) || !position(f, 3, fix)) return false;
  if (!optional_number(f[7], knots) || knots < 0.0 || !course(f[8], fix.course_deg)) {
    return false;
  }
  if (!f[9].empty() && !nmea::parse_date(f[9], fix.utc_year, fix.utc_month, fix.utc_day)) {
    return false;
  }
  fix.speed_mps = knots * kKnotToMps;
  fix.valid = f[2] == "A" && !std::isnan(fix.lat_deg);
  return true;
}

// VTG (UBX-13003221, "VTG"): course true, T, course magnetic, M, speed kn, N, speed km/h, K,
// [mode].
bool apply_vtg(const nmea::Fields& f, GnssFix& fix) {
  if (f.count < 9) return false;
  double knots = 0.0;
  double kmh = 0.0;
  if (!course(f[1], fix.course_deg) || !optional_number(f[5], knots) ||
      !optional_number(f[7], kmh)) {
    return false;
  }
  if (knots < 0.0 || kmh < 0.0) return false;
  fix.speed_mps = !std::isnan(kmh) ? kmh / 3.6 : knots * kKnotToMps;
  return true;
}

}  // namespace

double GnssFix::unix_time_s() const {
  if (!has_date() || std::isnan(utc_time_of_day_s)) return kNaN;
  return static_cast<double>(days_from_civil(utc_year, utc_month, utc_day)) * 86400.0 +
         utc_time_of_day_s;
}

std::uint8_t nmea_checksum(std::string_view body) {
  std::uint8_t x = 0;
  for (const char c : body) x ^= static_cast<std::uint8_t>(c);
  return x;
}

std::size_t NmeaParser::feed(std::string_view text, std::vector<GnssFix>& out) {
  return feed(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()), out);
}

std::size_t NmeaParser::feed(std::span<const std::uint8_t> bytes, std::vector<GnssFix>& out) {
  std::size_t produced = 0;
  for (const std::uint8_t b : bytes) {
    const bool eol = b == '\r' || b == '\n';
    if (b == '$') {
      if (state_ == State::kInSentence) ++counters_.truncated;
      state_ = State::kInSentence;
      len_ = 0;
    } else if (state_ == State::kInSentence) {
      if (eol) {
        end_sentence(out, produced);
      } else if (!printable(b)) {
        ++counters_.truncated;
        state_ = State::kIdle;
        ++counters_.garbage_bytes;
      } else if (len_ + 3 > kMaxSentenceChars) {  // '$' + body + CR LF must fit
        ++counters_.overlong;
        state_ = State::kSkipping;
      } else {
        line_[len_++] = static_cast<char>(b);
      }
    } else if (eol) {
      state_ = State::kIdle;
    } else if (state_ == State::kIdle) {
      ++counters_.garbage_bytes;
    }
  }
  return produced;
}

void NmeaParser::end_sentence(std::vector<GnssFix>& out, std::size_t& produced) {
  state_ = State::kIdle;
  const std::string_view line(line_.data(), len_);
  const std::size_t star = line.rfind('*');
  if (star == std::string_view::npos || star + 3 != line.size()) {
    ++counters_.missing_checksum;
    return;
  }
  const int hi = hex_value(line[star + 1]);
  const int lo = hex_value(line[star + 2]);
  const std::string_view body = line.substr(0, star);
  if (hi < 0 || lo < 0) {
    ++counters_.missing_checksum;
    return;
  }
  if (nmea_checksum(body) != static_cast<std::uint8_t>(hi * 16 + lo)) {
    ++counters_.bad_checksum;
    return;
  }
  if (body.size() >= 5 &&
      (body.substr(2, 3) == "GGA" || body.substr(2, 3) == "RMC" || body.substr(2, 3) == "VTG")) {
    if (!apply(body)) {
      ++counters_.malformed;
      return;
    }
    ++counters_.accepted;
    out.push_back(fix_);
    ++produced;
    return;
  }
  ++counters_.ignored;
}

bool NmeaParser::apply(std::string_view body) {
  nmea::Fields f;
  if (!nmea::split(body, f) || f[0].size() != 5) return false;
  GnssFix next = fix_;  // only a sentence that parses completely changes the state
  const std::string_view type = f[0].substr(2);
  bool ok = false;
  if (type == "GGA") {
    next.source = NmeaSentence::kGga;
    ok = apply_gga(f, next);
  } else if (type == "RMC") {
    next.source = NmeaSentence::kRmc;
    ok = apply_rmc(f, next);
  } else {
    next.source = NmeaSentence::kVtg;
    ok = apply_vtg(f, next);
  }
  if (ok) fix_ = next;
  return ok;
}

}  // namespace css::sensors

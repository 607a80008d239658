// Field decoders shared by the NMEA sentence handlers (private to css_sensors).
// Each returns false when the field is malformed or out of range; an empty field is
// reported separately so callers can tell "not known yet" from "garbage".
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace css::sensors::nmea {

inline constexpr std::size_t kMaxFields = 24;  // a sentence of 82 chars has at most ~40 commas,
                                               // but GGA/RMC/VTG use ≤ 15; extra is malformed
struct Fields {
  std::array<std::string_view, kMaxFields> f{};
  std::size_t count = 0;
  std::string_view operator[](std::size_t i) const { return i < count ? f[i] : std::string_view{}; }
};

// Splits `body` at commas; false when there are more than kMaxFields fields.
bool split(std::string_view body, Fields& out);

// Strict decimal number: digits, one optional '.', optional leading '-'; whole field used.
bool parse_number(std::string_view field, double& out);
bool parse_uint(std::string_view field, int& out);
// ddmm.mmmm / dddmm.mmmm + hemisphere letter → signed degrees.
bool parse_coordinate(std::string_view value, std::string_view hemisphere, bool is_latitude,
                      double& deg_out);
// hhmmss[.ss] → seconds of the UTC day.
bool parse_time(std::string_view field, double& seconds_out);
// ddmmyy → year, month, day (yy < 80 → 20yy, GPS began in 1980).
bool parse_date(std::string_view field, int& year, int& month, int& day);

}  // namespace css::sensors::nmea

// TimeZone: the UTC offset of a place at an instant, from the system tz database
// (/usr/share/zoneinfo/<Area/City>, Debian's tzdata; $TZDIR overrides the folder), in the
// TZif format of RFC 8536 (versions 1–4; for v2+ the 64-bit data block is read).
//
// offset_s(t): the local time type of the last transition at or before t; before the first
// transition, type 0 (RFC 8536 §3.2). After the last transition the footer's POSIX TZ string
// (RFC 8536 §3.3, POSIX.1-2017 §8.3: "CET-1CEST,M3.5.0,M10.5.0/3", "<-03>3", rules Mm.w.d, Jn
// and n, transition times -167…167 h) decides; an empty footer keeps the last type.
// Leap-second records are skipped: the offsets are for POSIX time, as Unix timestamps are.
//
// A TZif file is untrusted bytes (a corrupt or hostile file in $TZDIR): every count is checked
// against the bytes present before anything is read or allocated, type indices and string
// offsets are bounded, transitions must increase, and errors name the file and what is wrong.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "css/core/result.hpp"

namespace css::geo {

class TimeZone {
 public:
  // `source` names the bytes in errors (the file path).
  static Result<TimeZone> parse(std::string_view tzif, std::string_view source);
  // `name` an IANA zone such as "America/Sao_Paulo"; kNotFound when the database lacks it.
  static Result<TimeZone> load(std::string_view name, const std::filesystem::path& zoneinfo_dir);
  static TimeZone fixed(std::int32_t offset_s, std::string name);

  // Local = UTC + offset_s(t), seconds.
  std::int32_t offset_s(std::int64_t unix_s) const;
  // The UTC instant of a local wall-clock time (seconds counted as if local were UTC). In a gap
  // (spring forward) the instant after it; a repeated hour (fall back) gives the earlier one.
  std::int64_t to_utc(std::int64_t local_s) const;
  const std::string& name() const { return name_; }

  // The POSIX TZ rule of a footer; public for the tests and the fuzz target.
  struct Rule {
    enum class Kind { kJulian1, kJulian0, kMonthWeekDay } kind = Kind::kMonthWeekDay;
    int day = 0, week = 0, month = 0;  // Jn: day; n: day; Mm.w.d: month, week, day (0 = Sun)
    std::int32_t time_s = 7200;        // local time of the change, default 02:00
  };
  struct Posix {
    std::int32_t std_offset_s = 0;  // east of UTC, as offset_s()
    std::optional<std::int32_t> dst_offset_s;
    Rule start, end;  // only with dst_offset_s
  };
  static Result<Posix> parse_posix(std::string_view tz);
  static std::int32_t posix_offset_s(const Posix& p, std::int64_t unix_s);

 private:
  std::string name_;
  std::vector<std::int64_t> transitions_;  // UTC s, strictly increasing
  std::vector<std::uint8_t> type_of_;      // per transition: index into offsets_
  std::vector<std::int32_t> offsets_;      // per local time type
  std::optional<Posix> footer_;
};

// $TZDIR when set, else /usr/share/zoneinfo.
std::filesystem::path default_zoneinfo_dir();

}  // namespace css::geo

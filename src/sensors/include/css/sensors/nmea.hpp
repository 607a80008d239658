// NMEA 0183 streaming parser for u-blox GNSS receivers (GGA, RMC, VTG).
//
// Contract:
//  - feed() takes any byte chunk (a sentence may be split across chunks, chunks may hold
//    garbage, several sentences, binary UBX traffic) and appends one GnssFix per accepted
//    sentence. It never throws and never reads past the chunk; state between calls is one
//    fixed-size line buffer, so memory is bounded whatever the input.
//  - A sentence is accepted only when it starts with '$', ends with CR or LF, is at most
//    kMaxSentenceChars long (NMEA 0183: at most 82 characters including "$" and CR LF),
//    has a "*hh" checksum equal to the XOR of every character between '$' and '*'
//    (NMEA 0183; u-blox M8 receiver description UBX-13003221, "NMEA protocol"), and its
//    fields parse. Everything else is counted in NmeaCounters, never returned.
//  - Sentences other than GGA/RMC/VTG with a good checksum are counted as `ignored`.
//  - The fix is merged across sentences: GGA gives position, quality, satellites, HDOP and
//    altitude; RMC gives position, date, speed and course; VTG gives speed and course. Each
//    returned GnssFix is the merged state right after that sentence (`source` names it).
// Units: degrees WGS-84 (south and west negative), m/s, degrees clockwise from true north,
// metres above mean sea level, seconds UTC.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string_view>
#include <vector>

namespace css::sensors {

inline constexpr std::size_t kMaxSentenceChars = 82;  // NMEA 0183 limit, incl. '$' and CR LF

enum class NmeaSentence : std::uint8_t { kGga, kRmc, kVtg };

struct GnssFix {
  static constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  NmeaSentence source = NmeaSentence::kGga;
  double utc_time_of_day_s = kNaN;  // s since 00:00 UTC (hhmmss.ss); NaN until known
  int utc_year = 0;                 // from RMC ddmmyy (years 80–99 → 19xx); 0 until known
  int utc_month = 0;
  int utc_day = 0;
  double lat_deg = kNaN;  // NaN when the last position sentence had none
  double lon_deg = kNaN;
  bool valid = false;  // GGA quality > 0, or RMC status 'A'
  int quality = 0;     // GGA fix quality: 0 none, 1 GNSS, 2 DGNSS, 4 RTK fixed, 5 RTK float, 6 DR
  int satellites = 0;  // GGA satellites used
  double hdop = kNaN;  // GGA horizontal dilution of precision
  double altitude_m = kNaN;
  double speed_mps = kNaN;   // RMC/VTG speed over ground
  double course_deg = kNaN;  // RMC/VTG course over ground, true, [0, 360)

  bool has_date() const { return utc_year != 0; }
  // Seconds since 1970-01-01 UTC; NaN until both date (RMC) and time are known.
  double unix_time_s() const;
};

struct NmeaCounters {
  std::uint64_t accepted = 0;          // GGA/RMC/VTG sentences turned into fixes
  std::uint64_t ignored = 0;           // well-formed sentences of other types (GSV, GSA, …)
  std::uint64_t bad_checksum = 0;      // "*hh" present but not the XOR of the body
  std::uint64_t missing_checksum = 0;  // no "*hh" at the end
  std::uint64_t overlong = 0;          // longer than kMaxSentenceChars before a line end
  std::uint64_t truncated = 0;         // a new '$' or a non-printable byte inside a sentence
  std::uint64_t malformed = 0;         // checksum fine, a field does not parse or is out of range
  std::uint64_t garbage_bytes = 0;     // bytes outside any sentence (CR/LF not counted)

  std::uint64_t rejected() const {
    return bad_checksum + missing_checksum + overlong + truncated + malformed;
  }
};

class NmeaParser {
 public:
  // Appends one fix per accepted sentence to `out`; returns how many were appended.
  std::size_t feed(std::span<const std::uint8_t> bytes, std::vector<GnssFix>& out);
  std::size_t feed(std::string_view text, std::vector<GnssFix>& out);

  const NmeaCounters& counters() const { return counters_; }
  const GnssFix& last_fix() const { return fix_; }

 private:
  enum class State : std::uint8_t { kIdle, kInSentence, kSkipping };
  void end_sentence(std::vector<GnssFix>& out, std::size_t& produced);
  bool apply(std::string_view body);  // body: between '$' and '*'

  State state_ = State::kIdle;
  std::array<char, kMaxSentenceChars> line_{};
  std::size_t len_ = 0;
  GnssFix fix_;
  NmeaCounters counters_;
};

// XOR of the characters of `body` (the text between '$' and '*').
std::uint8_t nmea_checksum(std::string_view body);

}  // namespace css::sensors

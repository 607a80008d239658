// TZif reader (RFC 8536) and POSIX TZ footer rules (time_zone.hpp). Written from the RFC's
// text; the calendar arithmetic counts leap years directly.
#include "css/geo/time_zone.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace css::geo {
namespace {

constexpr std::uint64_t kMaxFileBytes = 1u << 20;                // real files are a few KiB
constexpr std::int32_t kMinOffset = -89999, kMaxOffset = 93599;  // RFC 8536 §3.2
constexpr std::int64_t kMaxPosixT = 1'000'000'000'000;  // ±31 700 years: no overflow below

Error bad(std::string_view source, const std::string& what) {
  return make_error(ErrorCode::kParse, "time zone file '" + std::string(source) + "': " + what);
}

// Big-endian reads from a bounds-checked cursor.
struct Cursor {
  std::string_view bytes;
  std::size_t at = 0;
  bool has(std::uint64_t n) const { return n <= bytes.size() - at; }
  std::uint32_t u32() {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<std::uint8_t>(bytes[at++]);
    return v;
  }
  std::int64_t time(int size) {
    if (size == 4) return static_cast<std::int32_t>(u32());
    const std::uint64_t hi = u32(), lo = u32();
    return static_cast<std::int64_t>((hi << 32) | lo);
  }
  std::uint8_t u8() { return static_cast<std::uint8_t>(bytes[at++]); }
};

struct Header {
  char version = 0;
  std::uint32_t isutcnt = 0, isstdcnt = 0, leapcnt = 0, timecnt = 0, typecnt = 0, charcnt = 0;
  std::uint64_t block_bytes(int time_size) const {
    return std::uint64_t{timecnt} * (time_size + 1u) + std::uint64_t{typecnt} * 6u + charcnt +
           std::uint64_t{leapcnt} * (time_size + 4u) + isstdcnt + isutcnt;
  }
};

Result<Header> read_header(Cursor& c, std::string_view source) {
  if (!c.has(44))
    return bad(source, "truncated header (" + std::to_string(c.bytes.size()) + " bytes)");
  if (c.bytes.substr(c.at, 4) != "TZif") return bad(source, "not a TZif file (no 'TZif' magic)");
  Header h;
  h.version = c.bytes[c.at + 4];
  if (h.version != 0 && (h.version < '2' || h.version > '4'))
    return bad(source, "unknown TZif version byte " + std::to_string(static_cast<int>(h.version)));
  c.at += 20;
  for (auto* n : {&h.isutcnt, &h.isstdcnt, &h.leapcnt, &h.timecnt, &h.typecnt, &h.charcnt})
    *n = c.u32();
  if (h.typecnt == 0 || h.typecnt > 256)
    return bad(source, "typecnt " + std::to_string(h.typecnt) + ", expected 1–256");
  if (h.charcnt == 0) return bad(source, "charcnt is 0");
  if ((h.isutcnt != 0 && h.isutcnt != h.typecnt) || (h.isstdcnt != 0 && h.isstdcnt != h.typecnt))
    return bad(source, "isutcnt/isstdcnt must be 0 or typecnt");
  return h;
}

struct Block {
  std::vector<std::int64_t> transitions;
  std::vector<std::uint8_t> type_of;
  std::vector<std::int32_t> offsets;
};

Result<Block> read_block(Cursor& c, const Header& h, int time_size, std::string_view source) {
  if (!c.has(h.block_bytes(time_size))) return bad(source, "truncated data block");
  Block b;
  b.transitions.reserve(h.timecnt);
  for (std::uint32_t i = 0; i < h.timecnt; ++i) {
    b.transitions.push_back(c.time(time_size));
    if (i > 0 && b.transitions[i] <= b.transitions[i - 1])
      return bad(source, "transition times not increasing at index " + std::to_string(i));
  }
  for (std::uint32_t i = 0; i < h.timecnt; ++i) {
    b.type_of.push_back(c.u8());
    if (b.type_of.back() >= h.typecnt)
      return bad(source, "transition " + std::to_string(i) + " names type " +
                             std::to_string(b.type_of.back()) + " of " + std::to_string(h.typecnt));
  }
  for (std::uint32_t i = 0; i < h.typecnt; ++i) {
    const auto utoff = static_cast<std::int32_t>(c.u32());
    const std::uint8_t isdst = c.u8(), desigidx = c.u8();
    if (utoff < kMinOffset || utoff > kMaxOffset)
      return bad(source, "type " + std::to_string(i) + ": UT offset " + std::to_string(utoff) +
                             " s out of range");
    if (isdst > 1 || desigidx >= h.charcnt)
      return bad(source, "type " + std::to_string(i) + ": bad isdst or designation index");
    b.offsets.push_back(utoff);
  }
  c.at += h.charcnt + std::uint64_t{h.leapcnt} * (time_size + 4u) + h.isstdcnt + h.isutcnt;
  return b;
}

// ---- calendar ----

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

bool leap(std::int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

std::int64_t leap_years_before(std::int64_t y) {  // in the years [1, y)
  const std::int64_t p = y - 1;
  return floor_div(p, 4) - floor_div(p, 100) + floor_div(p, 400);
}

std::int64_t days_to_year(std::int64_t y) {  // days from 1970-01-01 to y-01-01
  return 365 * (y - 1970) + leap_years_before(y) - leap_years_before(1970);
}

constexpr int kMonthStart[13] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365};

std::int64_t days_to_month(std::int64_t y, int m) {  // m 1..12
  return days_to_year(y) + kMonthStart[m - 1] + (m > 2 && leap(y) ? 1 : 0);
}

std::int64_t year_of_day(std::int64_t day) {
  // At or before the true year (a year has 365 or 366 days), then forward.
  std::int64_t y = 1970 + (day >= 0 ? day / 366 : floor_div(day, 365)) - 1;
  while (days_to_year(y + 1) <= day) ++y;
  return y;
}

std::int64_t rule_day(std::int64_t y, const TimeZone::Rule& r) {
  using K = TimeZone::Rule::Kind;
  if (r.kind == K::kJulian1) return days_to_year(y) + r.day - 1 + (leap(y) && r.day >= 60 ? 1 : 0);
  if (r.kind == K::kJulian0) return days_to_year(y) + r.day;
  const std::int64_t first = days_to_month(y, r.month);
  const std::int64_t next = r.month == 12 ? days_to_year(y + 1) : days_to_month(y, r.month + 1);
  const auto weekday = static_cast<int>(((first + 4) % 7 + 7) % 7);  // 1970-01-01: Thursday
  std::int64_t day = first + (r.day - weekday + 7) % 7 + 7 * (r.week - 1);
  while (day >= next) day -= 7;  // week 5 = the last such day of the month
  return day;
}

// ---- POSIX TZ strings ----

struct Text {
  std::string_view s;
  std::size_t at = 0;
  bool done() const { return at >= s.size(); }
  char peek() const { return done() ? '\0' : s[at]; }
  bool eat(char ch) {
    if (peek() != ch) return false;
    ++at;
    return true;
  }
  std::optional<int> number(int max_digits) {
    int v = 0, n = 0;
    while (n < max_digits && std::isdigit(static_cast<unsigned char>(peek())))
      v = v * 10 + (s[at++] - '0'), ++n;
    if (n == 0) return std::nullopt;
    return v;
  }
};

bool zone_abbreviation(Text& t) {
  if (t.eat('<')) {
    const std::size_t from = t.at;
    while (!t.done() && t.peek() != '>') {
      const char ch = t.peek();
      if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '+' && ch != '-') return false;
      ++t.at;
    }
    return t.at - from >= 3 && t.eat('>');
  }
  const std::size_t from = t.at;
  while (std::isalpha(static_cast<unsigned char>(t.peek()))) ++t.at;
  return t.at - from >= 3;
}

// [+-]hh[:mm[:ss]] with hh <= max_h; seconds, sign applied.
std::optional<std::int32_t> hms(Text& t, int max_h) {
  int sign = 1;
  if (t.eat('-'))
    sign = -1;
  else
    t.eat('+');
  const auto h = t.number(3);
  if (!h || *h > max_h) return std::nullopt;
  std::int32_t v = *h * 3600;
  if (t.eat(':')) {
    const auto m = t.number(2);
    if (!m || *m > 59) return std::nullopt;
    v += *m * 60;
    if (t.eat(':')) {
      const auto sec = t.number(2);
      if (!sec || *sec > 59) return std::nullopt;
      v += *sec;
    }
  }
  return sign * v;
}

std::optional<TimeZone::Rule> rule(Text& t) {
  using K = TimeZone::Rule::Kind;
  TimeZone::Rule r;
  if (t.eat('J')) {
    const auto d = t.number(3);
    if (!d || *d < 1 || *d > 365) return std::nullopt;
    r.kind = K::kJulian1, r.day = *d;
  } else if (t.eat('M')) {
    const auto m = t.number(2);
    if (!m || *m < 1 || *m > 12 || !t.eat('.')) return std::nullopt;
    const auto w = t.number(1);
    if (!w || *w < 1 || *w > 5 || !t.eat('.')) return std::nullopt;
    const auto d = t.number(1);
    if (!d || *d > 6) return std::nullopt;
    r.kind = K::kMonthWeekDay, r.month = *m, r.week = *w, r.day = *d;
  } else {
    const auto d = t.number(3);
    if (!d || *d > 365) return std::nullopt;
    r.kind = K::kJulian0, r.day = *d;
  }
  if (t.eat('/')) {
    const auto s = hms(t, 167);  // RFC 8536 §3.3.1 extends POSIX's 0–24 h
    if (!s) return std::nullopt;
    r.time_s = *s;
  }
  return r;
}

}  // namespace

Result<TimeZone::Posix> TimeZone::parse_posix(std::string_view tz) {
  const auto fail = [&](const char* what) {
    return make_error(ErrorCode::kParse,
                      "TZ string '" + std::string(tz.substr(0, 64)) + "': " + what);
  };
  Text t{tz};
  Posix p;
  if (!zone_abbreviation(t)) return fail("expected a zone abbreviation");
  const auto std_off = hms(t, 24);
  if (!std_off) return fail("expected the standard offset");
  p.std_offset_s = -*std_off;  // POSIX counts west of Greenwich as positive
  if (t.done()) return p;
  if (!zone_abbreviation(t)) return fail("expected the DST abbreviation");
  p.dst_offset_s = p.std_offset_s + 3600;
  if (!t.done() && t.peek() != ',') {
    const auto dst_off = hms(t, 24);
    if (!dst_off) return fail("expected the DST offset");
    p.dst_offset_s = -*dst_off;
  }
  if (!t.eat(',')) return fail("DST without start and end rules");
  const auto start = rule(t);
  if (!start || !t.eat(',')) return fail("bad DST start rule");
  const auto end = rule(t);
  if (!end) return fail("bad DST end rule");
  if (!t.done()) return fail("trailing characters");
  p.start = *start, p.end = *end;
  return p;
}

std::int32_t TimeZone::posix_offset_s(const Posix& p, std::int64_t unix_s) {
  if (!p.dst_offset_s) return p.std_offset_s;
  const std::int64_t t = std::clamp(unix_s, -kMaxPosixT, kMaxPosixT);
  const std::int64_t y = year_of_day(floor_div(t + p.std_offset_s, 86400));
  // The start is given in standard time, the end in daylight time.
  const std::int64_t start = rule_day(y, p.start) * 86400 + p.start.time_s - p.std_offset_s;
  const std::int64_t end = rule_day(y, p.end) * 86400 + p.end.time_s - *p.dst_offset_s;
  const bool dst = start < end ? (t >= start && t < end) : !(t >= end && t < start);
  return dst ? *p.dst_offset_s : p.std_offset_s;
}

Result<TimeZone> TimeZone::parse(std::string_view tzif, std::string_view source) {
  if (tzif.size() > kMaxFileBytes) return bad(source, "larger than 1 MiB");
  Cursor c{tzif};
  auto h = read_header(c, source);
  if (!h) return h.error();
  int time_size = 4;
  if (h->version != 0) {  // skip the 32-bit block; the 64-bit header and block follow
    if (!c.has(h->block_bytes(4))) return bad(source, "truncated version 1 data block");
    c.at += h->block_bytes(4);
    h = read_header(c, source);
    if (!h) return h.error();
    time_size = 8;
  }
  auto b = read_block(c, *h, time_size, source);
  if (!b) return b.error();
  TimeZone z;
  z.name_ = std::string(source);
  z.transitions_ = std::move(b->transitions);
  z.type_of_ = std::move(b->type_of);
  z.offsets_ = std::move(b->offsets);
  if (time_size == 8) {
    const std::string_view rest = tzif.substr(c.at);
    const auto nl = rest.size() < 2 ? std::string_view::npos : rest.find('\n', 1);
    if (rest.empty() || rest[0] != '\n' || nl == std::string_view::npos)
      return bad(source, "missing the footer (a TZ string between newlines)");
    if (nl > 1) {
      auto p = parse_posix(rest.substr(1, nl - 1));
      if (!p) return bad(source, "footer " + p.error().message);
      z.footer_ = *p;
    }
  }
  return z;
}

Result<TimeZone> TimeZone::load(std::string_view name, const std::filesystem::path& dir) {
  const bool plain = !name.empty() && name.size() <= 128 && name.front() != '/' &&
                     name.find("..") == std::string_view::npos &&
                     std::all_of(name.begin(), name.end(), [](char ch) {
                       return std::isalnum(static_cast<unsigned char>(ch)) || ch == '/' ||
                              ch == '_' || ch == '-' || ch == '+';
                     });
  if (!plain)
    return make_error(ErrorCode::kInvalidArgument, "time zone '" + std::string(name) +
                                                       "': expected an IANA name such as "
                                                       "America/Sao_Paulo");
  const auto path = dir / std::string(name);
  std::ifstream in(path, std::ios::binary);
  std::error_code ec;
  if (!in || !std::filesystem::is_regular_file(path, ec))
    return make_error(ErrorCode::kNotFound, "time zone '" + std::string(name) + "': '" +
                                                path.string() + "' not found (Debian: tzdata)");
  std::ostringstream ss;
  ss << in.rdbuf();
  auto z = parse(ss.str(), path.string());
  if (z) z->name_ = std::string(name);
  return z;
}

TimeZone TimeZone::fixed(std::int32_t offset_s, std::string name) {
  TimeZone z;
  z.name_ = std::move(name);
  z.offsets_ = {offset_s};
  return z;
}

std::int32_t TimeZone::offset_s(std::int64_t unix_s) const {
  if (transitions_.empty() || unix_s < transitions_.front())
    return transitions_.empty() && footer_ ? posix_offset_s(*footer_, unix_s) : offsets_.front();
  if (unix_s >= transitions_.back() && footer_) return posix_offset_s(*footer_, unix_s);
  const auto it = std::upper_bound(transitions_.begin(), transitions_.end(), unix_s);
  return offsets_[type_of_[static_cast<std::size_t>(it - transitions_.begin()) - 1]];
}

std::int64_t TimeZone::to_utc(std::int64_t local_s) const {
  // Offsets change at most once within a day (every zone since 1900): the offsets a day on
  // either side are the only candidates.
  local_s = std::clamp(local_s, -kMaxPosixT, kMaxPosixT);
  const std::int32_t before = offset_s(local_s - 86400), after = offset_s(local_s + 86400);
  std::optional<std::int64_t> best;
  for (const std::int32_t o : {before, after}) {
    const std::int64_t t = local_s - o;
    if (offset_s(t) == o && (!best || t < *best)) best = t;
  }
  return best ? *best : local_s - before;  // in a gap: the instant after it
}

std::filesystem::path default_zoneinfo_dir() {
  if (const char* d = std::getenv("TZDIR"); d != nullptr && *d != '\0') return d;
  return "/usr/share/zoneinfo";
}

}  // namespace css::geo

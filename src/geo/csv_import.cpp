// CSV → events (csv_import.hpp).
#include "css/geo/csv_import.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>

namespace css::geo {
namespace {

Error bad(std::size_t line, std::string_view what) {
  return make_error(ErrorCode::kInvalidArgument,
                    "CSV line " + std::to_string(line) + ": " + std::string(what));
}

// One record (RFC 4180): fields split on `sep`, quotes doubled inside quoted fields; a
// quoted field may span lines. `pos` advances past the record; `line` counts newlines.
Result<std::vector<std::string>> next_record(std::string_view t, std::size_t& pos, char sep,
                                             std::size_t& line) {
  std::vector<std::string> f(1);
  bool quoted = false;
  const std::size_t start_line = line;
  while (pos < t.size()) {
    const char c = t[pos++];
    if (quoted) {
      if (c == '"' && pos < t.size() && t[pos] == '"') {
        f.back() += '"', ++pos;
      } else if (c == '"') {
        quoted = false;
      } else {
        if (c == '\n') ++line;
        f.back() += c;
      }
    } else if (c == '"' && f.back().empty()) {
      quoted = true;
    } else if (c == sep) {
      f.emplace_back();
    } else if (c == '\n') {
      ++line;
      break;
    } else if (c != '\r') {
      f.back() += c;
    }
  }
  if (quoted) return bad(start_line, "unterminated quoted field");
  return f;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<double> to_double(std::string_view s, bool decimal_comma) {
  std::string tmp(trim(s));
  if (decimal_comma)
    for (char& c : tmp)
      if (c == ',') c = '.';
  double v = 0;
  const char* b = tmp.data();
  if (!tmp.empty() && tmp[0] == '+') ++b;
  auto [p, ec] = std::from_chars(b, tmp.data() + tmp.size(), v);
  if (ec != std::errc() || p != tmp.data() + tmp.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<int> digits(std::string_view s, std::size_t at, std::size_t n) {
  if (at + n > s.size()) return std::nullopt;
  int v = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

// Days since 1970-01-01 of a civil date (H. Hinnant, "chrono-Compatible Low-Level Date
// Algorithms", days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool valid_date(int y, int m, int d) {
  static constexpr std::array<int, 12> kDays = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1970 || y > 2099 || m < 1 || m > 12 || d < 1) return false;
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= kDays[static_cast<std::size_t>(m - 1)] && !(m == 2 && d == 29 && !leap);
}

// "HH:MM[:SS[.fff]]" then an optional zone "Z", "±HH[:]MM"; nullopt if malformed.
std::optional<std::pair<double, std::optional<double>>> clock_and_zone(std::string_view s) {
  auto hh = digits(s, 0, 2), mm = digits(s, 3, 2);
  if (!hh || !mm || s.size() < 5 || s[2] != ':' || *hh > 23 || *mm > 59) return std::nullopt;
  double sec = 0;
  std::size_t i = 5;
  if (i < s.size() && s[i] == ':') {
    auto ss = digits(s, 6, 2);
    if (!ss || *ss > 60) return std::nullopt;
    sec = *ss, i = 8;
    if (i < s.size() && s[i] == '.') {
      double scale = 0.1;
      for (++i; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, scale /= 10)
        sec += (s[i] - '0') * scale;
    }
  }
  const double clock = *hh * 3600.0 + *mm * 60.0 + sec;
  const std::string_view z = trim(s.substr(i));
  if (z.empty()) return std::make_pair(clock, std::optional<double>());
  if (z == "Z") return std::make_pair(clock, std::optional<double>(0.0));
  if (z[0] != '+' && z[0] != '-') return std::nullopt;
  auto zh = digits(z, 1, 2);
  auto zm = z.size() == 6 && z[3] == ':'
                ? digits(z, 4, 2)
                : (z.size() == 5 ? digits(z, 3, 2)
                                 : (z.size() == 3 ? std::optional<int>(0) : std::nullopt));
  if (!zh || !zm || *zh > 14 || *zm > 59) return std::nullopt;
  return std::make_pair(clock, std::optional<double>((z[0] == '-' ? -1 : 1) * (*zh + *zm / 60.0)));
}

}  // namespace

Result<double> parse_time_text(std::string_view text, double off_h) {
  const std::string_view s = trim(text);
  auto fail = [&] {
    return make_error(
        ErrorCode::kInvalidArgument,
        "time '" + std::string(s.substr(0, 64)) +
            "': expected Unix seconds, ISO 8601 (2024-05-17T14:03:00Z) or 17/05/2024 14:03");
  };
  if (auto v = to_double(s, false)) {
    if (*v < 0 || *v > kMaxEventTimestampS) return fail();
    return *v;
  }
  int y = 0, m = 0, d = 0;
  std::size_t rest = 10;
  if (s.size() >= 10 && s[4] == '-' && s[7] == '-') {
    auto a = digits(s, 0, 4), b = digits(s, 5, 2), c = digits(s, 8, 2);
    if (!a || !b || !c) return fail();
    y = *a, m = *b, d = *c;
  } else if (s.size() >= 10 && s[2] == '/' && s[5] == '/') {
    auto a = digits(s, 0, 2), b = digits(s, 3, 2), c = digits(s, 6, 4);
    if (!a || !b || !c) return fail();
    d = *a, m = *b, y = *c;
  } else {
    return fail();
  }
  if (!valid_date(y, m, d)) return fail();
  double clock = 0;
  std::optional<double> zone;
  if (s.size() > rest) {
    if (s[rest] != 'T' && s[rest] != ' ') return fail();
    auto cz = clock_and_zone(s.substr(rest + 1));
    if (!cz) return fail();
    clock = cz->first, zone = cz->second;
  }
  const double t =
      static_cast<double>(days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d))) *
          86400.0 +
      clock - zone.value_or(off_h) * 3600.0;
  if (t < 0 || t > kMaxEventTimestampS) return fail();
  return t;
}

Result<double> parse_time_text(std::string_view text, const City& city) {
  auto at_utc = parse_time_text(text, 0.0);
  if (!at_utc) return at_utc;
  // A text with its own zone (or Unix seconds) does not move with the assumed offset.
  auto shifted = parse_time_text(text, 1.0);
  if (shifted && *shifted == *at_utc) return at_utc;
  return city.to_utc(*at_utc);
}

Result<CsvImport> import_events_csv(std::string_view text, const CsvImportOptions& o) {
  if (text.size() > kMaxCsvBytes)
    return make_error(ErrorCode::kInvalidArgument, "CSV larger than 2 GiB");
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // UTF-8 byte-order mark
  const std::string_view first = text.substr(0, text.find('\n'));
  const char sep =
      first.find(';') != std::string_view::npos && first.find(',') == std::string_view::npos ? ';'
                                                                                             : ',';
  std::size_t pos = 0, line = 1;
  auto header = next_record(text, pos, sep, line);
  if (!header) return header.error();
  auto column = [&](const std::string& name, const char* flag) -> Result<std::size_t> {
    for (std::size_t i = 0; i < header->size(); ++i)
      if (trim((*header)[i]) == name) return i;
    return make_error(ErrorCode::kInvalidArgument,
                      std::string(flag) + ": no column '" + name + "' in the CSV header");
  };
  auto lat_i = column(o.lat_col, "--lat-col");
  if (!lat_i) return lat_i.error();
  auto lon_i = column(o.lon_col, "--lon-col");
  if (!lon_i) return lon_i.error();
  auto t_i = column(o.time_col, "--time-col");
  if (!t_i) return t_i.error();
  CsvImport out;
  while (pos < text.size()) {
    const std::size_t row_line = line, row_begin = pos;
    auto rec = next_record(text, pos, sep, line);
    if (!rec) return rec.error();
    if (rec->size() == 1 && trim((*rec)[0]).empty()) continue;  // blank line
    ++out.rows;
    const std::size_t need = std::max({*lat_i, *lon_i, *t_i}) + 1;
    if (rec->size() < need)
      return bad(row_line, "expected at least " + std::to_string(need) + " fields, got " +
                               std::to_string(rec->size()));
    const std::string_view lat_s = trim((*rec)[*lat_i]), lon_s = trim((*rec)[*lon_i]);
    if (lat_s.empty() || lon_s.empty()) {
      ++out.skipped_no_position;
      continue;
    }
    const auto lat = to_double(lat_s, sep == ';'), lon = to_double(lon_s, sep == ';');
    if (!lat || *lat < -90 || *lat > 90)
      return bad(row_line, "column '" + o.lat_col + "': '" + std::string(lat_s.substr(0, 64)) +
                               "' is not a latitude in [-90, 90]");
    if (!lon || *lon < -180 || *lon > 180)
      return bad(row_line, "column '" + o.lon_col + "': '" + std::string(lon_s.substr(0, 64)) +
                               "' is not a longitude in [-180, 180]");
    auto t = o.city ? parse_time_text((*rec)[*t_i], *o.city)
                    : parse_time_text((*rec)[*t_i], o.utc_offset_h);
    if (!t) return bad(row_line, "column '" + o.time_col + "': " + t.error().message);
    // FNV-1a over the row's bytes and line number, twice with different bases: a stable id.
    std::array<std::uint8_t, 16> id{};
    std::uint64_t h1 = 0xcbf29ce484222325ULL ^ row_line, h2 = 0x84222325cbf29ce4ULL + row_line;
    for (std::size_t i = row_begin; i < pos; ++i) {
      h1 = (h1 ^ static_cast<std::uint8_t>(text[i])) * 0x100000001b3ULL;
      h2 = (h2 ^ static_cast<std::uint8_t>(text[i])) * 0x100000001b3ULL + 1;
    }
    for (int i = 0; i < 8; ++i)
      id[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(h1 >> (8 * i)),
      id[static_cast<std::size_t>(8 + i)] = static_cast<std::uint8_t>(h2 >> (8 * i));
    Event e;
    e.id = make_uuid_v4(id);
    e.device = o.device;
    e.seq = row_line;
    e.timestamp = *t;
    e.event = o.kind;
    e.probability = 1.0;
    e.lat = *lat, e.lon = *lon;
    e.model = kImportedModel;
    if (auto st = validate_event(e); !st) return bad(row_line, st.error().message);
    out.events.push_back(std::move(e));
  }
  return out;
}

}  // namespace css::geo

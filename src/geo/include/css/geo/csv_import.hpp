// Import of existing incident tables (e.g. open police data) as css::Event JSON lines, so
// analysts map them with the same tools. The CSV is untrusted: RFC 4180 quoting, ',' or ';'
// (detected from the header line), a decimal comma accepted in ';' files; columns chosen by
// header name. Times: Unix seconds, ISO 8601 ("2024-05-17T14:03:00Z", "2024-05-17 14:03",
// an offset "+02:00"/"-0300", or a date alone) or day-first "17/05/2024 14:03[:00]"; times
// without a zone are local: wall-clock time in `city`'s time zone when set (daylight saving
// time counts, City::to_utc; its fixed utc_offset_h when the tz database lacks the zone), else
// at the fixed `utc_offset_h`.
// Rows with an empty latitude or longitude are skipped and counted (open data often lacks
// them); any other bad cell is an error naming the line, the column and the value.
// Each event id is a UUID derived from the row's text and line number (re-importing the same
// file gives the same ids, so a store deduplicates it); device = `device`, seq = line number,
// probability 1, vector 0, model = "sha256:" + 64 zeros (kImportedModel: no model fired).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "css/core/event.hpp"
#include "css/core/result.hpp"
#include "css/geo/city.hpp"

namespace css::geo {

struct CsvImportOptions {
  std::string lat_col, lon_col, time_col;
  EventKind kind = EventKind::kSuddenDisplacement;
  std::string device = "import";
  double utc_offset_h = 0.0;
  std::optional<City> city;  // when set, decides zone-less times instead of utc_offset_h
};

struct CsvImport {
  std::vector<Event> events;
  std::size_t rows = 0, skipped_no_position = 0;
};

inline constexpr const char* kImportedModel =
    "sha256:0000000000000000000000000000000000000000000000000000000000000000";
inline constexpr std::size_t kMaxCsvBytes = std::size_t{1} << 31;

Result<CsvImport> import_events_csv(std::string_view text, const CsvImportOptions& options);

// Parses one time cell as described above; exposed for tests.
Result<double> parse_time_text(std::string_view text, double utc_offset_h);
// The same, a time without a zone being local wall-clock time in the city's zone (City::to_utc:
// daylight saving time counts).
Result<double> parse_time_text(std::string_view text, const City& city);

}  // namespace css::geo

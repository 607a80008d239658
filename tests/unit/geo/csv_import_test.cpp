// CSV import: separators, quoting, times, skipped rows and errors.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "css/geo/csv_import.hpp"

namespace css::geo {
namespace {

CsvImportOptions opts() {
  CsvImportOptions o;
  o.lat_col = "lat";
  o.lon_col = "lon";
  o.time_col = "when";
  return o;
}

TEST(CsvImport, CommaFileWithQuotesAndBlankPositions) {
  const std::string csv =
      "id,lat,lon,when,note\n"
      "1,-23.55,-46.63,2024-05-17T14:03:00Z,\"a, b\"\n"
      "2,,-46.63,2024-05-17T14:03:00Z,no position\n"
      "3,-23.56,-46.64,1715954580,\"multi\nline\"\n";
  auto r = import_events_csv(csv, opts());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->rows, 3u);
  EXPECT_EQ(r->skipped_no_position, 1u);
  ASSERT_EQ(r->events.size(), 2u);
  EXPECT_EQ(r->events[0].timestamp, 1715954580.0);
  EXPECT_EQ(r->events[1].timestamp, 1715954580.0);
  EXPECT_EQ(*r->events[0].lat, -23.55);
  for (const auto& e : r->events) EXPECT_TRUE(validate_event(e).ok());
  // Ids are stable across imports and distinct between rows.
  EXPECT_EQ(import_events_csv(csv, opts())->events[0].id, r->events[0].id);
  EXPECT_NE(r->events[0].id, r->events[1].id);
}

TEST(CsvImport, SemicolonFileWithDecimalCommaAndLocalTimes) {
  CsvImportOptions o = opts();
  o.utc_offset_h = -3;
  const std::string csv = "\xEF\xBB\xBFlat;lon;when\n-23,55;-46,63;17/05/2024 11:03\n";
  auto r = import_events_csv(csv, o);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->events.size(), 1u);
  EXPECT_EQ(*r->events[0].lat, -23.55);
  EXPECT_EQ(r->events[0].timestamp, 1715954580.0);  // 11:03 local (UTC−3) = 14:03Z
}

// Issue 17: zone-less times follow the city's tz database zone, not a fixed offset. São Paulo
// kept daylight saving time until 2019: 10:00 on 2018-11-15 is UTC−2 (12:00Z), the same wall
// clock on 2026-11-15 is UTC−3 (13:00Z); a time with its own zone or Unix seconds is kept.
// Without the zone in the database the city's fixed utc_offset_h (−3) is used for both.
TEST(CsvImport, LocalTimesInTheCitysTimeZone) {
  const std::vector<std::filesystem::path> dirs = {std::string(CSS_SOURCE_DIR) + "/cities"};
  const std::string csv =
      "lat;lon;when\n"
      "-23,55;-46,63;15/11/2018 10:00\n"
      "-23,55;-46,63;2026-11-15 10:00\n"
      "-23,55;-46,63;2018-11-15T10:00:00Z\n"
      "-23,55;-46,63;1542283200\n";
  auto city = find_city("sao-paulo", dirs, "/usr/share/zoneinfo");
  ASSERT_TRUE(city.ok()) << city.error().message;
  ASSERT_TRUE(city->zone.has_value());
  CsvImportOptions o = opts();
  o.utc_offset_h = 5;  // ignored once a city is given
  o.city = *city;
  auto r = import_events_csv(csv, o);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->events.size(), 4u);
  EXPECT_EQ(r->events[0].timestamp, 1542283200.0);  // 2018-11-15T12:00:00Z
  EXPECT_EQ(r->events[1].timestamp, 1794747600.0);  // 2026-11-15T13:00:00Z
  EXPECT_EQ(r->events[2].timestamp, 1542276000.0);  // its own zone: 10:00Z
  EXPECT_EQ(r->events[3].timestamp, 1542283200.0);

  const auto empty =
      std::filesystem::temp_directory_path() / ("css-csv-tz-empty-" + std::to_string(::getpid()));
  std::filesystem::create_directories(empty / "America");
  auto fixed = find_city("sao-paulo", dirs, empty);
  std::filesystem::remove_all(empty);
  ASSERT_TRUE(fixed.ok()) << fixed.error().message;
  ASSERT_FALSE(fixed->zone.has_value());
  o.city = *fixed;
  r = import_events_csv(csv, o);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->events[0].timestamp, 1542283200.0 + 3600);  // fixed UTC−3: 13:00Z
  EXPECT_EQ(r->events[1].timestamp, 1794747600.0);
}

TEST(CsvImport, TimeForms) {
  EXPECT_EQ(*parse_time_text("2024-05-17T14:03:00Z", 0), 1715954580.0);
  EXPECT_EQ(*parse_time_text("2024-05-17 11:03:00-03:00", 5), 1715954580.0);
  EXPECT_EQ(*parse_time_text("2024-05-17T16:03:00+0200", 0), 1715954580.0);
  EXPECT_EQ(*parse_time_text("2024-05-17T14:03:00.5Z", 0), 1715954580.5);
  EXPECT_EQ(*parse_time_text("2024-05-17", 0), 1715904000.0);
  for (const char* bad : {"yesterday", "2024-02-30", "2024-13-01", "17/05/24", "2024-05-17T25:00",
                          "2024-05-17T14:03Zulu", "-5", "2024-05-17X14:03"})
    EXPECT_FALSE(parse_time_text(bad, 0).ok()) << bad;
}

TEST(CsvImport, ErrorsNameLineColumnAndValue) {
  auto r = import_events_csv("lat,lon,when\n-23.5,-46.6,1715954580\n95,-46.6,1715954580\n", opts());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("line 3"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("'lat'"), std::string::npos);
  auto missing = import_events_csv("latitude,lon,when\n", opts());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("--lat-col"), std::string::npos);
  EXPECT_FALSE(import_events_csv("lat,lon,when\n\"-23.5,-46.6,0\n", opts()).ok());
  EXPECT_FALSE(import_events_csv("lat,lon,when\n-23.5,-46.6\n", opts()).ok());
  EXPECT_FALSE(import_events_csv("lat,lon,when\n-23.5,-46.6,soon\n", opts()).ok());
}

}  // namespace
}  // namespace css::geo

// Query values from text (css/store/query_text.hpp) and the store.* settings.
#include <gtest/gtest.h>

#include "css/core/config.hpp"
#include "css/store/query_text.hpp"
#include "css/store/settings.hpp"

namespace css::store {
namespace {

TEST(QueryText, TimesInUnixSecondsOrUtcIso) {
  EXPECT_EQ(*parse_time("1715982012.5"), 1715982012.5);
  EXPECT_EQ(*parse_time("0"), 0.0);
  EXPECT_EQ(*parse_time("2024-05-17T21:40:00Z"), 1715982000.0);
  EXPECT_EQ(*parse_time("2024-05-17T21:40:00.25Z"), 1715982000.25);
  EXPECT_EQ(*parse_time("2024-05-17"), 1715904000.0);
  EXPECT_EQ(*parse_time("1970-01-01T00:00:00Z"), 0.0);
  EXPECT_EQ(*parse_time("2000-02-29"), 951782400.0);  // a leap day
  for (const char* bad :
       {"", "yesterday", "-1", "1e300", "nan", "2024-13-01", "2023-02-29", "2024-05-17T21:40:00",
        "2024-05-17T24:00:00Z", "2024-05-17 21:40:00Z", "2024-05-17T21:40:00.Z",
        "2024-05-17T21:40:00.1234567890123Z", "2101-01-01", "1969-12-31"}) {
    auto r = parse_time(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    }
  }
}

TEST(QueryText, Boxes) {
  auto b = parse_bbox("-46.7,-23.6,-46.6,-23.5");
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_EQ(b->min_lon, -46.7);
  EXPECT_EQ(b->min_lat, -23.6);
  EXPECT_EQ(b->max_lon, -46.6);
  EXPECT_EQ(b->max_lat, -23.5);
  for (const char* bad : {"", "1,2,3", "1,2,3,4,5", "a,b,c,d", "1,2,3,", ",1,2,3", "10,0,5,1",
                          "0,-91,1,0", "0,0,181,1"}) {
    EXPECT_FALSE(parse_bbox(bad).ok()) << bad;
  }
}

TEST(QueryText, Names) {
  EXPECT_EQ(*parse_event_type("forced_displacement"), EventKind::kForcedDisplacement);
  EXPECT_FALSE(parse_event_type("mugging").ok());
  EXPECT_EQ(*parse_count_by("hour_of_day"), CountBy::kHourOfDay);
  EXPECT_FALSE(parse_count_by("week").ok());
}

TEST(StoreSettings, DefaultsAndChecks) {
  Config cfg(store_settings());
  auto c = store_config_from(cfg);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->url, "sqlite://data/citysafe.db");
  EXPECT_EQ(c->retention_days, 90);
  ASSERT_TRUE(cfg.set("store.url", "ftp://x").ok());
  auto bad = store_config_from(cfg);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("store.url"), std::string::npos);
  EXPECT_FALSE(cfg.set("store.retention_days", "0").ok());
}

}  // namespace
}  // namespace css::store

// City files: São Paulo loads; bad files are errors naming the key.
#include <gtest/gtest.h>

#include "css/geo/city.hpp"

namespace css::geo {
namespace {

const char* kMinimal = R"(name = "X"
centre_lat = -23.5
centre_lon = -46.6
min_lat = -23.6
max_lat = -23.4
min_lon = -46.7
max_lon = -46.5
time_zone = "America/Sao_Paulo"
utc_offset_h = -3
)";

TEST(City, SaoPauloLoads) {
  auto c = find_city("sao-paulo", {"/nonexistent", std::string(CSS_SOURCE_DIR) + "/cities"});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->name, "São Paulo");
  EXPECT_EQ(c->time_zone, "America/Sao_Paulo");
  EXPECT_EQ(c->utc_offset_h, -3.0);
  EXPECT_EQ(c->grid, GridKind::kHex);
  EXPECT_EQ(c->cell_size_m, 250.0);
  ASSERT_EQ(c->areas.size(), 5u);
  for (const auto& a : c->areas) {
    EXPECT_TRUE(c->contains(a.centre)) << a.name;
    EXPECT_FALSE(a.source.empty());
  }
  EXPECT_EQ(c->areas[0].name, "Praça da República");
}

TEST(City, MinimalFileTakesDefaults) {
  auto c = city_from_toml(kMinimal, "x.toml");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->cell_size_m, 250.0);
  EXPECT_TRUE(c->areas.empty());
}

void expect_error(const std::string& text, const std::string& needle) {
  auto c = city_from_toml(text, "x.toml");
  ASSERT_FALSE(c.ok()) << needle;
  EXPECT_NE(c.error().message.find(needle), std::string::npos) << c.error().message;
}

TEST(City, BadFilesNameWhatIsWrong) {
  expect_error("name = ", "x.toml:1");
  expect_error(std::string(kMinimal) + "colour = \"red\"\n", "'colour': unknown key");
  expect_error(std::string(kMinimal) + "[grid]\nkind = \"triangle\"\n", "'kind'");
  expect_error(std::string(kMinimal) + "[grid]\ncell_size_m = 0\n", "'cell_size_m'");
  expect_error(
      std::string(kMinimal) + "[[area]]\nname = \"A\"\nlat = -23.5\nlon = -46.6\nradius_m = 10\n",
      "'source': missing");
  std::string swapped = kMinimal;
  swapped.replace(swapped.find("min_lat = -23.6"), 15, "min_lat = -23.3");
  expect_error(swapped, "min_lat < max_lat");
  std::string no_tz = kMinimal;
  no_tz.erase(no_tz.find("time_zone"), no_tz.find("utc_offset_h") - no_tz.find("time_zone"));
  expect_error(no_tz, "'time_zone': missing");
  expect_error(std::string(kMinimal).replace(0, 10, "name = 5"), "'name': expected a string");
  EXPECT_FALSE(find_city("../etc/passwd", {"."}).ok());
  EXPECT_EQ(find_city("atlantis", {"."}).error().code, ErrorCode::kNotFound);
}

TEST(City, StudyAreaCoversTheBox) {
  const City c = *city_from_toml(kMinimal, "x.toml");
  const StudyArea a = study_area(c);
  EXPECT_NEAR(a.max.x - a.min.x, 20400.0, 300.0);  // 0.2° of longitude at 23.5° S
  EXPECT_NEAR(a.max.y - a.min.y, 22100.0, 300.0);  // 0.2° of latitude
}

}  // namespace
}  // namespace css::geo

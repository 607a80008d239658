// Assembling and rendering settings tables (css/core/settings.hpp): names declared twice are
// refused, the listing and docs/configuration.md carry every table with its source. The
// tables themselves are tested with their libraries (sim, edge, train); that the doc equals
// `citysafe config --markdown` is tested against the real binary (tests/unit/app).
#include "css/core/settings.hpp"

#include <gtest/gtest.h>

#include <array>
#include <stdexcept>
#include <string>

#include "css/core/config.hpp"

namespace css {
namespace {

using T = SettingType;

constexpr std::array kA = {
    SettingSpec{.name = "a.count",
                .type = T::kInt,
                .default_value = "3",
                .unit = "",
                .doc = "How many.",
                .min = 1,
                .max = 9},
    SettingSpec{.name = "a.rate_hz",
                .type = T::kDouble,
                .default_value = "50",
                .unit = "Hz",
                .doc = "How fast.",
                .min = 0,
                .max = 100,
                .min_exclusive = true},
};
constexpr std::array kB = {
    SettingSpec{.name = "b.name",
                .type = T::kString,
                .default_value = "x",
                .unit = "",
                .doc = "Which one."},
};
constexpr std::array kClash = {
    SettingSpec{
        .name = "a.count", .type = T::kInt, .default_value = "1", .unit = "", .doc = "Again."},
};

std::array<SettingsTable, 2> two_tables() {
  return {SettingsTable{"a", "src/a/settings.cpp", "`citysafe a`", kA},
          SettingsTable{"b", "src/b/settings.cpp", "`citysafe b`", kB}};
}

TEST(Settings, ConcatKeepsOrderAndRefusesADuplicateName) {
  const auto tables = two_tables();
  const auto all = concat_settings(tables);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].name, "a.count");
  EXPECT_EQ(all[2].name, "b.name");
  const std::array clash = {tables[0], SettingsTable{"c", "src/c.cpp", "nobody", kClash}};
  EXPECT_THROW(concat_settings(clash), std::logic_error);
  EXPECT_THROW(settings_list(clash), std::logic_error);
  EXPECT_THROW(settings_markdown(clash), std::logic_error);
}

TEST(Settings, ListShowsEveryTableWithDefaultsRangesAndDocs) {
  const auto tables = two_tables();
  const std::string text = settings_list(tables);
  EXPECT_EQ(text.find("a (src/a/settings.cpp; read by `citysafe a`)\n"), 0u) << text;
  EXPECT_NE(text.find("b (src/b/settings.cpp; read by `citysafe b`)\n"), std::string::npos);
  EXPECT_NE(text.find(Config(kA).describe()), std::string::npos) << text;
  EXPECT_NE(text.find(Config(kB).describe()), std::string::npos) << text;
  EXPECT_NE(text.find("(0, 100]"), std::string::npos);
  EXPECT_NE(text.find("[1, 9]"), std::string::npos);
  EXPECT_NE(text.find("How fast."), std::string::npos);
}

TEST(Settings, MarkdownIsAWholePageWithTheRegenerationCommand) {
  const auto tables = two_tables();
  const std::string md = settings_markdown(tables);
  EXPECT_EQ(md.rfind("# Configuration\n", 0), 0u);
  EXPECT_NE(md.find("`citysafe config --markdown > docs/configuration.md`"), std::string::npos);
  const auto a = md.find("### `a`\n\nDeclared in [`src/a/settings.cpp`](../src/a/settings.cpp)");
  const auto b = md.find("### `b`\n\nDeclared in [`src/b/settings.cpp`](../src/b/settings.cpp)");
  ASSERT_NE(a, std::string::npos) << md;
  ASSERT_NE(b, std::string::npos) << md;
  EXPECT_LT(a, b);
  EXPECT_NE(md.find(Config(kA).to_markdown(), a), std::string::npos);
  EXPECT_EQ(md.size() - Config(kB).to_markdown().size(), md.rfind(Config(kB).to_markdown()))
      << "the page ends with the last table";
}

}  // namespace
}  // namespace css

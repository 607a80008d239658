// The project's settings tables and docs/configuration.md, which must contain
// the table generated from them verbatim (so the doc cannot drift).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "css/core/config.hpp"
#include "css/core/settings.hpp"

namespace css {
namespace {

TEST(Settings, AllTablesFormOneValidConfig) {
  const auto all = all_settings();
  ASSERT_GE(all.size(), sim_settings().size());
  Config c(all);  // throws on duplicates or bad defaults
  for (const SettingSpec& s : all) {
    EXPECT_FALSE(s.doc.empty()) << s.name;
    EXPECT_NE(s.name.find('.'), std::string_view::npos) << "settings are namespaced: " << s.name;
  }
}

TEST(Settings, SimTableBounds) {
  Config c(sim_settings());
  EXPECT_FALSE(c.set("sim.duration_s", "0").ok());
  EXPECT_TRUE(c.set("sim.duration_s", "604800").ok());
  EXPECT_FALSE(c.set("sim.duration_s", "604800.5").ok());
  EXPECT_FALSE(c.set("sim.devices", "0").ok());
  EXPECT_TRUE(c.set("sim.devices", "10000").ok());
  EXPECT_FALSE(c.set("sim.devices", "10001").ok());
  EXPECT_FALSE(c.set("sim.origin_lat", "-90.1").ok());
  EXPECT_FALSE(c.set("sim.origin_lon", "180.1").ok());
}

TEST(Settings, ConfigurationDocContainsGeneratedTable) {
  const char* root = std::getenv("CSS_SOURCE_DIR");
  ASSERT_NE(root, nullptr) << "ctest sets CSS_SOURCE_DIR to the repository root";
  const auto path = std::filesystem::path(root) / "docs" / "configuration.md";
  std::ifstream in(path);
  ASSERT_TRUE(in) << "cannot open " << path;
  std::stringstream doc;
  doc << in.rdbuf();
  const std::string expected = Config(all_settings()).to_markdown();
  EXPECT_NE(doc.str().find(expected), std::string::npos)
      << path << " is out of date; replace its settings table with:\n"
      << expected;
}

}  // namespace
}  // namespace css

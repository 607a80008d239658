// `citysafe config` (the real binary): --list shows every library's table, --markdown is
// docs/configuration.md byte for byte (regenerate with the command at the top of that file).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "cli_runner.hpp"

namespace {

using css::testing::run_citysafe;

TEST(ConfigCli, ListShowsEveryTableWithDefaultRangeAndDoc) {
  const auto r = run_citysafe("config --list");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  for (const char* heading : {"sim (src/sim/settings.cpp", "train (src/train/train_config.cpp",
                              "detector (src/edge/settings.cpp"})
    EXPECT_NE(r.out.find(heading), std::string::npos) << heading << "\n" << r.out;
  // One row each: name, type, default, unit, range, doc.
  for (const char* row : {"sim.devices", "train.epochs", "detector.enter_threshold"})
    EXPECT_NE(r.out.find(row), std::string::npos) << row;
  EXPECT_NE(r.out.find("(0, 604800]"), std::string::npos);
  EXPECT_NE(r.out.find("Simulated time per device."), std::string::npos);
  EXPECT_EQ(run_citysafe("config").out, r.out) << "--list is the default";
}

TEST(ConfigCli, MarkdownIsDocsConfigurationMd) {
  const char* root = std::getenv("CSS_SOURCE_DIR");
  ASSERT_NE(root, nullptr) << "ctest sets CSS_SOURCE_DIR to the repository root";
  const auto path = std::filesystem::path(root) / "docs" / "configuration.md";
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << "cannot open " << path;
  std::stringstream doc;
  doc << in.rdbuf();
  const auto r = run_citysafe("config --markdown");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_TRUE(r.out == doc.str())
      << path << " is out of date: run `citysafe config --markdown > docs/configuration.md`";
}

TEST(ConfigCli, ListAndMarkdownTogetherAreBadInput) {
  const auto r = run_citysafe("config --list --markdown");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_EQ(css::testing::line_count(r.out), 1) << r.out;
}

}  // namespace

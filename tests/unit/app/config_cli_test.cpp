// `citysafe config` (the real binary): --list shows every library's table, --markdown is
// docs/configuration.md byte for byte (regenerate with the command at the top of that file).
#include <gtest/gtest.h>

#include <unistd.h>
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
                              "detector (src/edge/settings.cpp", "api (src/api/settings.cpp",
                              "ingest (src/ingest/settings.cpp", "geo (src/geo/settings.cpp"})
    EXPECT_NE(r.out.find(heading), std::string::npos) << heading << "\n" << r.out;
  // One row each: name, type, default, unit, range, doc.
  for (const char* row : {"sim.devices", "train.epochs", "detector.enter_threshold",
                          "api.rate_limit", "ingest.max_batch", "geo.hotspots.k_ring"})
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

// `citysafe serve` reads the api.* table: --config FILE ([api], [store]), --set, then its flags.
// Every case below ends before the server starts, on a value the table refuses or on a city
// the file named, so no port is opened.
class ConfigCliCommands : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() / ("css-serve-config-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    db_ = "serve --db " + (dir_ / "none.db").string() + " ";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string toml(const std::string& text) {
    const auto path = dir_ / "serve.toml";
    std::ofstream(path) << text;
    return path.string();
  }
  void expect_refused(const std::string& args, const std::string& message) {
    const auto r = run_citysafe(args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.out;
    EXPECT_EQ(css::testing::line_count(r.out), 1) << r.out;
    EXPECT_NE(r.out.find(message), std::string::npos) << args << "\n" << r.out;
  }
  std::filesystem::path dir_;
  std::string db_;
};

TEST_F(ConfigCliCommands, BadValuesExitTwoNamingTheKey) {
  expect_refused(db_ + "--set api.port=70000", "--set: setting 'api.port' = 70000 is outside");
  expect_refused(db_ + "--set api.burst=0", "setting 'api.burst'");
  expect_refused(db_ + "--set api.rate_limt=5", "did you mean 'api.rate_limit'");
  expect_refused(db_ + "--config " + toml("[api]\nthreads = 999\n"), "setting 'api.threads'");
  expect_refused(db_ + "--port 70000", "--port: setting 'api.port' = 70000 is outside");
  expect_refused(db_ + "--max-body -1", "--max-body: setting 'api.max_body'");
}

TEST_F(ConfigCliCommands, FileThenSetThenFlagsReachTheCommand) {
  // The city is looked up before the server starts: which one failed shows which source won.
  const std::string file = "--config " + toml("[api]\ncity = \"from-file\"\n") + " ";
  expect_refused(db_ + file, "--city: city 'from-file' not found");
  expect_refused(db_ + file + "--set api.city=from-set", "--city: city 'from-set' not found");
  expect_refused(db_ + file + "--set api.city=from-set --city from-flag",
                 "--city: city 'from-flag' not found");
}

// `citysafe ingest` reads the ingest.* table the same way; each case ends before a broker or a
// store is touched.
TEST_F(ConfigCliCommands, IngestReadsItsTable) {
  expect_refused("ingest --set ingest.max_batch=0",
                 "--set: setting 'ingest.max_batch' = 0 messages is outside [1, 65535]");
  expect_refused("ingest --max-batch 70000", "--max-batch: setting 'ingest.max_batch'");
  expect_refused("ingest --config " + toml("[ingest]\nmax_bach = 5\n"),
                 "did you mean 'ingest.max_batch'");
  // The MQTT-only check sees a file as it sees the flag.
  expect_refused("ingest --amqp 127.0.0.1:1 --config " + toml("[ingest]\ngroup = \"g2\"\n"),
                 "--group, --client-id and --session-expiry are MQTT settings");
  expect_refused("ingest --config " + toml("[ingest]\nmqtt = \"127.0.0.1:1\"\n"),
                 "--tls-cert is required");
}

// `citysafe hotspots` reads geo.hotspots.*: a bad value exits 2 naming the key before any
// event is read, and the file's window reaches the command (a bad one is refused by name).
TEST_F(ConfigCliCommands, HotspotsReadsItsTable) {
  const std::string cmd = "hotspots --events " + (dir_ / "none.jsonl").string() + " --out " +
                          (dir_ / "h.geojson").string() + " ";
  expect_refused(cmd + "--set geo.hotspots.k=0", "--set: setting 'geo.hotspots.k' = 0 events");
  expect_refused(cmd + "--k-ring 51", "--k-ring: setting 'geo.hotspots.k_ring' = 51 is outside");
  expect_refused(cmd + "--config " + toml("[geo.hotspots]\nweights = \"queen\"\n"),
                 "geo.hotspots.weights: 'queen': expected kring or band");
  expect_refused(cmd + "--weights band", "geo.hotspots.band_m: weights = band needs a band");
}

}  // namespace

// Runs the real citysafe binary and checks what a user sees: exit codes,
// one-line errors, and that failures leave no output files behind.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "cli_runner.hpp"
#include "css/core/label.hpp"
#include "css/core/recording.hpp"
#include "css/data/dataset.hpp"

namespace fs = std::filesystem;

namespace {

using css::testing::CmdResult;
using css::testing::line_count;

CmdResult run(const std::string& args) {
  return css::testing::run_citysafe(args);
}

using CliTest = css::testing::TempDirTest;

// The "samples" column of the stats table's row for `label` (the table prints every label, so
// finding the name proves nothing; the count does). -1 when the row is missing.
long long samples_in_table(const std::string& out, std::string_view label) {
  std::istringstream lines(out);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream row(line);
    std::string name;
    long long samples = -1;
    if (row >> name >> samples && name == label) return samples;
  }
  return -1;
}

// Samples per label in the recordings the command wrote, as the table should report them.
std::vector<long long> samples_per_label(const std::vector<css::Recording>& recs) {
  std::vector<long long> n(css::kLabelNames.size(), 0);
  for (const auto& r : recs)
    for (const auto l : r.labels) ++n[static_cast<std::size_t>(l)];
  return n;
}

// Every row of the table against the file's own labels; `must_have` must be present.
void expect_counts_match(const std::string& out, const std::vector<css::Recording>& recs,
                         std::string_view must_have) {
  const auto expected = samples_per_label(recs);
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(samples_in_table(out, css::kLabelNames[i]), expected[i])
        << css::kLabelNames[i] << " in:\n"
        << out;
    if (css::kLabelNames[i] == must_have) {
      EXPECT_GT(expected[i], 0) << must_have;
    }
  }
}

TEST_F(CliTest, GenerateWritesDatasetThatStatsReads) {
  const auto out = dir_ / "sample.npy";
  CmdResult g = run("generate --out " + out.string() + " --duration 20 --seed 7");
  ASSERT_EQ(g.exit_code, 0) << g.out;
  EXPECT_TRUE(fs::exists(dir_ / "sample.labels.npy"));
  EXPECT_TRUE(fs::exists(dir_ / "sample.json"));
  auto ds = css::data::read_dataset(out);
  ASSERT_TRUE(ds.ok()) << ds.error().message;
  ASSERT_EQ(ds->recordings.size(), 1U);
  EXPECT_EQ(ds->recordings[0].frames.size(), 20U * 50U);

  CmdResult s = run("dataset stats " + out.string());
  ASSERT_EQ(s.exit_code, 0) << s.out;
  expect_counts_match(s.out, ds->recordings, "walking");
}

TEST_F(CliTest, SeedCommandLineWorksUnchanged) {
  // The proof of concept's own invocation, relative output folder included.
  const std::string cmd = "cd " + dir_.string() + " && " + CSS_CITYSAFE_BIN +
                          " generate --out data/synthetic_sample.npy --duration 60 >/dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  EXPECT_TRUE(fs::exists(dir_ / "data" / "synthetic_sample.npy"));
}

TEST_F(CliTest, SameSeedSameBytes) {
  ASSERT_EQ(
      run("generate -q --out " + (dir_ / "a.npy").string() + " --duration 10 --seed 3").exit_code,
      0);
  ASSERT_EQ(
      run("generate -q --out " + (dir_ / "b.npy").string() + " --duration 10 --seed 3").exit_code,
      0);
  auto slurp = [](const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), {});
  };
  EXPECT_EQ(slurp(dir_ / "a.npy"), slurp(dir_ / "b.npy"));
  EXPECT_EQ(slurp(dir_ / "a.labels.npy"), slurp(dir_ / "b.labels.npy"));
}

struct BadCase {
  const char* name;
  std::string args;
  const char* must_mention;
};

TEST_F(CliTest, BadInputExitsTwoWithOneLineAndNoFiles) {
  const std::string out = (dir_ / "x.npy").string();
  const BadCase cases[] = {
      {"unknown scenario", "generate --out " + out + " --scenario flying", "flying"},
      {"negative duration", "generate --out " + out + " --duration -5",
       "error: --duration: setting 'sim.duration_s' = -5 s is outside"},
      {"unknown --set", "generate --out " + out + " --set sim.bogus=1",
       "error: --set: unknown setting 'sim.bogus'"},
      {"zero duration", "generate --out " + out + " --duration 0", "--duration"},
      {"not a number", "generate --out " + out + " --duration abc", "duration"},
      {"bad extension", "generate --out " + (dir_ / "x.txt").string(), ".npy"},
      {"unwritable path", "generate --out /proc/citysafe/x.npy --duration 1", "/proc/citysafe"},
      {"unknown flag", "generate --out " + out + " --frobnicate", "frobnicate"},
      {"zero devices", "generate --out " + out + " --devices 0", "devices"},
      {"missing dataset", "dataset stats " + (dir_ / "missing.npy").string(), "missing"},
      {"no command", "", "command"},
  };
  for (const auto& c : cases) {
    CmdResult r = run(c.args);
    EXPECT_EQ(r.exit_code, 2) << c.name << ": " << r.out;
    EXPECT_EQ(line_count(r.out), 1) << c.name << ": " << r.out;
    EXPECT_NE(r.out.find(c.must_mention), std::string::npos) << c.name << ": " << r.out;
    EXPECT_EQ(files_in_dir(), 0U) << c.name << " left files behind";
  }
}

TEST_F(CliTest, HelpTeachesAndExitsZero) {
  CmdResult r = run("generate --help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("--scenario"), std::string::npos);
  EXPECT_NE(r.out.find("snatch"), std::string::npos) << "help lists the scenarios";
}

}  // namespace

namespace {

TEST_F(CliTest, ImportsStHarAsADatasetTrainingCanRead) {
  const auto out = dir_ / "st-har.npy";
  const char* root = std::getenv("CSS_SOURCE_DIR");
  ASSERT_NE(root, nullptr) << "ctest sets CSS_SOURCE_DIR to the repository root";
  const std::string src = std::string(root) + "/tests/data/st-har";
  CmdResult r = run("dataset import st-har " + src + " --out " + out.string());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto ds = css::data::read_dataset(out);
  ASSERT_TRUE(ds.ok()) << ds.error().message;
  EXPECT_EQ(ds->recordings.size(), 92U);
  expect_counts_match(r.out, ds->recordings, "running");
}

TEST_F(CliTest, ImportOfMissingFolderIsBadInput) {
  CmdResult r = run("dataset import st-har " + (dir_ / "nope").string() + " --out " +
                    (dir_ / "x.npy").string());
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("nope"), std::string::npos) << r.out;
  EXPECT_EQ(files_in_dir(), 0U);
}

}  // namespace

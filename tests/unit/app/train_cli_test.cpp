// Black-box tests of `citysafe train` / `citysafe export` (the real binary):
// bad input ends with exit code 2 and one line naming the problem.
#include <gtest/gtest.h>

#include "cli_runner.hpp"

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace fs = std::filesystem;

namespace {

using css::testing::CmdResult;

CmdResult run(const std::string& args) {
  return css::testing::run_citysafe(args);
}
int lines(const std::string& s) {
  return css::testing::line_count(s);
}

using TrainCli = css::testing::TempDirTest;

TEST_F(TrainCli, MissingDatasetIsExit2) {
  auto r = run("train --epochs 1 --out " + (dir_ / "o").string() + " --data " +
               (dir_ / "none.npy").string());
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_EQ(lines(r.out), 1) << r.out;
  EXPECT_NE(r.out.find("none.npy"), std::string::npos);
}

TEST_F(TrainCli, UnknownConfigKeyIsExit2) {
  const auto cfg = dir_ / "t.toml";
  std::ofstream(cfg) << "[train]\nepochs = 2\nlearning_rate = 0.1\n";
  auto r = run("train --config " + cfg.string() + " --out " + (dir_ / "o").string());
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_EQ(lines(r.out), 1) << r.out;
  EXPECT_NE(r.out.find("learning_rate"), std::string::npos);
}

TEST_F(TrainCli, BadSettingValueIsExit2) {
  auto r = run("train --set train.model.kernel=99 --out " + (dir_ / "o").string());
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("kernel"), std::string::npos);
}

TEST_F(TrainCli, FlagsForSettingsAreCheckedAndNamed) {
  // Each flag goes through its setting's parser and range: no value is silently dropped.
  const std::string out = " --out " + (dir_ / "o").string();
  const std::array<std::array<std::string, 2>, 5> cases = {{
      {"--epochs 0", "--epochs: setting 'train.epochs' = 0 is outside"},
      {"--epochs -3", "--epochs: setting 'train.epochs' = -3 is outside"},
      {"--threads 999", "--threads: setting 'train.threads' = 999 is outside"},
      {"--seed x1", "--seed: setting 'train.seed' expects an integer, got 'x1'"},
      {"--set train.epochs=0", "citysafe: error: --set: setting 'train.epochs' = 0"},
  }};
  for (const auto& [args, message] : cases) {
    auto r = run("train " + args + out);
    EXPECT_EQ(r.exit_code, 2) << args << ": " << r.out;
    EXPECT_EQ(lines(r.out), 1) << args << ": " << r.out;
    EXPECT_NE(r.out.find(message), std::string::npos) << args << ": " << r.out;
    EXPECT_EQ(r.out.find("--set: --set"), std::string::npos) << r.out;
    EXPECT_FALSE(fs::exists(dir_ / "o")) << args;
  }
}

TEST_F(TrainCli, ExportOfMissingCheckpointIsExit2) {
  auto r = run("export --checkpoint " + (dir_ / "best.pt").string() + " --out " +
               (dir_ / "m.csm").string());
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_EQ(lines(r.out), 1) << r.out;
  EXPECT_NE(r.out.find("best.pt"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir_ / "m.csm"));
}

TEST_F(TrainCli, ExportNeedsACsmName) {
  auto r = run("export --checkpoint x.pt --out " + (dir_ / "m.tflite").string());
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find(".csm"), std::string::npos);
}

}  // namespace

// Black-box tests of `citysafe train` / `citysafe export` (through the train_cli
// harness): bad input ends with exit code 2 and one line naming the problem.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace fs = std::filesystem;

namespace {

struct CmdResult {
  int exit_code;
  std::string out;  // stdout + stderr
};

CmdResult run(const std::string& args) {
  const std::string cmd = std::string(CSS_TRAIN_CLI) + " " + args + " 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  EXPECT_NE(pipe, nullptr);
  std::string out;
  std::array<char, 4096> buf{};
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), pipe)) out.append(buf.data(), n);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

int lines(const std::string& s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

class TrainCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("css-train-cli-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

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

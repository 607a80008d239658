// `citysafe model info|bench` and `citysafe infer` against a model the engine's
// writer builds (random weights, the default architecture), and against
// damaged copies of it.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli_runner.hpp"
#include "css/nn/model_writer.hpp"

namespace {

using css::testing::line_count;
using css::testing::run_citysafe;

class ModelCli : public css::testing::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    bytes_ = css::nn::build_default_random_model(11);
    model_ = (dir_ / "m.csm").string();
    write(model_, bytes_);
  }
  static void write(const std::string& path, const std::vector<std::uint8_t>& b) {
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
  }
  std::vector<std::uint8_t> bytes_;
  std::string model_;
};

TEST_F(ModelCli, InfoReportsShapeParamsMacsAndArena) {
  auto r = run_citysafe("model info --json " + model_);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["window"], 128);
  EXPECT_EQ(j["input_channels"], 11);
  EXPECT_EQ(j["classes"].size(), 8U);
  // Parameters: every conv/dense op's weights + biases, summed independently here.
  std::uint64_t params = 0;
  for (const auto& op : j["ops"]) params += op["params"].get<std::uint64_t>();
  EXPECT_EQ(j["params"], params);
  EXPECT_GT(params, 1000U);
  EXPECT_GT(j["macs_per_window"].get<std::uint64_t>(),
            100U * j["macs_per_sample"].get<std::uint64_t>() / 2);
  EXPECT_GT(j["arena_bytes"]["streaming"].get<std::uint64_t>(), 0U);
  // The default architecture is sized for the Cortex-M4: streaming within 4 KiB there.
  EXPECT_LE(j["arena_bytes"]["streaming_portable"].get<std::uint64_t>(), 4096U);
  EXPECT_LE(j["arena_bytes"]["streaming_portable"], j["arena_bytes"]["streaming"]);
  EXPECT_EQ(j["checksum"].get<std::string>().size(), 7U + 64U);

  auto text = run_citysafe("model info " + model_);
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_NE(text.out.find("conv1d 11->14 k3 d1"), std::string::npos) << text.out;
}

TEST_F(ModelCli, BenchPrintsEveryMode) {
  auto r = run_citysafe("model bench --iterations 20 --json " + model_);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto j = nlohmann::json::parse(r.out);
  for (const char* mode : {"int8_window", "int8_window_reference", "int8_streaming_sample"}) {
    ASSERT_TRUE(j.contains(mode)) << mode;
    EXPECT_GT(j[mode]["p50_us"].get<double>(), 0.0);
    EXPECT_LE(j[mode]["p50_us"].get<double>(), j[mode]["p99_us"].get<double>());
  }
}

TEST_F(ModelCli, InferGivesOneRowPerWindowWithProbabilitiesSummingToOne) {
  const auto data = (dir_ / "d.npy").string();
  ASSERT_EQ(run_citysafe("generate -q --out " + data + " --duration 10 --seed 2").exit_code, 0);
  auto r = run_citysafe("infer --model " + model_ + " --input " + data + " --hop 50");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  std::istringstream lines(r.out);
  std::string line;
  std::getline(lines, line);
  EXPECT_EQ(line.rfind("recording,end,t_end,truth,predicted,stationary", 0), 0U) << line;
  int rows = 0;
  while (std::getline(lines, line)) {
    ++rows;
    std::istringstream cells(line);
    std::string cell;
    double sum = 0;
    for (int col = 0; std::getline(cells, cell, ','); ++col)
      if (col >= 5) sum += std::stod(cell);
    EXPECT_NEAR(sum, 1.0, 1e-3) << line;
  }
  // 500 samples, first window ends at 128, then every 50: 128, 178, ..., 478.
  EXPECT_EQ(rows, 8);
}

TEST_F(ModelCli, DamagedModelsAreRefusedInOneLine) {
  auto truncated = bytes_;
  truncated.resize(truncated.size() / 2);
  auto flipped = bytes_;
  flipped[flipped.size() - 5] ^= 0x40;
  write((dir_ / "t.csm").string(), truncated);
  write((dir_ / "f.csm").string(), flipped);
  write((dir_ / "e.csm").string(), {});
  const std::pair<std::string, std::string> cases[] = {{"t.csm", "truncated"},
                                                       {"f.csm", "checksum"},
                                                       {"e.csm", "e.csm"},
                                                       {"missing.csm", "missing.csm"}};
  for (const auto& [file, mention] : cases) {
    for (const std::string cmd : {"model info ", "model bench "}) {
      auto r = run_citysafe(cmd + (dir_ / file).string());
      EXPECT_EQ(r.exit_code, 2) << cmd << file << ": " << r.out;
      EXPECT_EQ(line_count(r.out), 1) << r.out;
      EXPECT_NE(r.out.find(mention), std::string::npos) << r.out;
    }
  }
}

}  // namespace

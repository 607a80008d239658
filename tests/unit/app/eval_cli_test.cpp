// Black-box tests of `citysafe eval` (the real binary): bad input ends with exit
// code 2 and one line naming the problem; a small run writes the documented JSON.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>
#include "cli_runner.hpp"

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "css/data/dataset.hpp"
#include "css/nn/model_writer.hpp"
#include "css/sim/generator.hpp"

namespace fs = std::filesystem;
namespace sim = css::sim;

namespace {

using css::testing::CmdResult;

CmdResult run(const std::string& args) {
  return css::testing::run_citysafe("eval " + args);
}
int lines(const std::string& s) {
  return css::testing::line_count(s);
}

class EvalCli : public css::testing::TempDirTest {
 protected:
  std::string write_model(const std::string& name, const std::vector<std::uint8_t>& bytes) {
    const auto p = dir_ / name;
    std::ofstream(p, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
    return p.string();
  }
  std::string write_data(double seconds) {
    sim::GeneratorConfig cfg;
    cfg.duration_s = seconds;
    cfg.seed = 5;
    auto recs = css::sim::generate(cfg);
    EXPECT_TRUE(recs);
    const auto p = dir_ / "d.npy";
    EXPECT_TRUE(css::data::write_dataset(p, *recs, {5, "test"}));
    return p.string();
  }
};

TEST_F(EvalCli, MissingModelIsExit2) {
  auto r = run("--model " + (dir_ / "none.csm").string());
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_EQ(lines(r.out), 1) << r.out;
  EXPECT_NE(r.out.find("none.csm"), std::string::npos);
}

TEST_F(EvalCli, CorruptedModelIsExit2) {
  auto bytes = css::nn::build_default_random_model(1);
  bytes[bytes.size() / 2] ^= 0x33;
  auto r = run("--model " + write_model("bad.csm", bytes));
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_EQ(lines(r.out), 1) << r.out;
  EXPECT_NE(r.out.find("bad.csm"), std::string::npos);
}

TEST_F(EvalCli, ModelWithOtherChannelCountIsExit2) {
  css::nn::DefaultModelOptions o;
  o.input_channels = 6;
  auto r = run("--model " + write_model("six.csm", css::nn::build_default_random_model(1, o)) +
               " --hours 0.01 --devices 1 -q");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_EQ(lines(r.out), 1) << r.out;
  EXPECT_NE(r.out.find("input channels"), std::string::npos);
}

TEST_F(EvalCli, DatasetLabelTheModelDoesNotKnowIsExit2) {
  css::nn::DefaultModelOptions o;
  o.classes = 6;
  const auto model = write_model("m6.csm", css::nn::build_default_random_model(1, o));
  auto r = run("--model " + model + " --data " + write_data(30.0) + " -q");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_EQ(lines(r.out), 1) << r.out;
  EXPECT_NE(r.out.find("not a class of the model"), std::string::npos);
}

TEST_F(EvalCli, MissingDatasetAndBadPrecisionAreExit2) {
  const auto model = write_model("m.csm", css::nn::build_default_random_model(1));
  auto r = run("--model " + model + " --data " + (dir_ / "none.npy").string());
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_EQ(lines(r.out), 1) << r.out;
  EXPECT_NE(r.out.find("none.npy"), std::string::npos);
  r = run("--model " + model + " --precision fp16");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("--precision"), std::string::npos);
  r = run("--model " + model + " --enter 0.3 --exit 0.5");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("exit_threshold"), std::string::npos);
  // A negative seed used to fall back to the documented seed without a word.
  r = run("--model " + model + " --seed -4 --hours 0.01");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_EQ(lines(r.out), 1) << r.out;
  EXPECT_NE(r.out.find("--seed: expected an integer >= 0, got -4"), std::string::npos) << r.out;
}

TEST_F(EvalCli, DatasetRunWritesTheMetricsDocument) {
  const auto model = write_model("m.csm", css::nn::build_default_random_model(2));
  const auto metrics = dir_ / "metrics.json";
  auto r = run("--model " + model + " --data " + write_data(60.0) + " --precision float -q" +
               " --metrics " + metrics.string());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  std::ifstream f(metrics);
  const auto j = nlohmann::json::parse(f);
  EXPECT_TRUE(j.at("window").contains("macro_f1"));
  EXPECT_TRUE(j.at("window").at("context").contains("confusion"));
  EXPECT_NEAR(j.at("events").at("hours_evaluated").get<double>(), 60.0 / 3600.0, 1e-3);
  EXPECT_EQ(j.at("config").at("window_precision"), "float");
  EXPECT_NE(r.out.find("macro-F1"), std::string::npos);
}

}  // namespace

// Smoke trainings (seconds): an easy two-class set is learnt, the same seed gives
// the same weights, and bad input is refused with a clear message.
#include <gtest/gtest.h>

#include <filesystem>

#include "css/sim/generator.hpp"
#include "css/train/exporter.hpp"
#include "css/train/train_config.hpp"
#include "css/train/trainer.hpp"

namespace css::train {
namespace {

std::vector<Recording> two_class_recordings() {
  std::vector<Recording> all;
  int part = 0;
  for (auto scenario : {sim::Scenario::kStationary, sim::Scenario::kRunning}) {
    sim::GeneratorConfig g;
    g.scenario = scenario;
    g.devices = 6;
    g.duration_s = 30;
    g.seed = 100 + static_cast<std::uint64_t>(part);
    auto recs = sim::generate(g);
    EXPECT_TRUE(recs) << recs.error().message;
    if (!recs) return all;
    for (auto& r : *recs) {
      r.subject = std::to_string(part) + "/" + r.subject;
      r.device = std::to_string(part) + "/" + r.device;
      all.push_back(std::move(r));
    }
    ++part;
  }
  return all;
}

TrainConfig tiny_config() {
  auto t = train_config_from(Config(train_settings()));
  EXPECT_TRUE(t);
  TrainConfig c = *t;
  c.model.width = 8;
  c.model.dilations = {1, 2, 4, 8};
  c.model.window = 64;
  c.windows.length = 64;
  c.windows.hop = 16;
  c.eval_hop = 32;
  c.epochs = 3;
  c.samples_per_epoch = 512;
  c.batch_size = 64;
  c.lr = 5e-3;
  c.patience = 10;
  c.threads = 1;
  c.augment_fraction = 0.3;
  c.calibration_windows = 32;
  c.val_frac = 0.25;
  c.test_frac = 0.25;
  return c;
}

class Training : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("css_train_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(Training, LearnsStationaryVersusRunning) {
  const auto recs = two_class_recordings();
  ASSERT_FALSE(recs.empty());
  auto c = tiny_config();
  c.epochs = 4;
  c.samples_per_epoch = 1024;
  auto rep = train_on(recs, c, dir_ / "a");
  ASSERT_TRUE(rep) << rep.error().message;
  ASSERT_EQ(rep->history.size(), 4u);
  EXPECT_LT(rep->history.back().train_loss, rep->history.front().train_loss);
  // Chance: ln 8 for the untrained 8-way head, ln 2 once it knows the two classes.
  EXPECT_LT(rep->history.back().train_loss, std::log(2.0));
  EXPECT_LT(rep->history.back().train_loss, 0.5 * rep->history.front().train_loss);
  // Held-out subjects (the split may put one class only in test, so accuracy, not macro-F1).
  EXPECT_GT(rep->test_accuracy, 0.9) << rep->test_table;  // chance is 0.5
  for (const char* f :
       {"best.pt", "last.pt", "model.json", "summary.txt", "eval.pt", "train_metrics.json"})
    EXPECT_TRUE(std::filesystem::exists(dir_ / "a" / f)) << f;
}

// train.context: every window comes with the receptive field's history, and the export's
// held-out check runs those same rows through LibTorch and the engine.
TEST_F(Training, WithHistoryTheExportSeesTheSameRows) {
  const auto recs = two_class_recordings();
  auto c = tiny_config();
  c.epochs = 2;
  c.context = static_cast<std::size_t>(c.model.receptive_field() - 1);
  auto rep = train_on(recs, c, dir_ / "h");
  ASSERT_TRUE(rep) << rep.error().message;
  EXPECT_GT(rep->test_accuracy, 0.8) << rep->test_table;
  ExportOptions eo;
  eo.checkpoint = dir_ / "h" / "best.pt";
  auto ex = export_model(eo);
  ASSERT_TRUE(ex) << ex.error().message;
  EXPECT_EQ(ex->eval_windows, rep->test_windows);
  EXPECT_LT(ex->max_prob_diff_float, 1e-4);
  EXPECT_NE(ex->metrics_json.find("\"context\": " + std::to_string(c.context)), std::string::npos);
}

TEST_F(Training, SameSeedGivesIdenticalWeights) {
  const auto recs = two_class_recordings();
  auto c = tiny_config();
  c.epochs = 1;
  c.samples_per_epoch = 256;
  ASSERT_TRUE(train_on(recs, c, dir_ / "x"));
  ASSERT_TRUE(train_on(recs, c, dir_ / "y"));
  auto wx = checkpoint_values(dir_ / "x" / "last.pt");
  auto wy = checkpoint_values(dir_ / "y" / "last.pt");
  ASSERT_TRUE(wx && wy);
  ASSERT_FALSE(wx->empty());
  EXPECT_EQ(*wx, *wy);

  c.seed += 1;
  ASSERT_TRUE(train_on(recs, c, dir_ / "z"));
  auto wz = checkpoint_values(dir_ / "z" / "last.pt");
  ASSERT_TRUE(wz);
  EXPECT_NE(*wx, *wz);
}

TEST_F(Training, BadInputIsRefusedWithAClearMessage) {
  auto c = tiny_config();
  c.data_path = dir_ / "missing.npy";
  auto r = train(c, dir_ / "m");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  EXPECT_NE(r.error().message.find("missing"), std::string::npos);

  auto recs = two_class_recordings();
  recs[0].labels[5] = static_cast<Label>(42);
  auto bad_label = train_on(recs, tiny_config(), dir_ / "l");
  ASSERT_FALSE(bad_label);
  EXPECT_NE(bad_label.error().message.find("label"), std::string::npos);

  auto wrong = tiny_config();
  wrong.model.in_channels = 9;
  auto bad_ch = train_on(two_class_recordings(), wrong, dir_ / "c");
  ASSERT_FALSE(bad_ch);
  EXPECT_NE(bad_ch.error().message.find("channels"), std::string::npos);
}

TEST_F(Training, SplitWithoutTestWindowsIsRefusedNamingTheSplit) {
  // One subject: it goes to training, none is left for test.
  auto recs = two_class_recordings();
  ASSERT_GE(recs.size(), 3u);
  recs.resize(1);
  auto none = train_on(recs, tiny_config(), dir_ / "t0");
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(none.error().message.find("train.test_frac = 0.25: the split by subject leaves no "
                                      "test windows (0 of 1 recordings held out)"),
            std::string::npos)
      << none.error().message;
  EXPECT_EQ(none.error().message.find('\n'), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "t0")) << "refused before writing anything";

  // Two devices and a test fraction that rounds to no device (with three or more keys, every
  // part gets one).
  recs = two_class_recordings();
  recs.resize(2);
  auto c = tiny_config();
  c.split_key = data::SplitKey::kDevice;
  c.test_frac = 0.1;
  auto two = train_on(recs, c, dir_ / "t2");
  ASSERT_FALSE(two);
  EXPECT_NE(two.error().message.find(
                "train.test_frac = 0.1: the split by device leaves no test windows (0 of 2"),
            std::string::npos)
      << two.error().message;

  // With a third subject there is a test part again, and training runs.
  recs = two_class_recordings();
  recs.resize(3);
  c = tiny_config();
  c.epochs = 1;
  auto three = train_on(recs, c, dir_ / "t3");
  ASSERT_TRUE(three) << three.error().message;
  EXPECT_GT(three->test_windows, 0u);
}

}  // namespace
}  // namespace css::train

// BatchNorm folding exactness and the LibTorch ↔ engine round trip (float within
// 1e-4, int8 within quantisation tolerance), on a model with non-trivial BN stats.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <vector>

#include "checkpoint.hpp"
#include "css/features/features.hpp"
#include "css/modelrun/engine_eval.hpp"
#include "css/nn/interpreter.hpp"
#include "css/train/exporter.hpp"
#include "tcn.hpp"

namespace css::train {
namespace {

// A model whose BatchNorm layers have random affine params and running stats, as
// after training (fresh BN is the identity and would hide folding mistakes).
Tcn random_model(const TcnConfig& cfg, std::uint64_t seed) {
  torch::manual_seed(seed);
  Tcn m(cfg);
  torch::NoGradGuard no_grad;
  for (auto& b : m->blocks)
    for (auto& u : b->units) {
      const auto n = u->bn->weight.size(0);
      u->bn->weight.copy_(torch::rand({n}) + 0.5);
      u->bn->bias.copy_(torch::randn({n}) * 0.3);
      u->bn->running_mean.copy_(torch::randn({n}) * 0.2);
      u->bn->running_var.copy_(torch::rand({n}) + 0.3);
    }
  m->eval();
  return m;
}

TcnConfig small_config() {
  TcnConfig c;
  c.width = 8;
  c.dilations = {1, 2, 4};
  c.convs_per_block = 2;
  c.window = 32;
  return c;
}

TEST(FoldBatchNorm, FoldedConvEqualsConvPlusBatchNorm) {
  auto m = random_model(small_config(), 7);
  auto& u = m->blocks[1]->units[0];
  const auto x = torch::randn({4, 8, 40});
  namespace F = torch::nn::functional;
  const auto padded = F::pad(x, F::PadFuncOptions({u->pad, 0}));
  const auto reference = u->bn->forward(u->conv->forward(padded));
  const auto f = fold_conv_bn(u->conv, u->bn);
  const auto folded = F::conv1d(
      padded, f.weight, F::Conv1dFuncOptions().bias(f.bias).dilation(u->conv->options.dilation()));
  EXPECT_LT((reference - folded).abs().max().item<float>(), 1e-5f);
}

TEST(FoldBatchNorm, WholeFoldedNetworkMatchesEvalForward) {
  auto m = random_model(small_config(), 11);
  const auto x = torch::randn({6, small_config().in_channels, 32});
  torch::NoGradGuard no_grad;
  EXPECT_LT((m->forward(x) - folded_forward(m, x)).abs().max().item<float>(), 1e-5f);
}

class ExportRoundTrip : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() / ("css_train_export_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(ExportRoundTrip, EngineFloatMatchesLibTorchAndInt8StaysClose) {
  const auto cfg = small_config();
  auto m = random_model(cfg, 3);
  features::Normalization norm;
  for (std::size_t c = 0; c < norm.mean.size(); ++c) {
    norm.mean[c] = 0.1f * static_cast<float>(c);
    norm.std[c] = 0.5f + 0.1f * static_cast<float>(c);
  }
  torch::manual_seed(5);
  // Raw windows [N, T, C] whose normalised values are ~N(0, 1).
  const auto mean = torch::tensor(std::vector<float>(norm.mean.begin(), norm.mean.end()));
  const auto sd = torch::tensor(std::vector<float>(norm.std.begin(), norm.std.end()));
  const auto calib = torch::randn({64, cfg.window, cfg.in_channels}) * sd + mean;
  const auto ckpt = dir_ / "best.pt";
  ASSERT_TRUE(save_checkpoint(ckpt, m, "{}", norm, calib));

  ExportOptions eo;
  eo.checkpoint = ckpt;
  auto ex = export_model(eo);
  ASSERT_TRUE(ex) << ex.error().message;
  EXPECT_EQ(ex->calibration_windows, 64u);
  EXPECT_EQ(ex->eval_windows, 0u);  // no eval.pt beside this checkpoint

  // Fresh inputs, not the calibration set.
  const int n = 16;
  const auto x = torch::randn({n, cfg.window, cfg.in_channels}) * sd + mean;
  const auto xc = x.contiguous();
  std::vector<float> raw(xc.data_ptr<float>(), xc.data_ptr<float>() + xc.numel());
  torch::NoGradGuard no_grad;
  const auto torch_probs =
      torch::softmax(m->forward(((x - mean) / sd).permute({0, 2, 1}).contiguous()), 1).contiguous();
  auto pf = modelrun::run_model(ex->csm, nn::Precision::kFloat, raw, n);
  ASSERT_TRUE(pf) << pf.error().message;
  auto pq = modelrun::run_model(ex->csm, nn::Precision::kInt8, raw, n);
  ASSERT_TRUE(pq) << pq.error().message;
  ASSERT_EQ(pf->size(), static_cast<std::size_t>(torch_probs.numel()));
  double max_float = 0.0, sum_q = 0.0;
  for (std::size_t i = 0; i < pf->size(); ++i) {
    max_float = std::max(
        max_float, static_cast<double>(std::abs((*pf)[i] - torch_probs.data_ptr<float>()[i])));
    sum_q += std::abs((*pq)[i] - (*pf)[i]);
  }
  EXPECT_LT(max_float, 1e-4);
  // int8: 8-bit activations through 6 convs; mean probability error of a few percent at most.
  EXPECT_LT(sum_q / static_cast<double>(pf->size()), 0.03);

  // An int8-only export drops the float weights: the float mode is refused, int8 is unchanged.
  eo.include_float = false;
  auto small = export_model(eo);
  ASSERT_TRUE(small) << small.error().message;
  EXPECT_LT(small->csm.size(), ex->csm.size());
  EXPECT_FALSE(modelrun::run_model(small->csm, nn::Precision::kFloat, raw, n));
  auto pq2 = modelrun::run_model(small->csm, nn::Precision::kInt8, raw, n);
  ASSERT_TRUE(pq2);
  EXPECT_EQ(*pq2, *pq);

  // The features version a checkpoint was trained on travels into the model's metadata, so a
  // model made for other features is refused before it runs on the wrong inputs.
  ASSERT_TRUE(save_checkpoint(ckpt, m, R"({"features":"1"})", norm, calib));
  auto old = export_model(eo);
  ASSERT_TRUE(old) << old.error().message;
  nn::Model parsed;
  ASSERT_EQ(nn::Model::parse(old->csm, parsed), nn::Status::kOk);
  ASSERT_NE(parsed.metadata("features"), nullptr);
  EXPECT_STREQ(parsed.metadata("features"), "1");
  EXPECT_FALSE(features::check_model_inputs(parsed.input_channels(), parsed.metadata("features")));
}

// A model trained with history (train.context) sees T > window steps and pools over the last
// `window` only: exactly the engine's window mode with history, and so the warm Streaming.
TEST_F(ExportRoundTrip, HistoryBeforeTheWindowMatchesTheEngine) {
  const auto cfg = small_config();
  auto m = random_model(cfg, 13);
  features::Normalization norm;
  norm.mean.fill(0.0f);
  norm.std.fill(1.0f);
  torch::manual_seed(17);
  const int steps = cfg.window + cfg.receptive_field() - 1;
  const auto calib = torch::randn({32, steps, cfg.in_channels});
  const auto ckpt = dir_ / "history.pt";
  ASSERT_TRUE(save_checkpoint(ckpt, m, R"({"context":14})", norm, calib));
  ExportOptions eo;
  eo.checkpoint = ckpt;
  auto ex = export_model(eo);
  ASSERT_TRUE(ex) << ex.error().message;

  const int n = 8;
  const auto x = torch::randn({n, steps, cfg.in_channels}).contiguous();
  const std::vector<float> raw(x.data_ptr<float>(), x.data_ptr<float>() + x.numel());
  torch::NoGradGuard no_grad;
  const auto full = torch::softmax(m->forward(x.permute({0, 2, 1}).contiguous()), 1).contiguous();
  const auto last = x.narrow(1, steps - cfg.window, cfg.window).permute({0, 2, 1}).contiguous();
  const auto bare = torch::softmax(m->forward(last), 1).contiguous();
  auto pf = modelrun::run_model(ex->csm, nn::Precision::kFloat, raw, n);
  ASSERT_TRUE(pf) << pf.error().message;
  double max_diff = 0.0, history_effect = 0.0;
  for (std::size_t i = 0; i < pf->size(); ++i) {
    max_diff =
        std::max(max_diff, static_cast<double>(std::abs((*pf)[i] - full.data_ptr<float>()[i])));
    history_effect = std::max(
        history_effect,
        static_cast<double>(std::abs(full.data_ptr<float>()[i] - bare.data_ptr<float>()[i])));
  }
  EXPECT_LT(max_diff, 1e-4);
  EXPECT_GT(history_effect, 1e-3);  // the history really changes the output
  EXPECT_LT((m->forward(x.permute({0, 2, 1}).contiguous()) -
             folded_forward(m, x.permute({0, 2, 1}).contiguous()))
                .abs()
                .max()
                .item<float>(),
            1e-5f);
  // Fewer steps than the window is refused with the sizes named.
  auto short_run = modelrun::run_model(ex->csm, nn::Precision::kFloat,
                                       std::span<const float>(raw).first(static_cast<std::size_t>(
                                           n * (cfg.window - 1) * cfg.in_channels)),
                                       n);
  ASSERT_FALSE(short_run);
  EXPECT_NE(short_run.error().message.find(">= 32"), std::string::npos)
      << short_run.error().message;
}

TEST_F(ExportRoundTrip, MissingOrForeignCheckpointIsAClearError) {
  ExportOptions eo;
  eo.checkpoint = dir_ / "nope.pt";
  auto r = export_model(eo);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  EXPECT_NE(r.error().message.find("nope.pt"), std::string::npos);

  std::ofstream(dir_ / "junk.pt") << "not a checkpoint";
  eo.checkpoint = dir_ / "junk.pt";
  auto j = export_model(eo);
  ASSERT_FALSE(j);
  EXPECT_NE(j.error().message.find("junk.pt"), std::string::npos);
}

}  // namespace
}  // namespace css::train

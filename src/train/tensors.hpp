// Tensor helpers of the trainer and exporter (private to src/train).
#pragma once

#include <torch/torch.h>

#include <filesystem>
#include <span>

#include "css/core/result.hpp"
#include "css/features/features.hpp"
#include "css/modelrun/metrics.hpp"
#include "css/modelrun/window_data.hpp"
#include "tcn.hpp"

namespace css::train {

// n windows of [length, C] row-major floats → [n, C, length] tensor (a copy).
torch::Tensor windows_to_tensor(std::span<const float> values, std::size_t n, std::size_t length);

// `context` below is the number of history rows fed before each window (gather_window):
// the model pools over the last `length` steps only, as the warm edge engine does.

// Up to `count` raw (unnormalised, all sensors) training windows with their context, evenly
// spread over the set in a seed-dependent order: [N, context + length, C].
torch::Tensor calibration_windows(const modelrun::WindowSet& set,
                                  const features::Normalization& norm, std::size_t context,
                                  int count, std::uint64_t seed);

// Eval-mode LibTorch predictions of every window of the set (all sensors present).
modelrun::ConfusionMatrix evaluate_torch(Tcn& model, const modelrun::WindowSet& set,
                                         const features::Normalization& norm, std::size_t context,
                                         const features::ChannelMask& mask = {});

// Held-out windows for export-time evaluation: "x" [N, context + length, C] raw features,
// "y" [N] int64.
struct EvalWindows {
  torch::Tensor x;
  torch::Tensor y;
};
// The bytes of an evaluation-windows file (`path` names it in errors), for the caller to
// write with its other outputs (train writes its result files all or none).
Result<std::string> eval_windows_bytes(const std::filesystem::path& path,
                                       const modelrun::WindowSet& set,
                                       const features::Normalization& norm, std::size_t context);
Result<EvalWindows> load_eval_windows(const std::filesystem::path& path);

}  // namespace css::train

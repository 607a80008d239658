// Checkpoint file (torch::serialize archive, private to src/train): one
// self-describing file, so export never needs the training config.
//   "model"        the TcnImpl parameters and buffers (torch::save layout)
//   "architecture" TcnConfig JSON (string)
//   "meta"         JSON string: classes, seed, epoch, validation macro-F1, window spec
//   "norm_mean", "norm_std"   float [C]
//   "calibration"  float [N, T, C] raw feature windows for int8 calibration
#pragma once

#include <torch/torch.h>

#include <filesystem>
#include <string>

#include "css/core/result.hpp"
#include "css/features/features.hpp"
#include "tcn.hpp"

namespace css::train {

struct Checkpoint {
  Tcn model{nullptr};
  std::string meta_json;
  features::Normalization norm;
  torch::Tensor calibration;  // [N, context + window, C] raw features, may be undefined/empty
};

Status save_checkpoint(const std::filesystem::path& path, Tcn& model, const std::string& meta_json,
                       const features::Normalization& norm, const torch::Tensor& calibration);
Result<Checkpoint> load_checkpoint(const std::filesystem::path& path);

}  // namespace css::train

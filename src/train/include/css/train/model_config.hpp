// TcnConfig: the architecture of the classifier, in terms that map one-to-one
// onto the engine's ops (docs/training.md, "Model"):
//
//   input [window, in_channels] (normalised features)
//   per block b (dilation d_b, width w_b):
//     convs_per_block × { causal Conv1D(kernel, d_b) + BatchNorm + ReLU + Dropout }
//     residual: identity when the width is unchanged, else a 1×1 Conv1D projection
//     Add, then ReLU (fused into the engine's add op)
//   GlobalAvgPool over the window → Dense(classes) → Softmax
//
// BatchNorm is folded into the conv before export and dropout vanishes, so the
// exported graph is conv/add/pool/dense/softmax only. Torch-free.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "css/core/result.hpp"

namespace css::train {

struct TcnConfig {
  int in_channels = 11;  // features::kChannelCount (checked by the trainer)
  int classes = 8;       // css::kLabelCount
  int window = 128;      // samples pooled per window (2.56 s at 50 Hz)
  int width = 14;        // channels of every block (nn::DefaultModelOptions::hidden)
  int kernel = 3;
  std::vector<int> dilations = {1, 1, 2, 4, 8, 16, 32};  // RF 129 with kernel 3
  int convs_per_block = 1;
  double dropout = 0.05;

  // 1 + Σ over all convs of (kernel − 1)·dilation.
  int receptive_field() const;
  // Trainable parameters of the exported graph (BatchNorm folded away).
  std::int64_t exported_parameters() const;
  // Checks ranges the engine supports (format.hpp limits); message names the field.
  Status validate() const;

  std::string to_json() const;
  static Result<TcnConfig> from_json(const std::string& text);
};

}  // namespace css::train

// Export: checkpoint → BatchNorm folded into the convs → nn::ModelWriter graph
// (conv1d / residual add / global average pool / dense / softmax) → int8
// post-training calibration → .csm bytes, evaluated float vs int8 through our
// engine. Torch stays inside src/train/*.cpp.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "css/core/result.hpp"
#include "css/modelrun/metrics.hpp"

namespace css::train {

struct ExportOptions {
  std::filesystem::path checkpoint;
  // .npy dataset whose windows calibrate int8; empty = the training slice saved
  // in the checkpoint.
  std::filesystem::path calibration;
  int calibration_windows = 512;          // cap when calibrating from a dataset
  double calibration_percentile = 99.99;  // range per tensor, see calibrate_int8
  // Held-out windows for the float vs int8 report; empty = eval.pt next to the checkpoint
  // (skipped when absent), or a .npy dataset.
  std::filesystem::path eval;
  bool include_float = true;  // keep float weights in the .csm (engine float mode, ONNX)
  std::string model_name = "citysafe-tcn";
};

struct ExportResult {
  std::vector<std::uint8_t> csm;
  std::size_t calibration_windows = 0;
  std::size_t eval_windows = 0;
  double torch_macro_f1 = 0.0;       // LibTorch (BN not folded), eval mode
  double float_macro_f1 = 0.0;       // our engine, float weights
  double int8_macro_f1 = 0.0;        // our engine, int8
  double max_prob_diff_float = 0.0;  // max |p_torch − p_engine_float| over eval windows
  double int8_agreement = 0.0;       // fraction of windows where int8 and float argmax agree
  std::size_t streaming_arena_bytes = 0;
  std::size_t window_arena_bytes = 0;
  std::int64_t parameters = 0;
  std::string float_table, int8_table;  // ConfusionMatrix::format
  std::string metrics_json;             // everything above as JSON (models/*.metrics.json)
};

Result<ExportResult> export_model(const ExportOptions& options);

}  // namespace css::train

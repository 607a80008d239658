// Batches of windows through OUR engine (WindowRunner, window mode) and post-training int8
// quantisation. Torch-free: window-level evaluation, the exporter and tests share it; reading a
// model file is LoadedModel's job (loaded_model.hpp).
//
// Windows are raw feature rows as features::extract gives them, [N, T, C]
// row-major with T >= the model's window (rows before the last `window` are history the
// convolutions see but the pool does not); the engine normalises inside.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "css/core/result.hpp"
#include "css/nn/interpreter.hpp"
#include "css/nn/model_writer.hpp"

namespace css::modelrun {

// Class probabilities [N, classes] of n windows. Float precision needs a model
// written with float weights.
Result<std::vector<float>> run_model(std::span<const std::uint8_t> csm, nn::Precision precision,
                                     std::span<const float> windows, std::size_t n);

struct CalibrationReport {
  std::size_t windows = 0;
  std::vector<float> lo, hi;  // observed float range per tensor id (0 = normalised input)
};

// Post-training int8 calibration: runs the writer's float graph through the
// engine on the calibration windows, records every value of each tensor and
// sets asymmetric int8 QuantParams covering [q(1 − p), q(p)] of them (p =
// percentile / 100; 100 = min/max, TFLite's default; a slightly lower p stops a
// few outliers from coarsening every other value's step). Tensor 0 is the
// normalised input. Weights are quantised per output channel by the writer.
Result<CalibrationReport> calibrate_int8(nn::ModelWriter& writer, std::span<const float> windows,
                                         std::size_t n, double percentile = 100.0);

// Streaming arena bytes (Streaming::required_arena_bytes) and window-mode int8
// arena bytes of a model, for the size report.
struct ArenaSizes {
  std::size_t streaming = 0;
  std::size_t window_int8 = 0;
};
Result<ArenaSizes> arena_sizes(std::span<const std::uint8_t> csm);

// A C header with the model bytes as `alignas(4) static const unsigned char
// <symbol>[]` and `<symbol>_len`, for firmware builds.
std::string c_header(std::span<const std::uint8_t> csm, const std::string& symbol);

}  // namespace css::modelrun

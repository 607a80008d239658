// Summary: what `citysafe model info` prints about a model — its ops,
// parameters, multiply-accumulates, memory and identity. Figures are computed
// from the parsed model and the engine's own planners, never estimated.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "css/nn/model.hpp"

namespace css::modelrun {

struct OpSummary {
  std::string text;          // "conv1d 10->14 k3 d1 relu"
  std::uint64_t params = 0;  // weights + biases
  std::uint64_t macs = 0;    // per window inference
};

struct ModelSummary {
  std::vector<OpSummary> ops;
  std::uint64_t params = 0;
  std::uint64_t weight_bytes = 0;      // int8 weights + int32 biases + f32 scales
  std::uint64_t macs_per_window = 0;   // over `window` steps
  std::uint64_t macs_per_sample = 0;   // streaming: one step of every layer
  std::size_t arena_int8_window = 0;   // bytes, optimised kernels on this CPU
  std::size_t arena_float_window = 0;  // 0 when the file has no float weights
  std::size_t arena_streaming = 0;
  // The portable kernels (what a Cortex-M4 runs): SIMD paths pack weights into the arena.
  std::size_t arena_int8_window_portable = 0;
  std::size_t arena_streaming_portable = 0;
  std::uint32_t window = 0, receptive_field = 0, input_channels = 0;
  std::vector<std::string> classes;
  std::vector<std::pair<std::string, std::string>> metadata;
  std::string checksum;
  bool has_float_weights = false;
};

ModelSummary summarize(const nn::Model& model);
std::string format_summary(const ModelSummary& s);  // aligned text for people
std::string summary_json(const ModelSummary& s);    // one JSON object for tools

}  // namespace css::modelrun

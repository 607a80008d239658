// Latency of one model on this machine, batch 1, for `citysafe model bench`:
// window inference (int8 optimised, int8 reference, float when the file has
// float weights) and streaming per sample. Inputs are deterministic random
// feature rows; each figure is a distribution over `iterations` timed calls
// after a warm-up. For comparisons against other runtimes use bench/run engine.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "css/core/result.hpp"
#include "css/nn/model.hpp"

namespace css::modelrun {

struct LatencyStats {
  std::string
      mode;  // "int8_window", "int8_window_reference", "float_window", "int8_streaming_sample"
  double p50_us = 0, p90_us = 0, p99_us = 0, max_us = 0;
  std::uint64_t calls = 0;
};

struct LatencyOptions {
  std::uint32_t iterations = 2000;  // window calls; streaming pushes iterations * 16 samples
  std::uint64_t seed = 1;
};

Result<std::vector<LatencyStats>> measure_latency(const nn::Model& model,
                                                  const LatencyOptions& options);
std::string format_latency(const std::vector<LatencyStats>& stats);
std::string latency_json(const std::vector<LatencyStats>& stats);

}  // namespace css::modelrun

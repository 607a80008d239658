// Inference over a dataset, for `citysafe infer`: each recording's frames go
// through features::extract (the one preprocessing step), then every hop
// samples the model classifies the window ending there, with the context the
// engine needs to equal the edge's streaming output (docs/engine.md: up to
// context_length samples before the window's end, causal zero padding before
// the recording starts). Windows never cross recordings.
#pragma once

#include <cstdint>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "css/core/recording.hpp"
#include "css/core/result.hpp"
#include "css/nn/interpreter.hpp"
#include "css/nn/model.hpp"

namespace css::modelrun {

struct WindowResult {
  std::size_t recording = 0;
  std::size_t end = 0;       // one past the last sample of the window
  double t_end = 0.0;        // s, time of the last sample
  int truth = -1;            // label of the last sample, -1 when unlabelled
  int predicted = 0;         // argmax of probs
  std::vector<float> probs;  // one per model class
};

struct InferenceOptions {
  std::uint32_t hop = 25;  // samples between windows (0.5 s at 50 Hz)
  nn::Precision precision = nn::Precision::kInt8;
};

// The model's input must be the feature channels (features::kChannelCount: 11 in features v4).
Result<std::vector<WindowResult>> infer_recordings(const nn::Model& model,
                                                   const std::vector<Recording>& recordings,
                                                   const InferenceOptions& options);

// CSV: recording,end,t_end,truth,predicted,<class names...>; JSON: one array.
void write_csv(std::ostream& out, const nn::Model& model, const std::vector<WindowResult>& results);
void write_json(std::ostream& out, const nn::Model& model,
                const std::vector<WindowResult>& results);

}  // namespace css::modelrun

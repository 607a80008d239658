// WindowRunner: the one host-side loop that runs a model over windows through our engine
// (nn::Interpreter, window mode). `citysafe infer`, window-level evaluation (bare and context
// windows), the exporter's checks and int8 calibration all run windows through it.
//
// A window is raw feature rows as features::extract gives them, [steps, C] row-major, with
// model.window() <= steps <= max_steps: rows before the last window() are history the
// convolutions see but the pool does not; the engine normalises inside. The runner owns its
// arena (one allocation in init()); run() does not allocate. It keeps a pointer to the Model,
// which must outlive it; it can be neither copied nor moved (the engine points into it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "css/core/result.hpp"
#include "css/nn/interpreter.hpp"
#include "css/nn/model.hpp"

namespace css::modelrun {

class WindowRunner {
 public:
  WindowRunner() = default;
  WindowRunner(const WindowRunner&) = delete;
  WindowRunner& operator=(const WindowRunner&) = delete;

  // max_steps: the most rows a window will have; 0 = model.context_length() (the history the
  // edge's warm streaming engine holds). Errors: float precision on an int8-only file, a
  // max_steps below the model's window, an engine that cannot be set up.
  Status init(const nn::Model& model, nn::Precision precision, std::size_t max_steps = 0);

  // Class probabilities of one window into probs (model.num_classes() values). The error
  // names the engine's status.
  Status run(std::span<const float> rows, std::span<float> probs);

  // Float precision only: called after every op with its output (int8 calibration).
  void set_observer(nn::Interpreter::Observer fn, void* ctx) { interp_.set_observer(fn, ctx); }

  const nn::Model& model() const { return *model_; }
  std::size_t max_steps() const { return config_.max_steps; }

 private:
  const nn::Model* model_ = nullptr;
  nn::RunConfig config_;
  nn::Interpreter interp_;
  std::vector<std::uint32_t> arena_;  // words: 4-byte alignment for free
};

// Parses .csm bytes into `model` (zero-copy: it points into csm). The error names `name`, the
// engine's status and the failing field (and op), e.g.
//   "model.csm: not a valid model: bad_checksum (field 'payload')".
Status parse_model(std::span<const std::uint8_t> csm, const std::string& name, nn::Model& model);

}  // namespace css::modelrun

// Window-level evaluation: confusion matrix, per-class P/R/F1 and macro-F1 of the engine on
// held-out windows, made exactly as training makes its validation/test windows
// (modelrun::build_windows: features::extract, data::make_windows, label policy any_risky,
// docs/training.md) and run through our engine (modelrun::WindowRunner, window mode).
//
// Two variants (docs/engine.md, "Semantics"):
//   bare     each window's W rows alone (= a stream reset at the window's first sample):
//            what training and `citysafe export` evaluate;
//   context  up to model.context_length() rows ending at the window's end: exactly what
//            the edge's warm Streaming computes at that sample.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "css/core/recording.hpp"
#include "css/core/result.hpp"
#include "css/data/windowing.hpp"
#include "css/modelrun/metrics.hpp"
#include "css/nn/interpreter.hpp"

namespace css::eval {

struct WindowEvalSpec {
  std::size_t hop = 32;  // samples; training's eval_hop
  data::LabelPolicy policy = data::LabelPolicy::kAnyRisky;
  std::size_t risky_tail = 32;  // samples
  bool context = false;         // bare or context windows (see above)
};

// Rows are the model's classes. Errors: invalid model, float precision on an int8-only
// file, a model whose input channels are not the features', a recording label that is not
// one of the model's classes (named with its recording). single_label (optional) gets the
// same matrix over the windows whose frames all carry one label: the rest straddle a change
// of activity, where the majority label is a matter of a few samples.
Result<modelrun::ConfusionMatrix> evaluate_windows(
    std::span<const std::uint8_t> csm, nn::Precision precision,
    std::span<const Recording> recordings, const WindowEvalSpec& spec = {},
    modelrun::ConfusionMatrix* single_label = nullptr);

}  // namespace css::eval

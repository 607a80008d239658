#include "css/eval/window_eval.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <string>

#include "css/edge/pipeline.hpp"
#include "css/features/features.hpp"
#include "css/modelrun/window_data.hpp"
#include "css/modelrun/window_runner.hpp"
#include "css/nn/model.hpp"

namespace css::eval {
namespace {

// Model class of every css::Label, -1 when the model does not know it.
Result<std::array<int, kLabelCount>> class_of_label(const nn::Model& model) {
  auto labels = edge::model_class_labels(model);
  if (!labels) return labels.error();
  std::array<int, kLabelCount> map{};
  map.fill(-1);
  for (std::size_t c = 0; c < labels->size(); ++c)
    map[static_cast<std::size_t>((*labels)[c])] = static_cast<int>(c);
  return map;
}

Error label_error(Label label, const Recording& rec, std::size_t index) {
  return make_error(ErrorCode::kInvalidArgument, "dataset label '" + std::string(to_string(label)) +
                                                     "' (recording " + std::to_string(index) +
                                                     ", device '" + rec.device +
                                                     "') is not a class of the model");
}

// Every window through the engine: its W rows alone (bare) or up to context_length rows
// ending where it ends (context). Appends the predicted class to pred.
Status run_windows(const nn::Model& model, nn::Precision precision, const modelrun::WindowSet& set,
                   bool context, std::vector<int>& pred) {
  const std::size_t history = context ? model.context_length() : set.length;
  modelrun::WindowRunner runner;
  if (auto st = runner.init(model, precision, history); !st) return st;
  const std::size_t c = features::kChannelCount;
  std::vector<float> probs(model.num_classes());
  for (std::size_t i = 0; i < set.windows.size(); ++i) {
    const auto& w = set.windows[i];
    const std::size_t end = w.begin + set.length;
    const std::size_t start = end > history ? end - history : 0;
    const std::span<const float> rows(set.tracks[w.recording].values.data() + start * c,
                                      (end - start) * c);
    if (auto st = runner.run(rows, probs); !st)
      return make_error(st.error().code, "window " + std::to_string(i) + ": " + st.error().message);
    pred.push_back(modelrun::argmax_rows(probs, static_cast<int>(model.num_classes()))[0]);
  }
  return Ok{};
}

// True when every frame of the window carries the same label (no change of activity).
bool one_label(const modelrun::WindowSet& set, const data::Window& w) {
  const auto& labels = set.tracks[w.recording].labels;
  const auto first = labels.begin() + static_cast<std::ptrdiff_t>(w.begin);
  return std::all_of(first, first + static_cast<std::ptrdiff_t>(set.length),
                     [&](Label l) { return l == *first; });
}

}  // namespace

Result<modelrun::ConfusionMatrix> evaluate_windows(std::span<const std::uint8_t> csm,
                                                   nn::Precision precision,
                                                   std::span<const Recording> recordings,
                                                   const WindowEvalSpec& spec,
                                                   modelrun::ConfusionMatrix* single_label) {
  nn::Model model;
  if (auto s = edge::open_model(csm, model); !s) return s.error();
  if (precision == nn::Precision::kFloat && !model.has_float_weights())
    return make_error(ErrorCode::kInvalidArgument,
                      "model: no float weights (int8-only file); use --precision int8");
  auto classes = class_of_label(model);
  if (!classes) return classes.error();

  data::WindowSpec ws{model.window(), spec.hop, spec.policy, spec.risky_tail};
  auto set = modelrun::build_windows(recordings, ws);
  if (!set) return set.error();
  std::vector<int> truth(set->windows.size());
  for (std::size_t i = 0; i < truth.size(); ++i) {
    const auto& w = set->windows[i];
    truth[i] = (*classes)[static_cast<std::size_t>(w.label)];
    if (truth[i] < 0) return label_error(w.label, recordings[w.recording], w.recording);
  }
  std::vector<int> pred;
  pred.reserve(truth.size());
  if (auto st = run_windows(model, precision, *set, spec.context, pred); !st) return st.error();
  modelrun::ConfusionMatrix cm(model.num_classes());
  if (single_label) *single_label = modelrun::ConfusionMatrix(model.num_classes());
  for (std::size_t i = 0; i < truth.size(); ++i) {
    cm.add(truth[i], pred[i]);
    if (single_label && one_label(*set, set->windows[i])) single_label->add(truth[i], pred[i]);
  }
  return cm;
}

}  // namespace css::eval

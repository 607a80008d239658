#include "css/eval/window_eval.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <string>

#include "css/edge/pipeline.hpp"
#include "css/features/features.hpp"
#include "css/nn/model.hpp"
#include "css/train/engine_eval.hpp"
#include "css/train/window_data.hpp"

namespace css::eval {
namespace {

constexpr std::size_t kChunkWindows = 1024;  // bounds memory: 1024 × 128 × 10 floats = 5 MB

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

// Bare windows: W rows each, in chunks through train::run_model. Appends to pred.
Status run_bare(std::span<const std::uint8_t> csm, nn::Precision precision,
                const train::WindowSet& set, int classes, std::vector<int>& pred) {
  const std::size_t c = features::kChannelCount, row = set.length * c;
  std::vector<float> buf;
  for (std::size_t first = 0; first < set.windows.size(); first += kChunkWindows) {
    const std::size_t n = std::min(kChunkWindows, set.windows.size() - first);
    buf.resize(n * row);
    for (std::size_t i = 0; i < n; ++i) {
      const auto& w = set.windows[first + i];
      std::memcpy(buf.data() + i * row, set.tracks[w.recording].values.data() + w.begin * c,
                  row * sizeof(float));
    }
    auto probs = train::run_model(csm, precision, buf, n);
    if (!probs) return probs.error();
    const auto p = train::argmax_rows(*probs, classes);
    pred.insert(pred.end(), p.begin(), p.end());
  }
  return Ok{};
}

// Context windows: up to context_length rows ending where the window ends.
Status run_context(const nn::Model& model, nn::Precision precision, const train::WindowSet& set,
                   std::vector<int>& pred) {
  nn::RunConfig rc;
  rc.precision = precision;
  rc.max_steps = model.context_length();
  std::vector<std::uint32_t> arena((nn::Interpreter::required_arena_bytes(model, rc) + 3) / 4);
  nn::Interpreter interp;
  if (auto s =
          interp.init(model, {reinterpret_cast<std::uint8_t*>(arena.data()), arena.size() * 4}, rc);
      s != nn::Status::kOk)
    return make_error(ErrorCode::kInvalidArgument,
                      std::string("model: cannot run ") +
                          (precision == nn::Precision::kFloat ? "float" : "int8") + " windows (" +
                          nn::status_name(s) + ")");
  const std::size_t c = features::kChannelCount;
  std::vector<float> probs(model.num_classes());
  for (std::size_t i = 0; i < set.windows.size(); ++i) {
    const auto& w = set.windows[i];
    const std::size_t end = w.begin + set.length;
    const std::size_t start = end > model.context_length() ? end - model.context_length() : 0;
    const std::span<const float> rows(set.tracks[w.recording].values.data() + start * c,
                                      (end - start) * c);
    if (auto s = interp.run_window(rows, probs); s != nn::Status::kOk)
      return make_error(ErrorCode::kInvalidArgument,
                        "window " + std::to_string(i) + ": " + nn::status_name(s));
    pred.push_back(train::argmax_rows(probs, model.num_classes())[0]);
  }
  return Ok{};
}

// True when every frame of the window carries the same label (no change of activity).
bool one_label(const train::WindowSet& set, const data::Window& w) {
  const auto& labels = set.tracks[w.recording].labels;
  const auto first = labels.begin() + static_cast<std::ptrdiff_t>(w.begin);
  return std::all_of(first, first + static_cast<std::ptrdiff_t>(set.length),
                     [&](Label l) { return l == *first; });
}

}  // namespace

Result<train::ConfusionMatrix> evaluate_windows(std::span<const std::uint8_t> csm,
                                                nn::Precision precision,
                                                std::span<const Recording> recordings,
                                                const WindowEvalSpec& spec,
                                                train::ConfusionMatrix* single_label) {
  nn::Model model;
  if (auto s = edge::open_model(csm, model); !s) return s.error();
  if (precision == nn::Precision::kFloat && !model.has_float_weights())
    return make_error(ErrorCode::kInvalidArgument,
                      "model: no float weights (int8-only file); use --precision int8");
  auto classes = class_of_label(model);
  if (!classes) return classes.error();

  data::WindowSpec ws{model.window(), spec.hop, spec.policy, spec.risky_tail};
  auto set = train::build_windows(recordings, ws);
  if (!set) return set.error();
  std::vector<int> truth(set->windows.size());
  for (std::size_t i = 0; i < truth.size(); ++i) {
    const auto& w = set->windows[i];
    truth[i] = (*classes)[static_cast<std::size_t>(w.label)];
    if (truth[i] < 0) return label_error(w.label, recordings[w.recording], w.recording);
  }
  std::vector<int> pred;
  pred.reserve(truth.size());
  const Status st = spec.context ? run_context(model, precision, *set, pred)
                                 : run_bare(csm, precision, *set, model.num_classes(), pred);
  if (!st) return st.error();
  train::ConfusionMatrix cm(model.num_classes());
  if (single_label) *single_label = train::ConfusionMatrix(model.num_classes());
  for (std::size_t i = 0; i < truth.size(); ++i) {
    cm.add(truth[i], pred[i]);
    if (single_label && one_label(*set, set->windows[i])) single_label->add(truth[i], pred[i]);
  }
  return cm;
}

}  // namespace css::eval

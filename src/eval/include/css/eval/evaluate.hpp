// The whole evaluation `citysafe eval` runs: window-level (bare and context windows, the
// chosen precision) and event-level (int8 streaming through edge::Pipeline — the only
// precision the edge runs), on a dataset's recordings or on held-out simulated streams.
// Results as one JSON document {"window":…, "events":…, "config":…} (docs/evaluation.md).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "css/core/recording.hpp"
#include "css/core/result.hpp"
#include "css/edge/pipeline.hpp"
#include "css/eval/event_eval.hpp"
#include "css/eval/heldout.hpp"
#include "css/eval/matching.hpp"
#include "css/eval/window_eval.hpp"
#include "css/modelrun/metrics.hpp"
#include "css/nn/interpreter.hpp"

namespace css::eval {

struct EvalOptions {
  nn::Precision precision = nn::Precision::kInt8;  // window level only
  edge::PipelineConfig pipeline;
  MatchConfig match;
  WindowEvalSpec window;  // window.context is ignored: both variants run
  HeldoutSpec heldout;    // used without a dataset
  bool window_level = true;
  bool event_level = true;
  std::string model_path, data_path;  // for the report's "config" only
};

struct EvalReport {
  std::vector<std::string> class_names;
  std::optional<modelrun::ConfusionMatrix> window_bare, window_context;
  // The same over windows with one label only (evaluate_windows' single_label).
  std::optional<modelrun::ConfusionMatrix> window_bare_single, window_context_single;
  // Context windows per Recording::placement (hand, pocket, bag, waist, …), when the data
  // holds more than one placement: "walking recall in every placement" is read here.
  std::map<std::string, modelrun::ConfusionMatrix> window_context_per_placement;
  std::optional<EventSummary> events;
  std::string model_sha256;  // hex
  double seconds = 0.0;
};

// One line of progress text (stderr in the CLI).
using Progress = std::function<void(const std::string&)>;

// Refuses a run with nothing to do or out of range, naming the field ("heldout.devices: …"):
// both levels off; held-out device counts outside [0, sim::kMaxDevices] or, with the event
// level on, all zero; hours outside (0, 168] or shorter than one frame. The memory of a
// held-out run is one stream at a time (sim::generate_device checks it against the machine).
Status validate(const EvalOptions& options);

// Every recording label must be one of the model's classes (error names the recording).
Status check_labels(std::span<const std::uint8_t> csm, std::span<const Recording> recordings);

Result<EvalReport> evaluate_recordings(std::span<const std::uint8_t> csm,
                                       std::span<const Recording> recordings,
                                       const EvalOptions& options, const Progress& progress = {});
Result<EvalReport> evaluate_heldout(std::span<const std::uint8_t> csm, const EvalOptions& options,
                                    const Progress& progress = {});

std::string report_json(const EvalReport& report, const EvalOptions& options);
// A few readable lines: macro-F1, recall, delay, false alarms per hour by scenario.
std::string format_report(const EvalReport& report);

}  // namespace css::eval

// Event-level evaluation: long continuous streams through the edge Pipeline (the code the
// node runs), detections matched to ground-truth onsets (matching.hpp), summed into the
// figures an alarm is judged by: risky-event recall (overall, per risky label), detection
// delay (median, p95), false alarms per device-hour (overall, per scenario), hours evaluated.
// docs/evaluation.md defines every figure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "css/core/recording.hpp"
#include "css/edge/pipeline.hpp"
#include "css/eval/matching.hpp"

namespace css::eval {

struct StreamResult {
  std::string scenario;                   // Recording::scenario (what the figures are grouped by)
  std::string subject;                    // Recording::subject
  std::vector<Label> label_at_detection;  // the recording's label where each detection fired
  double hours = 0.0;                     // frames / rate
  std::vector<TruthEvent> truth;
  std::vector<DetectedEvent> detected;
  MatchResult match;
  std::uint64_t rejected_samples = 0;
};

// Resets the pipeline, pushes every frame of the recording, matches the detections.
StreamResult run_stream(edge::Pipeline& pipeline, const Recording& recording,
                        const MatchConfig& config = {});

struct LabelFigures {
  std::size_t events = 0, hits = 0;
  double recall = 0.0;  // hits / events (0 when there are no events)
  double delay_median_s = 0.0, delay_p95_s = 0.0;
};

struct ScenarioFigures {
  double hours = 0.0;
  std::size_t streams = 0, events = 0, hits = 0, false_alarms = 0;
  double false_alarms_per_hour = 0.0;
};

// One false alarm, for finding out what fires: where, when, and what the person was doing.
struct FalseAlarm {
  std::string scenario, subject;
  double t_s = 0.0;                     // time in the recording
  Label event = Label::kSnatch;         // what the detector named
  Label activity = Label::kStationary;  // the recording's label at that sample
};

struct EventSummary {
  double hours = 0.0;
  std::size_t streams = 0, events = 0, hits = 0;
  std::size_t false_alarms = 0, duplicates = 0, mislabelled = 0;
  std::uint64_t rejected_samples = 0;
  double recall = 0.0;
  double delay_median_s = 0.0, delay_p95_s = 0.0;  // over hits
  double false_alarms_per_device_hour = 0.0;       // all streams, all scenarios
  std::map<std::string, LabelFigures> per_label;   // "snatch", "forced_movement"
  std::map<std::string, ScenarioFigures> per_scenario;
  // False alarms by the activity label at the detection, and the first kMaxListed of them.
  std::map<std::string, std::size_t> false_alarms_by_activity;
  std::vector<FalseAlarm> false_alarm_list;
  static constexpr std::size_t kMaxListed = 100;
};

// Accumulates stream results; summary() can be called at any time.
class EventTally {
 public:
  void add(const StreamResult& stream);
  EventSummary summary() const;

 private:
  EventSummary totals_;
  std::map<std::string, std::vector<double>> delays_;  // by label name
  std::vector<double> all_delays_;
};

// Quantile q in [0, 1] by linear interpolation between order statistics (numpy's default,
// "linear"); 0 for an empty set.
double quantile(std::vector<double> values, double q);

}  // namespace css::eval

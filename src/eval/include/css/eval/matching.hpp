// Event-level matching: detections against ground-truth risky episodes, the way an alarm
// system is judged (docs/evaluation.md, "Matching").
//
// A ground-truth episode starts at a Recording onset and lasts while the label stays risky.
//   hit         the FIRST detection of the episode's label with
//               onset − early_s ≤ t ≤ onset + late_s          (delay = t − onset, may be < 0)
//   duplicate   any later detection of that label inside the episode's span
//               [onset − early_s, max(onset + late_s, episode end + grace_s)]: the same
//               incident reported again — neither a hit nor a false alarm
//   mislabelled a detection of the other risky label inside a span: a real incident named
//               wrongly — not a hit (recall counts it missed), not a false alarm
//   false alarm any other detection
// Times are seconds on the recording's clock (SensorFrame::t). Pure functions, no state.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "css/core/label.hpp"
#include "css/core/recording.hpp"

namespace css::eval {

struct MatchConfig {
  double early_s = 0.5;  // a detection this long before the onset still counts
  double late_s = 5.0;   // ... and this long after it
  double grace_s = 2.0;  // after the risky label ends, repeats are still the same incident
};

struct TruthEvent {
  Label label = Label::kSnatch;
  double onset_s = 0.0;
  double end_s = 0.0;  // end of the contiguous risky run that starts at the onset
};

// Episodes of a recording: one per onset; end_s from the per-sample labels (onset_s when
// the labels are missing). Onsets of a non-risky label are skipped.
std::vector<TruthEvent> truth_events(const Recording& recording);

struct DetectedEvent {
  Label label = Label::kSnatch;
  double t_s = 0.0;
};

enum class Outcome { kHit, kDuplicate, kMislabelled, kFalseAlarm };

struct MatchResult {
  std::vector<Outcome> outcomes;  // per detection, in the order given
  std::vector<bool> hit;          // per truth event
  std::vector<double> delay_s;    // per truth event; meaningful where hit
  std::size_t hits = 0, duplicates = 0, mislabelled = 0, false_alarms = 0;
};

// Detections must be in time order (as a stream produces them); truth in any order.
MatchResult match_events(std::span<const TruthEvent> truth, std::span<const DetectedEvent> detected,
                         const MatchConfig& config = {});

}  // namespace css::eval

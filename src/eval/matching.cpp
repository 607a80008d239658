#include "css/eval/matching.hpp"

#include <algorithm>

namespace css::eval {

std::vector<TruthEvent> truth_events(const Recording& recording) {
  std::vector<TruthEvent> out;
  const double rate = recording.rate_hz > 0.0 ? recording.rate_hz : 50.0;
  for (const auto& onset : recording.onsets) {
    if (!is_risky(onset.label)) continue;
    TruthEvent e{onset.label, onset.t, onset.t};
    if (onset.index < recording.labels.size()) {
      std::size_t end = onset.index;
      while (end < recording.labels.size() && is_risky(recording.labels[end])) ++end;
      e.end_s = onset.t + static_cast<double>(end - onset.index) / rate;
    }
    out.push_back(e);
  }
  return out;
}

MatchResult match_events(std::span<const TruthEvent> truth, std::span<const DetectedEvent> detected,
                         const MatchConfig& config) {
  MatchResult r;
  r.hit.assign(truth.size(), false);
  r.delay_s.assign(truth.size(), 0.0);
  r.outcomes.reserve(detected.size());
  // Truth in onset order, so the earliest open episode takes a detection first.
  std::vector<std::size_t> order(truth.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return truth[a].onset_s < truth[b].onset_s;
  });
  auto in_hit_window = [&](const TruthEvent& e, double t) {
    return t >= e.onset_s - config.early_s && t <= e.onset_s + config.late_s;
  };
  auto in_span = [&](const TruthEvent& e, double t) {
    const double end = std::max(e.onset_s + config.late_s, e.end_s + config.grace_s);
    return t >= e.onset_s - config.early_s && t <= end;
  };

  for (const auto& d : detected) {
    Outcome outcome = Outcome::kFalseAlarm;
    for (const std::size_t i : order) {  // 1) an unmatched episode of this label it can hit
      if (!r.hit[i] && truth[i].label == d.label && in_hit_window(truth[i], d.t_s)) {
        r.hit[i] = true;
        r.delay_s[i] = d.t_s - truth[i].onset_s;
        outcome = Outcome::kHit;
        break;
      }
    }
    if (outcome == Outcome::kFalseAlarm) {  // 2) otherwise: inside some incident's span?
      for (const std::size_t i : order) {
        if (!in_span(truth[i], d.t_s)) continue;
        if (truth[i].label == d.label) {
          outcome = Outcome::kDuplicate;
          break;
        }
        outcome = Outcome::kMislabelled;  // keep looking: a same-label span wins
      }
    }
    r.outcomes.push_back(outcome);
    switch (outcome) {
      case Outcome::kHit:
        ++r.hits;
        break;
      case Outcome::kDuplicate:
        ++r.duplicates;
        break;
      case Outcome::kMislabelled:
        ++r.mislabelled;
        break;
      case Outcome::kFalseAlarm:
        ++r.false_alarms;
        break;
    }
  }
  return r;
}

}  // namespace css::eval

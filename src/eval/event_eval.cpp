#include "css/eval/event_eval.hpp"

#include <algorithm>
#include <cmath>

namespace css::eval {

StreamResult run_stream(edge::Pipeline& pipeline, const Recording& recording,
                        const MatchConfig& config) {
  StreamResult r;
  r.scenario = recording.scenario.empty() ? "unknown" : recording.scenario;
  r.subject = recording.subject;
  const double rate = recording.rate_hz > 0.0 ? recording.rate_hz : 50.0;
  r.hours = static_cast<double>(recording.frames.size()) / rate / 3600.0;
  r.truth = truth_events(recording);
  for (const auto& [i, d] : edge::detect_stream(pipeline, recording.frames)) {
    r.detected.push_back({d.label, d.t_s});
    r.label_at_detection.push_back(i < recording.labels.size() ? recording.labels[i]
                                                               : Label::kStationary);
  }
  r.rejected_samples = pipeline.rejected_samples();
  r.match = match_events(r.truth, r.detected, config);
  return r;
}

double quantile(std::vector<double> values, double q) {
  if (values.empty()) return 0.0;
  std::sort(values.begin(), values.end());
  const double pos = std::clamp(q, 0.0, 1.0) * static_cast<double>(values.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, values.size() - 1);
  return values[lo] + (pos - static_cast<double>(lo)) * (values[hi] - values[lo]);
}

void EventTally::add(const StreamResult& s) {
  auto& t = totals_;
  t.hours += s.hours;
  ++t.streams;
  t.events += s.truth.size();
  t.hits += s.match.hits;
  t.false_alarms += s.match.false_alarms;
  t.duplicates += s.match.duplicates;
  t.mislabelled += s.match.mislabelled;
  t.rejected_samples += s.rejected_samples;
  auto& sc = t.per_scenario[s.scenario];
  sc.hours += s.hours;
  ++sc.streams;
  sc.events += s.truth.size();
  sc.hits += s.match.hits;
  sc.false_alarms += s.match.false_alarms;
  for (std::size_t i = 0; i < std::min(s.detected.size(), s.match.outcomes.size()); ++i) {
    if (s.match.outcomes[i] != Outcome::kFalseAlarm) continue;
    // Hand-built results (tests) may leave label_at_detection empty.
    const Label activity =
        i < s.label_at_detection.size() ? s.label_at_detection[i] : Label::kStationary;
    ++t.false_alarms_by_activity[std::string(to_string(activity))];
    if (t.false_alarm_list.size() < EventSummary::kMaxListed)
      t.false_alarm_list.push_back(
          {s.scenario, s.subject, s.detected[i].t_s, s.detected[i].label, activity});
  }
  for (std::size_t i = 0; i < s.truth.size(); ++i) {
    const std::string name(to_string(s.truth[i].label));
    auto& lf = t.per_label[name];
    ++lf.events;
    if (!s.match.hit[i]) continue;
    ++lf.hits;
    delays_[name].push_back(s.match.delay_s[i]);
    all_delays_.push_back(s.match.delay_s[i]);
  }
}

EventSummary EventTally::summary() const {
  EventSummary s = totals_;
  const auto ratio = [](double num, double den) { return den > 0.0 ? num / den : 0.0; };
  s.recall = ratio(static_cast<double>(s.hits), static_cast<double>(s.events));
  s.delay_median_s = quantile(all_delays_, 0.5);
  s.delay_p95_s = quantile(all_delays_, 0.95);
  s.false_alarms_per_device_hour = ratio(static_cast<double>(s.false_alarms), s.hours);
  for (auto& [name, lf] : s.per_label) {
    lf.recall = ratio(static_cast<double>(lf.hits), static_cast<double>(lf.events));
    if (auto it = delays_.find(name); it != delays_.end()) {
      lf.delay_median_s = quantile(it->second, 0.5);
      lf.delay_p95_s = quantile(it->second, 0.95);
    }
  }
  for (auto& [name, sc] : s.per_scenario)
    sc.false_alarms_per_hour = ratio(static_cast<double>(sc.false_alarms), sc.hours);
  return s;
}

}  // namespace css::eval

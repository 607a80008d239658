#include "css/eval/real_figures.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "css/data/import_real.hpp"

namespace css::eval {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

Result<std::vector<Recording>> read_test_subjects(const fs::path& set) {
  auto recs = data::read_recordings(set);
  if (!recs) return make_error(recs.error().code, set.string() + ": " + recs.error().message);
  return data::select_part(std::move(*recs), data::SplitPart::kTest);
}

json set_json(const EvalReport& r, std::size_t subjects) {
  const auto& e = *r.events;
  const auto& cm = *r.window_context;
  json walking = json::object();
  const int w = static_cast<int>(Label::kWalking);
  for (const auto& [placement, pcm] : r.window_context_per_placement)
    if (pcm.class_metrics(w).support > 0) walking[placement] = pcm.class_metrics(w).recall;
  if (walking.empty() && cm.class_metrics(w).support > 0)
    walking["all"] = cm.class_metrics(w).recall;
  return {{"subjects", subjects},
          {"hours", e.hours},
          {"false_alarms", e.false_alarms},
          {"false_alarms_per_device_hour", e.false_alarms_per_device_hour},
          {"false_alarms_by_activity", e.false_alarms_by_activity},
          {"windows", cm.total()},
          {"accuracy_context", cm.accuracy()},
          {"macro_f1_context", cm.macro_f1()},
          {"walking_recall_by_placement", walking}};
}

}  // namespace

Result<std::string> real_test_figures(std::span<const std::uint8_t> csm,
                                      const std::vector<fs::path>& sets,
                                      const EvalOptions& options) {
  json out = json::object();
  double hours = 0.0, min_accuracy = 1.0;
  std::size_t false_alarms = 0;
  for (const auto& set : sets) {
    auto recs = read_test_subjects(set);
    if (!recs) return recs.error();
    std::set<std::string> subjects;
    for (const auto& r : *recs) subjects.insert(r.subject);
    EvalOptions o = options;
    o.window_level = o.event_level = true;
    auto report = evaluate_recordings(csm, *recs, o);
    if (!report)
      return make_error(report.error().code, set.string() + ": " + report.error().message);
    const std::string name =
        set.has_stem() ? set.stem().string() : set.parent_path().filename().string();
    out[name] = set_json(*report, subjects.size());
    hours += report->events->hours;
    false_alarms += report->events->false_alarms;
    min_accuracy = std::min(min_accuracy, report->window_context->accuracy());
  }
  out["all"] = {{"hours", hours},
                {"false_alarms", false_alarms},
                {"false_alarms_per_device_hour",
                 hours > 0.0 ? static_cast<double>(false_alarms) / hours : 0.0},
                {"min_accuracy_context", min_accuracy}};
  return out.dump(2);
}

}  // namespace css::eval

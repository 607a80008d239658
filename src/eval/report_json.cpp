// report_json: the metrics document of `citysafe eval` (keys documented in
// docs/evaluation.md, "metrics.json").
#include <nlohmann/json.hpp>
#include <string_view>

#include "css/eval/evaluate.hpp"

namespace css::eval {
namespace {

using nlohmann::json;

json window_json(const modelrun::ConfusionMatrix& cm, const std::vector<std::string>& names) {
  std::vector<std::string_view> views(names.begin(), names.end());
  return json::parse(cm.to_json(views));
}

json events_json(const EventSummary& e) {
  json j = {{"hours_evaluated", e.hours},
            {"streams", e.streams},
            {"events", e.events},
            {"hits", e.hits},
            {"recall", e.recall},
            {"delay_median_s", e.delay_median_s},
            {"delay_p95_s", e.delay_p95_s},
            {"false_alarms", e.false_alarms},
            {"false_alarms_per_device_hour", e.false_alarms_per_device_hour},
            {"duplicates", e.duplicates},
            {"mislabelled", e.mislabelled},
            {"rejected_samples", e.rejected_samples}};
  json labels = json::object();
  for (const auto& [name, lf] : e.per_label)
    labels[name] = {{"events", lf.events},
                    {"hits", lf.hits},
                    {"recall", lf.recall},
                    {"delay_median_s", lf.delay_median_s},
                    {"delay_p95_s", lf.delay_p95_s}};
  j["per_label"] = labels;
  json scenarios = json::object();
  for (const auto& [name, sc] : e.per_scenario)
    scenarios[name] = {{"hours", sc.hours},
                       {"streams", sc.streams},
                       {"events", sc.events},
                       {"hits", sc.hits},
                       {"false_alarms", sc.false_alarms},
                       {"false_alarms_per_hour", sc.false_alarms_per_hour}};
  j["per_scenario"] = scenarios;
  j["false_alarms_by_activity"] = e.false_alarms_by_activity;
  json list = json::array();
  for (const auto& fa : e.false_alarm_list)
    list.push_back({{"scenario", fa.scenario},
                    {"subject", fa.subject},
                    {"t_s", fa.t_s},
                    {"event", std::string(to_string(fa.event))},
                    {"activity", std::string(to_string(fa.activity))}});
  j["false_alarm_list"] = list;
  return j;
}

json config_json(const EvalReport& r, const EvalOptions& o) {
  const auto& d = o.pipeline.detector;
  json j = {
      {"model", o.model_path},
      {"model_sha256", r.model_sha256},
      {"data", o.data_path.empty() ? std::string("simulated held-out") : o.data_path},
      {"window_precision", o.precision == nn::Precision::kFloat ? "float" : "int8"},
      {"event_precision", "int8"},
      {"seconds", r.seconds},
      {"detector",
       {{"rate_hz", d.rate_hz},
        {"smoothing_ms", d.smoothing_ms},
        {"enter_threshold", d.enter_threshold},
        {"exit_threshold", d.exit_threshold},
        {"min_duration_ms", d.min_duration_ms},
        {"cooldown_s", d.cooldown_s},
        {"vector_window_s", d.vector_window_s},
        {"gravity_tau_s", d.gravity_tau_s}}},
      {"match",
       {{"early_s", o.match.early_s}, {"late_s", o.match.late_s}, {"grace_s", o.match.grace_s}}},
      {"window", {{"hop", o.window.hop}, {"risky_tail", o.window.risky_tail}}}};
  if (o.data_path.empty()) {
    const auto& h = o.heldout;
    j["heldout"] = {{"seed", h.seed},
                    {"hours_per_device", h.hours},
                    {"mix_devices", h.devices},
                    {"risky_devices", h.risky_devices},
                    {"normal_devices", h.normal_devices},
                    {"window_mix_devices", h.window_mix_devices},
                    {"window_risky_devices", h.window_risky_devices},
                    {"window_extra_devices", h.window_extra_devices},
                    {"window_duration_s", h.window_duration_s}};
  }
  return j;
}

}  // namespace

std::string report_json(const EvalReport& r, const EvalOptions& o) {
  json j = json::object();
  if (r.window_bare) {
    j["window"] = window_json(*r.window_bare, r.class_names);
    if (r.window_context) j["window"]["context"] = window_json(*r.window_context, r.class_names);
    if (r.window_bare_single)
      j["window"]["single_label"] = window_json(*r.window_bare_single, r.class_names);
    if (r.window_context && r.window_context_single)
      j["window"]["context"]["single_label"] = window_json(*r.window_context_single, r.class_names);
    if (r.window_context && !r.window_context_per_placement.empty()) {
      json per = json::object();
      for (const auto& [placement, cm] : r.window_context_per_placement)
        per[placement] = window_json(cm, r.class_names);
      j["window"]["context"]["per_placement"] = per;
    }
  }
  if (r.events) j["events"] = events_json(*r.events);
  j["config"] = config_json(r, o);
  return j.dump(2) + "\n";
}

}  // namespace css::eval

#include "css/eval/evaluate.hpp"

#include <chrono>
#include <cstdio>
#include <sstream>

#include "css/nn/model.hpp"

namespace css::eval {
namespace {

std::string hex(std::span<const std::uint8_t> bytes) {
  std::string s;
  char buf[3];
  for (auto b : bytes) {
    std::snprintf(buf, sizeof buf, "%02x", b);
    s += buf;
  }
  return s;
}

std::string fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

// Parses the model and checks what both levels need; fills class names and checksum.
Result<nn::Model> open_model(std::span<const std::uint8_t> csm, EvalReport& report) {
  nn::Model model;
  if (auto s = edge::open_model(csm, model); !s) return s.error();
  auto labels = edge::model_class_labels(model);
  if (!labels) return labels.error();
  report.class_names.clear();
  for (auto l : *labels) report.class_names.emplace_back(to_string(l));
  report.model_sha256 = hex(model.checksum());
  return model;
}

// Recordings grouped by placement, in name order; empty when there is one placement only.
std::map<std::string, std::vector<Recording>> by_placement(std::span<const Recording> recs) {
  std::map<std::string, std::vector<Recording>> groups;
  for (const auto& r : recs) groups[r.placement].push_back(r);
  if (groups.size() < 2) groups.clear();
  return groups;
}

void merge_into(std::optional<modelrun::ConfusionMatrix>& into,
                const modelrun::ConfusionMatrix& m) {
  if (into)
    into->add(m);
  else
    into = m;
}

// Bare windows once over all recordings; context windows per placement when there are
// several (the totals are the sums: a window never spans two recordings), else once.
Status run_window_level(std::span<const std::uint8_t> csm, std::span<const Recording> recs,
                        const EvalOptions& o, EvalReport& report, const Progress& progress) {
  WindowEvalSpec spec = o.window;
  const auto groups = by_placement(recs);
  for (const bool context : {false, true}) {
    spec.context = context;
    if (progress)
      progress(std::string("window level (") + (context ? "context" : "bare") + " windows, " +
               (o.precision == nn::Precision::kFloat ? "float" : "int8") + ")…");
    auto& total = context ? report.window_context : report.window_bare;
    auto& total_single = context ? report.window_context_single : report.window_bare_single;
    if (!context || groups.empty()) {
      modelrun::ConfusionMatrix single(1);
      auto cm = evaluate_windows(csm, o.precision, recs, spec, &single);
      if (!cm) return cm.error();
      total = std::move(*cm);
      total_single = std::move(single);
      continue;
    }
    for (const auto& [placement, group] : groups) {
      modelrun::ConfusionMatrix single(1);
      auto cm = evaluate_windows(csm, o.precision, group, spec, &single);
      if (!cm) return cm.error();
      merge_into(total, *cm);
      merge_into(total_single, single);
      report.window_context_per_placement.emplace(placement, std::move(*cm));
    }
  }
  return Ok{};
}

std::string stream_line(const StreamResult& s) {
  std::ostringstream os;
  os << s.scenario << ": " << fmt("%.2f", s.hours) << " h, " << s.match.hits << "/"
     << s.truth.size() << " events hit, " << s.match.false_alarms << " false alarm(s)";
  return os.str();
}

Error invalid(const std::string& message) {
  return make_error(ErrorCode::kInvalidArgument, message);
}

// Recordings to evaluate must hold frames: an empty set or empty recordings measure nothing.
Status check_not_empty(std::span<const Recording> recordings) {
  if (recordings.empty()) return invalid("recordings: none to evaluate (expected at least one)");
  for (std::size_t r = 0; r < recordings.size(); ++r) {
    if (recordings[r].frames.empty())
      return invalid("recordings[" + std::to_string(r) + "] (device '" + recordings[r].device +
                     "'): 0 frames (expected at least one)");
  }
  return Ok{};
}

}  // namespace

Status validate(const EvalOptions& o) {
  if (!o.window_level && !o.event_level)
    return invalid("window_level, event_level: both off, nothing to evaluate");
  const HeldoutSpec& h = o.heldout;
  const std::pair<const char*, int> counts[] = {{"heldout.devices", h.devices},
                                                {"heldout.risky_devices", h.risky_devices},
                                                {"heldout.normal_devices", h.normal_devices}};
  for (const auto& [name, n] : counts) {
    if (n < 0 || n > sim::kMaxDevices)
      return invalid(std::string(name) + ": expected 0.." + std::to_string(sim::kMaxDevices) +
                     " devices, got " + std::to_string(n));
  }
  if (o.event_level && h.devices + h.risky_devices + h.normal_devices == 0)
    return invalid(
        "heldout.devices: no event-level streams (devices, risky_devices and normal_devices "
        "are all 0; expected at least one device)");
  if (!(h.hours > 0.0 && h.hours <= kMaxHeldoutHours))
    return invalid("heldout.hours: expected (0, " + fmt("%g", kMaxHeldoutHours) + "], got " +
                   fmt("%g", h.hours));
  sim::GeneratorConfig stream;
  stream.duration_s = h.hours * 3600.0;
  if (sim::frames_per_device(stream) < 1.0)
    return invalid("heldout.hours: " + fmt("%g", h.hours) + " h holds no frame at " +
                   fmt("%g", stream.rate_hz) + " Hz");
  return Ok{};
}

Status check_labels(std::span<const std::uint8_t> csm, std::span<const Recording> recordings) {
  EvalReport scratch;
  auto model = open_model(csm, scratch);
  if (!model) return model.error();
  auto labels = edge::model_class_labels(*model);
  if (!labels) return labels.error();
  std::array<bool, kLabelCount> known{};
  for (auto l : *labels) known[static_cast<std::size_t>(l)] = true;
  for (std::size_t r = 0; r < recordings.size(); ++r) {
    for (auto l : recordings[r].labels) {
      if (known[static_cast<std::size_t>(l)]) continue;
      return make_error(ErrorCode::kInvalidArgument, "dataset label '" + std::string(to_string(l)) +
                                                         "' (recording " + std::to_string(r) +
                                                         ", device '" + recordings[r].device +
                                                         "') is not a class of the model");
    }
  }
  return Ok{};
}

Result<EvalReport> evaluate_recordings(std::span<const std::uint8_t> csm,
                                       std::span<const Recording> recordings,
                                       const EvalOptions& options, const Progress& progress) {
  const auto t0 = std::chrono::steady_clock::now();
  if (!options.window_level && !options.event_level)
    return invalid("window_level, event_level: both off, nothing to evaluate");
  if (auto st = check_not_empty(recordings); !st) return st.error();
  EvalReport report;
  if (auto m = open_model(csm, report); !m) return m.error();
  if (auto st = check_labels(csm, recordings); !st) return st.error();
  if (options.window_level) {
    if (auto st = run_window_level(csm, recordings, options, report, progress); !st)
      return st.error();
  }
  if (options.event_level) {
    edge::Pipeline pipeline;
    if (auto st = pipeline.init(csm, options.pipeline); !st) return st.error();
    EventTally tally;
    for (const auto& rec : recordings) {
      const auto s = run_stream(pipeline, rec, options.match);
      if (progress) progress(stream_line(s));
      tally.add(s);
    }
    report.events = tally.summary();
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return report;
}

Result<EvalReport> evaluate_heldout(std::span<const std::uint8_t> csm, const EvalOptions& options,
                                    const Progress& progress) {
  const auto t0 = std::chrono::steady_clock::now();
  if (auto st = validate(options); !st) return st.error();
  EvalReport report;
  if (auto m = open_model(csm, report); !m) return m.error();
  if (options.window_level) {
    if (progress) progress("simulating held-out window-level recordings…");
    auto recs = window_recordings(options.heldout);
    if (!recs) return recs.error();
    if (auto st = run_window_level(csm, *recs, options, report, progress); !st) return st.error();
  }
  if (options.event_level) {
    edge::Pipeline pipeline;
    if (auto st = pipeline.init(csm, options.pipeline); !st) return st.error();
    EventTally tally;
    for (const auto& plan : event_streams(options.heldout)) {
      auto rec = generate_stream(plan);  // one device at a time: memory stays O(one stream)
      if (!rec) return rec.error();
      const auto s = run_stream(pipeline, *rec, options.match);
      if (progress) progress(stream_line(s) + " [" + rec->device + "]");
      tally.add(s);
    }
    report.events = tally.summary();
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return report;
}

std::string format_report(const EvalReport& r) {
  std::ostringstream os;
  if (r.window_bare)
    os << "window macro-F1 " << fmt("%.4f", r.window_bare->macro_f1()) << " (bare), "
       << (r.window_context ? fmt("%.4f", r.window_context->macro_f1()) : std::string("-"))
       << " (context); accuracy " << fmt("%.4f", r.window_bare->accuracy()) << " (bare), "
       << (r.window_context ? fmt("%.4f", r.window_context->accuracy()) : std::string("-"))
       << " (context) over " << r.window_bare->total() << " windows\n";
  for (const auto& [placement, cm] : r.window_context_per_placement) {
    const int walking = static_cast<int>(Label::kWalking);
    const bool has_walking = walking < cm.classes() && cm.class_metrics(walking).support > 0;
    os << "  " << placement << ": accuracy " << fmt("%.4f", cm.accuracy()) << " (context, "
       << cm.total() << " windows)"
       << (has_walking ? ", walking recall " + fmt("%.4f", cm.class_metrics(walking).recall)
                       : std::string())
       << "\n";
  }
  if (r.window_bare_single && r.window_context_single)
    os << "  windows with one label only (" << r.window_bare_single->total() << "): macro-F1 "
       << fmt("%.4f", r.window_bare_single->macro_f1()) << " (bare), "
       << fmt("%.4f", r.window_context_single->macro_f1()) << " (context)\n";
  if (r.events) {
    const auto& e = *r.events;
    os << "events: recall " << fmt("%.4f", e.recall) << " (" << e.hits << "/" << e.events
       << "), delay median " << fmt("%.2f", e.delay_median_s) << " s, p95 "
       << fmt("%.2f", e.delay_p95_s) << " s; " << e.false_alarms << " false alarm(s) in "
       << fmt("%.2f", e.hours) << " device-hours = " << fmt("%.3f", e.false_alarms_per_device_hour)
       << " per device-hour\n";
    for (const auto& [name, lf] : e.per_label)
      os << "  " << name << ": recall " << fmt("%.4f", lf.recall) << " (" << lf.hits << "/"
         << lf.events << "), delay median " << fmt("%.2f", lf.delay_median_s) << " s\n";
    for (const auto& [name, sc] : e.per_scenario)
      os << "  " << name << ": " << sc.false_alarms << " false alarm(s) in "
         << fmt("%.2f", sc.hours) << " h = " << fmt("%.3f", sc.false_alarms_per_hour) << " /h\n";
    for (const auto& fa : e.false_alarm_list)
      os << "  false alarm: " << to_string(fa.event) << " at " << fmt("%.1f", fa.t_s) << " s in "
         << fa.scenario << " (" << fa.subject << "), while " << to_string(fa.activity) << "\n";
  }
  return os.str();
}

}  // namespace css::eval

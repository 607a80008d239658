// citysafe eval: judge a .csm model as an alarm system (docs/evaluation.md): window-level
// macro-F1 and event-level recall, delay and false alarms per device-hour, through the same
// edge::Pipeline the node runs; on a dataset (--data) or on held-out simulated streams.
#include <CLI/CLI.hpp>
#include <array>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli_support.hpp"
#include "css/core/file_io.hpp"
#include "css/data/import_real.hpp"
#include "css/eval/evaluate.hpp"
#include "css/modelrun/loaded_model.hpp"

namespace css::cli {
namespace {

struct EvalCliOptions {
  std::string model;
  std::string data;
  std::string metrics;
  std::string precision = "int8";
  std::string split = "all";
  double hours = 1.0;
  int devices = 4;
  int risky_devices = 1;
  int normal_devices = 1;
  std::optional<long long> seed;  // unset: eval::kHeldoutSeed
  bool no_window = false, no_events = false, quiet = false;
  eval::EvalOptions base;  // detector and matching defaults, overridden by flags
};

// The flags that set an eval::EvalOptions field, for errors that name the field.
constexpr std::array kFlags = {
    FlagAlias{"--hours", "heldout.hours"},
    FlagAlias{"--devices", "heldout.devices"},
    FlagAlias{"--risky-devices", "heldout.risky_devices"},
    FlagAlias{"--normal-devices", "heldout.normal_devices"},
    FlagAlias{"--no-window --no-events", "window_level, event_level"},
};

Result<eval::EvalOptions> make_options(const EvalCliOptions& o) {
  eval::EvalOptions opt = o.base;
  if (o.precision == "float")
    opt.precision = nn::Precision::kFloat;
  else if (o.precision == "int8")
    opt.precision = nn::Precision::kInt8;
  else
    return make_error(ErrorCode::kInvalidArgument,
                      "--precision: expected int8 or float, got '" + o.precision + "'");
  if (o.seed && *o.seed < 0)
    return make_error(ErrorCode::kInvalidArgument,
                      "--seed: expected an integer >= 0, got " + std::to_string(*o.seed));
  if (auto st = edge::validate(opt.pipeline.detector); !st) return st.error();
  opt.heldout.hours = o.hours;
  opt.heldout.devices = o.devices;
  opt.heldout.risky_devices = o.risky_devices;
  opt.heldout.normal_devices = o.normal_devices;
  if (o.seed) opt.heldout.seed = static_cast<std::uint64_t>(*o.seed);
  opt.window_level = !o.no_window;
  opt.event_level = !o.no_events;
  opt.model_path = o.model;
  opt.data_path = o.data;
  // Held-out ranges and "nothing to do" are the library's (every caller gets them); with
  // --data the held-out counts are unused and evaluate_recordings checks the rest.
  if (o.data.empty()) {
    if (auto st = eval::validate(opt); !st) return name_flag(st.error(), kFlags);
  }
  return opt;
}

int run_eval(const EvalCliOptions& o) {
  std::vector<std::filesystem::path> inputs = dataset_files(o.data);
  inputs.emplace_back(o.model);
  if (!o.metrics.empty()) {
    const std::array<OutputArg, 1> outputs = {{{"--metrics", o.metrics}}};
    if (auto st = check_outputs(outputs, inputs); !st) return report(st.error());
  }
  auto opt = make_options(o);
  if (!opt) return report(opt.error());
  if (!std::filesystem::is_regular_file(o.model))
    return report(make_error(ErrorCode::kNotFound, "--model: no such file '" + o.model + "'"));
  auto loaded = modelrun::LoadedModel::load(o.model);
  if (!loaded) return report(make_error(loaded.error().code, "--model: " + loaded.error().message));
  const auto csm = loaded->bytes();
  const eval::Progress progress = [&o](const std::string& line) {
    if (!o.quiet) std::cerr << "eval: " << line << '\n';
  };
  Result<eval::EvalReport> result = make_error(ErrorCode::kInvalidArgument, "no evaluation ran");
  if (!o.data.empty()) {
    if (std::error_code ec; !std::filesystem::exists(o.data, ec))
      return report(make_error(ErrorCode::kNotFound, "--data: no such dataset '" + o.data + "'"));
    auto part = data::split_part_from_string(o.split);
    if (!part) return report(make_error(part.error().code, "--split: " + part.error().message));
    auto recs = data::read_recordings(o.data);
    if (!recs)
      return report(
          make_error(recs.error().code == ErrorCode::kIo ? ErrorCode::kParse : recs.error().code,
                     "--data: " + recs.error().message));
    const auto chosen = data::select_part(std::move(*recs), *part);
    if (chosen.empty())
      return report(make_error(ErrorCode::kInvalidArgument,
                               "--split " + o.split + ": no recordings in that part of " + o.data));
    result = eval::evaluate_recordings(csm, chosen, *opt, progress);
  } else {
    result = eval::evaluate_heldout(csm, *opt, progress);
  }
  if (!result) return report(name_flag(result.error(), kFlags));
  std::cout << eval::format_report(*result);
  if (!o.metrics.empty()) {
    if (auto st = io::write_text(o.metrics, eval::report_json(*result, *opt), inputs); !st)
      return report(make_error(st.error().code, "--metrics: " + st.error().message));
    if (!o.quiet) std::cerr << "eval: wrote " << o.metrics << '\n';
  }
  return kExitOk;
}

}  // namespace

void add_eval(CLI::App& root, Runner& run) {
  auto o = std::make_shared<EvalCliOptions>();
  auto* cmd = root.add_subcommand(
      "eval",
      "Evaluate a .csm model: window-level macro-F1 and event-level recall, delay and false\n"
      "alarms per device-hour through the edge pipeline (docs/evaluation.md).\n"
      "Without --data it simulates held-out streams (fixed seeds, never used in training).\n"
      "Examples: citysafe eval --model models/default.csm --hours 2 --metrics eval.json\n"
      "          citysafe eval --model models/default.csm --data ../shared/data/real/hapt.npy "
      "--split test");
  cmd->add_option("--model", o->model, "Model file (.csm)")->required();
  cmd->add_option(
      "--data", o->data,
      "Dataset to evaluate on: ours (X.npy + X.labels.npy + X.json) or real recordings\n"
      "in the neutral layout (X.npy + X.index.json, e.g. ../shared/data/real/hapt.npy),\n"
      "or an ST HAR folder (tests/data/st-har)");
  cmd->add_option("--split", o->split,
                  "With --data: all | train | val | test — the subjects of the one real-data\n"
                  "split training uses (docs/datasets.md); 'test' subjects are never trained on")
      ->capture_default_str();
  cmd->add_option("--metrics", o->metrics, "Write the metrics JSON here");
  cmd->add_option("--precision", o->precision,
                  "Window-level precision: int8|float (event level is always int8 streaming)")
      ->capture_default_str();
  cmd->add_option("--hours", o->hours, "Held-out: hours per simulated device")
      ->capture_default_str();
  cmd->add_option("--devices", o->devices, "Held-out: devices of the 'mix' scenario")
      ->capture_default_str();
  cmd->add_option("--risky-devices", o->risky_devices,
                  "Held-out: devices per risky scenario (snatch, forced_movement)")
      ->capture_default_str();
  cmd->add_option("--normal-devices", o->normal_devices,
                  "Held-out: devices per normal-only scenario (running, stairs, in_vehicle, "
                  "handling, entering_vehicle)")
      ->capture_default_str();
  cmd->add_option("--seed", o->seed, "Held-out base seed (default: the documented eval seed)");
  auto& d = o->base.pipeline.detector;
  cmd->add_option("--enter", d.enter_threshold, "Detector: smoothed risk to fire")
      ->capture_default_str();
  cmd->add_option("--exit", d.exit_threshold, "Detector: smoothed risk to re-arm")
      ->capture_default_str();
  cmd->add_option("--smoothing-ms", d.smoothing_ms, "Detector: EMA time constant [ms]")
      ->capture_default_str();
  cmd->add_option("--min-duration-ms", d.min_duration_ms,
                  "Detector: risk above enter this long before firing [ms]")
      ->capture_default_str();
  cmd->add_option("--cooldown-s", d.cooldown_s, "Detector: minimum time between events [s]")
      ->capture_default_str();
  cmd->add_flag("--no-window", o->no_window, "Skip the window-level evaluation");
  cmd->add_flag("--no-events", o->no_events, "Skip the event-level evaluation");
  cmd->add_flag("-q,--quiet", o->quiet, "No progress lines on stderr");
  cmd->callback([o, &run] { run = [o] { return run_eval(*o); }; });
}

}  // namespace css::cli

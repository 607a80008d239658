// citysafe export: checkpoint → .csm (int8 + optional float), C header, ONNX.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "cli_support.hpp"
#include "css/core/file_io.hpp"
#include "css/eval/real_figures.hpp"
#include "css/modelrun/engine_eval.hpp"
#include "css/modelrun/window_runner.hpp"
#include "css/nn/model.hpp"
#include "css/onnx/export.hpp"
#include "css/train/exporter.hpp"

namespace css::cli {
namespace {

struct ExportCliOptions {
  std::string checkpoint;
  std::string out = "model.csm";
  std::string c_header;
  std::string calibration;
  int calibration_windows = 512;
  double calibration_percentile = 99.99;
  std::string eval;
  std::string onnx;
  std::string metrics;            // default: <out stem>.metrics.json
  std::vector<std::string> real;  // real sets judged on their test subjects; default: trained on
  bool no_real = false;
  bool int8_only = false;
  bool quiet = false;
};

// Every file export reads; no output may be one of them.
std::vector<std::filesystem::path> export_inputs(const ExportCliOptions& o) {
  const std::filesystem::path ckpt(o.checkpoint);
  std::vector<std::filesystem::path> in = {ckpt, ckpt.parent_path() / "eval.pt"};
  for (const auto& set : {o.calibration, o.eval})
    for (auto& p : dataset_files(set)) in.push_back(std::move(p));
  for (const auto& set : o.real)
    for (auto& p : dataset_files(set)) in.push_back(std::move(p));
  return in;
}

// The files export writes; metrics default to <out stem>.metrics.json beside --out.
struct ExportFiles {
  std::filesystem::path csm, metrics, c_header, onnx;  // c_header, onnx: empty = not written

  explicit ExportFiles(const ExportCliOptions& o) : csm(o.out), c_header(o.c_header), onnx(o.onnx) {
    metrics = o.metrics.empty() ? csm.parent_path() / (csm.stem().string() + ".metrics.json")
                                : std::filesystem::path(o.metrics);
  }
  std::vector<OutputArg> args() const {
    std::vector<OutputArg> a = {{"--out", csm}, {"--metrics", metrics}};
    if (!c_header.empty()) a.push_back({"--c-header", c_header});
    if (!onnx.empty()) a.push_back({"--onnx", onnx});
    return a;
  }
};

std::span<const std::byte> as_bytes(const std::vector<std::uint8_t>& v) {
  return std::as_bytes(std::span(v));
}
std::span<const std::byte> as_bytes(const std::string& s) {
  return std::as_bytes(std::span(s.data(), s.size()));
}

// "model_data.h" → "model_data": a C identifier from the header's file name.
std::string symbol_for(const std::filesystem::path& header) {
  std::string s = header.stem().string();
  for (auto& ch : s)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) s = "model_" + s;
  return s;
}

// The real sets to judge the model on: --real, else the checkpoint's train.real list.
std::vector<std::filesystem::path> real_sets(const nlohmann::json& metrics,
                                             const ExportCliOptions& o) {
  std::vector<std::filesystem::path> sets(o.real.begin(), o.real.end());
  if (!sets.empty() || o.no_real) return sets;
  const auto& meta = metrics["checkpoint_meta"];
  if (meta.is_object() && meta.contains("real") && meta["real"].is_array())
    for (const auto& p : meta["real"])
      if (p.is_string()) sets.emplace_back(p.get<std::string>());
  return sets;
}

// The exporter's metrics plus "real": the model on every real set's test subjects.
Result<nlohmann::json> with_real_figures(const train::ExportResult& ex, const ExportCliOptions& o) {
  auto j = nlohmann::json::parse(ex.metrics_json, nullptr, false);
  if (!j.is_object()) return make_error(ErrorCode::kIo, "exporter metrics are not JSON (a bug)");
  const auto sets = real_sets(j, o);
  if (sets.empty()) return j;
  if (!o.quiet) std::cerr << "export: judging the model on the real sets' test subjects ...\n";
  auto real = eval::real_test_figures(ex.csm, sets);
  if (!real) return make_error(real.error().code, "--real: " + real.error().message);
  j["real"] = nlohmann::json::parse(*real);
  return j;
}

int run_export(const ExportCliOptions& o) {
  if (std::filesystem::path(o.out).extension() != ".csm")
    return report(
        make_error(ErrorCode::kInvalidArgument, "--out: '" + o.out + "' must end in .csm"));
  if (o.calibration_windows < 1)
    return report(make_error(ErrorCode::kInvalidArgument, "--calibration-windows must be ≥ 1"));
  // Not CLI::Range: NaN compares false with both bounds and would pass it.
  if (!(o.calibration_percentile >= 50.0 && o.calibration_percentile <= 100.0))
    return report(make_error(ErrorCode::kInvalidArgument,
                             "--calibration-percentile: expected a number in [50, 100], got " +
                                 std::to_string(o.calibration_percentile)));
  if (!o.calibration.empty() && !std::filesystem::is_regular_file(o.calibration))
    return report(
        make_error(ErrorCode::kNotFound, "--calibration: no such dataset '" + o.calibration + "'"));
  if (!o.onnx.empty() && o.int8_only)
    return report(
        make_error(ErrorCode::kInvalidArgument, "--onnx needs float weights: drop --int8-only"));
  // Outputs are checked before the minutes of calibration and evaluation.
  const auto inputs = export_inputs(o);
  const ExportFiles files(o);
  if (auto st = check_outputs(files.args(), inputs); !st) return report(st.error());
  train::ExportOptions eo;
  eo.checkpoint = o.checkpoint;
  eo.calibration = o.calibration;
  eo.calibration_windows = o.calibration_windows;
  eo.calibration_percentile = o.calibration_percentile;
  eo.eval = o.eval;
  eo.include_float = !o.int8_only;
  auto ex = train::export_model(eo);
  if (!ex) return report(ex.error());

  // Everything that can fail on bad input runs before the first file is staged; the files
  // are written all or none (a failing --onnx leaves no .csm behind).
  auto metrics_json = with_real_figures(*ex, o);
  if (!metrics_json) return report(metrics_json.error());
  std::vector<std::uint8_t> onnx_bytes;
  if (!o.onnx.empty()) {
    nn::Model model;
    if (auto st = modelrun::parse_model(ex->csm, "exported model", model); !st)
      return report(make_error(ErrorCode::kIo, st.error().message + " (a bug)"));
    auto bytes = onnx::export_onnx(model);
    if (!bytes) return report(make_error(bytes.error().code, "--onnx: " + bytes.error().message));
    onnx_bytes = std::move(*bytes);
  }
  io::OutputSet set(inputs);
  const auto stage = [&set](const char* flag, const std::filesystem::path& path,
                            std::span<const std::byte> bytes) -> Status {
    if (path.empty()) return Ok{};
    if (auto st = set.stage(path, bytes); !st)
      return make_error(st.error().code, std::string(flag) + ": " + st.error().message);
    return Ok{};
  };
  const std::string metrics_text = metrics_json->dump(2) + "\n";
  const std::string header_text =
      o.c_header.empty() ? std::string() : modelrun::c_header(ex->csm, symbol_for(o.c_header));
  Status st = stage("--out", files.csm, as_bytes(ex->csm));
  if (st) st = stage("--metrics", files.metrics, as_bytes(metrics_text));
  if (st) st = stage("--c-header", files.c_header, as_bytes(header_text));
  if (st) st = stage("--onnx", files.onnx, as_bytes(onnx_bytes));
  if (st) st = set.commit();
  if (!st) return report(st.error());
  const std::filesystem::path& out = files.csm;
  const std::filesystem::path& metrics = files.metrics;
  if (!o.quiet) {
    std::cout << "wrote " << out.string() << " (" << ex->csm.size() << " bytes, " << ex->parameters
              << " parameters, streaming arena " << ex->streaming_arena_bytes << " B), "
              << metrics.string() << "\n"
              << "int8 calibration on " << ex->calibration_windows << " windows\n";
    if (ex->eval_windows > 0) {
      std::cout << "held-out windows: " << ex->eval_windows << "\n"
                << "  macro-F1 LibTorch float " << ex->torch_macro_f1 << ", engine float "
                << ex->float_macro_f1 << ", engine int8 " << ex->int8_macro_f1 << "\n"
                << "  max |p_torch - p_engine_float| " << ex->max_prob_diff_float
                << ", int8/float argmax agreement " << ex->int8_agreement << "\n"
                << "engine int8:\n"
                << ex->int8_table;
    }
    if (metrics_json->contains("real"))
      for (const auto& [name, f] : (*metrics_json)["real"].items())
        if (name != "all")
          std::cout << "real " << name
                    << " (test subjects): " << f["false_alarms_per_device_hour"].get<double>()
                    << " false alarms per device-hour in " << f["hours"].get<double>()
                    << " h, context-window accuracy " << f["accuracy_context"].get<double>()
                    << "\n";
  }
  return kExitOk;
}

}  // namespace

void add_export(CLI::App& root, Runner& run) {
  auto o = std::make_shared<ExportCliOptions>();
  auto* cmd = root.add_subcommand(
      "export",
      "Export a training checkpoint to the engine's .csm (BatchNorm folded, int8 post-training\n"
      "calibration, per-channel weights), evaluate float vs int8 through the engine, and\n"
      "optionally write a C header and ONNX.\n"
      "Example: citysafe export --checkpoint checkpoints/default/best.pt --out models/default.csm");
  cmd->add_option("--checkpoint", o->checkpoint,
                  "Checkpoint (best.pt / last.pt) from citysafe train")
      ->required();
  cmd->add_option("--out", o->out, "Output model (.csm)")->capture_default_str();
  cmd->add_option("--c-header", o->c_header, "Also write the model as a C array (firmware)");
  cmd->add_option("--calibration", o->calibration,
                  "Dataset .npy for int8 calibration (default: training slice in the checkpoint)");
  cmd->add_option("--calibration-windows", o->calibration_windows,
                  "Windows drawn from --calibration")
      ->capture_default_str();
  cmd->add_option("--calibration-percentile", o->calibration_percentile,
                  "Range per tensor: [q(100-p), q(p)] of the calibration values; 100 = min/max; "
                  "in [50, 100]")
      ->capture_default_str();
  cmd->add_option(
      "--eval", o->eval,
      "Held-out data: .npy dataset or eval.pt (default: eval.pt beside the checkpoint)");
  cmd->add_option("--onnx", o->onnx, "Also write the float model as ONNX");
  cmd->add_option("--metrics", o->metrics, "Metrics JSON (default: <out stem>.metrics.json)");
  cmd->add_option("--real", o->real,
                  "Real datasets whose test subjects (eval --split test) judge the model in the\n"
                  "metrics' \"real\" section (default: the checkpoint's train.real list)");
  cmd->add_flag("--no-real", o->no_real, "Skip the real-data figures");
  cmd->add_flag("--int8-only", o->int8_only, "Leave the float weights out of the .csm");
  cmd->add_flag("-q,--quiet", o->quiet, "Print nothing on success");
  cmd->callback([o, &run] { run = [o] { return run_export(*o); }; });
}

}  // namespace css::cli

// citysafe train: train the TCN (LibTorch) on simulated or recorded data.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <array>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include "cli_support.hpp"
#include "css/core/config.hpp"
#include "css/core/file_io.hpp"
#include "css/train/exporter.hpp"
#include "css/train/train_config.hpp"
#include "css/train/trainer.hpp"

namespace css::cli {
namespace {

// Flags that stand for a setting (checked by its parser and range, errors name the flag).
constexpr std::array<FlagAlias, 4> kAliases = {{
    {"--epochs", "train.epochs"},
    {"--seed", "train.seed"},
    {"--threads", "train.threads"},
    {"--data", "train.data"},
}};

struct TrainOptions {
  std::string config;
  std::string out = "checkpoints";
  std::vector<std::string> sets;
  std::array<std::optional<std::string>, kAliases.size()> alias_values;  // unset: the config's
  bool quiet = false;
  // Flags of the seed PoC (train_demo.py), mapped in docs/training.md.
  bool save_full_model = false;
  bool export_tflite = false;
  bool tflite_quantize = false;
};

Result<train::TrainConfig> load_config(const TrainOptions& o) {
  Config cfg(train::train_settings());
  if (!o.config.empty()) {
    if (!std::filesystem::is_regular_file(o.config))
      return make_error(ErrorCode::kNotFound, "--config: no such file '" + o.config + "'");
    if (auto st = cfg.load_toml_file(o.config); !st) return st.error();
  }
  for (const auto& s : o.sets)
    if (auto st = cfg.set_assignment(s); !st) return st.error();
  if (auto st = apply_aliases(cfg, kAliases, o.alias_values); !st) return st.error();
  auto tc = train::train_config_from(cfg);
  if (!tc) return tc.error();
  if (!tc->data_path.empty() && !std::filesystem::is_regular_file(tc->data_path))
    return make_error(ErrorCode::kNotFound,
                      "--data: no such dataset '" + tc->data_path.string() + "'");
  return tc;
}

// The files train writes into --out (docs/training.md), checked against its inputs.
std::vector<OutputArg> train_outputs(const std::filesystem::path& out, bool with_export) {
  std::vector<OutputArg> files;
  for (const char* name :
       {"best.pt", "last.pt", "model.json", "summary.txt", "eval.pt", "train_metrics.json"})
    files.push_back({"--out", out / name});
  if (with_export) {
    files.push_back({"--out", out / "model.csm"});
    files.push_back({"--out", out / "model.metrics.json"});
  }
  return files;
}

// Makes --out a folder the training can write to, before the minutes of training. A path the
// user gave wrongly (an existing file, a read-only or missing location) is bad input.
Status prepare_out_dir(const std::filesystem::path& out, bool& created) {
  std::error_code ec;
  const auto status = std::filesystem::status(out, ec);
  if (std::filesystem::exists(status) && !std::filesystem::is_directory(status))
    return make_error(ErrorCode::kInvalidArgument,
                      "--out: '" + out.string() + "' exists and is not a folder");
  created = !std::filesystem::exists(status);
  if (created && !std::filesystem::create_directories(out, ec) && ec) {
    const bool io = ec != std::errc::permission_denied && ec != std::errc::read_only_file_system &&
                    ec != std::errc::not_a_directory && ec != std::errc::file_exists &&
                    ec != std::errc::filename_too_long;
    return make_error(io ? ErrorCode::kIo : ErrorCode::kInvalidArgument,
                      "--out: cannot create folder '" + out.string() + "': " + ec.message());
  }
  if (::access(out.c_str(), W_OK | X_OK) != 0)
    return make_error(ErrorCode::kInvalidArgument,
                      "--out: folder '" + out.string() + "' is not writable");
  return Ok{};
}

// Removes --out if this run created it and it is still empty (a failed run leaves no folder).
void remove_if_created_and_empty(const std::filesystem::path& out, bool created) {
  std::error_code ignored;
  if (created) std::filesystem::remove(out, ignored);  // fails, harmlessly, if not empty
}

int run_train(const TrainOptions& o) {
  auto cfg = load_config(o);
  if (!cfg) return report(cfg.error());
  const bool tty = isatty(fileno(stderr)) != 0;
  train::ProgressFn progress;
  if (!o.quiet) {
    progress = [tty](const std::string& line, bool final) {
      if (tty) {
        std::fprintf(stderr, "\r\033[K%s%s", line.c_str(), final ? "\n" : "");
      } else if (final) {
        std::fprintf(stderr, "%s\n", line.c_str());
      }
      std::fflush(stderr);
    };
  }
  const std::filesystem::path out(o.out);
  std::vector<std::filesystem::path> inputs = dataset_files(cfg->data_path);
  if (!o.config.empty()) inputs.emplace_back(o.config);
  for (const auto& real : cfg->real_paths)
    for (auto& p : dataset_files(real)) inputs.push_back(std::move(p));
  bool created = false;
  if (auto st = prepare_out_dir(out, created); !st) return report(st.error());
  if (auto st = check_outputs(train_outputs(out, o.export_tflite), inputs); !st) {
    remove_if_created_and_empty(out, created);
    return report(st.error());
  }
  auto rep = train::train(*cfg, out, progress);
  if (!rep) {
    remove_if_created_and_empty(out, created);
    return report(rep.error());
  }
  if (!o.quiet) {
    std::cout << "trained " << rep->epochs_run << " epochs in " << static_cast<int>(rep->seconds)
              << " s; best epoch " << rep->best_epoch << ", validation macro-F1 "
              << rep->best_val_macro_f1 << "\n"
              << "held-out test (LibTorch float, " << rep->test_windows << " windows):\n"
              << rep->test_table << "checkpoints: " << rep->best_checkpoint.string() << ", "
              << rep->last_checkpoint.string() << "\n";
  }
  if (o.export_tflite) {
    train::ExportOptions eo;
    eo.checkpoint = rep->best_checkpoint;
    eo.include_float = !o.tflite_quantize || o.save_full_model;
    auto ex = train::export_model(eo);
    if (!ex) return report(ex.error());
    // Both files or neither.
    const auto csm = out / "model.csm";
    io::OutputSet files(inputs);
    Status st = files.stage(csm, std::as_bytes(std::span(ex->csm)));
    if (st) st = files.stage_text(out / "model.metrics.json", ex->metrics_json);
    if (st) st = files.commit();
    if (!st) return report(make_error(st.error().code, "--out: " + st.error().message));
    if (!o.quiet)
      std::cout << "exported " << csm.string() << " (" << ex->csm.size()
                << " bytes): macro-F1 float " << ex->float_macro_f1 << ", int8 "
                << ex->int8_macro_f1 << " on " << ex->eval_windows << " held-out windows\n";
  }
  return kExitOk;
}

}  // namespace

void add_train(CLI::App& root, Runner& run) {
  auto o = std::make_shared<TrainOptions>();
  auto* cmd = root.add_subcommand(
      "train",
      "Train the TCN classifier (LibTorch) on simulated or recorded data.\n"
      "Writes best.pt, last.pt, model.json, summary.txt, eval.pt and train_metrics.json to --out.\n"
      "Settings: configs/train.toml (documented in docs/training.md); flags override it.\n"
      "Example: citysafe train --config configs/train.toml --out checkpoints/default");
  const std::array<std::array<const char*, 2>, kAliases.size()> alias_help = {{
      {"INT", "Maximum epochs (default: train.epochs)"},
      {"INT", "Seed of initialisation, sampling and augmentation (default: train.seed)"},
      {"INT", "Intra-op threads (default: train.threads)"},
      {"FILE", "Dataset .npy to train on (default: train.data, empty = simulate)"},
  }};
  for (std::size_t i = 0; i < kAliases.size(); ++i)
    cmd->add_option(kAliases[i].flag, o->alias_values[i], alias_help[i][1])
        ->type_name(alias_help[i][0]);
  cmd->add_option("--config", o->config, "TOML settings file (train.* keys)");
  cmd->add_option("--out", o->out, "Output folder for checkpoints and reports")
      ->capture_default_str();
  cmd->add_option("--set", o->sets, "Override a setting: --set train.lr=0.001 (repeatable)");
  cmd->add_flag("-q,--quiet", o->quiet, "Print nothing on success");
  cmd->add_flag("--save_full_model", o->save_full_model,
                "PoC flag: keep float weights in the exported .csm even with --tflite_quantize");
  cmd->add_flag("--export_tflite", o->export_tflite,
                "PoC flag: export <out>/model.csm (+ model.metrics.json) after training");
  cmd->add_flag("--tflite_quantize", o->tflite_quantize,
                "PoC flag: the exported .csm is int8-only (no float weights)");
  cmd->callback([o, &run] { run = [o] { return run_train(*o); }; });
}

}  // namespace css::cli

// citysafe model info|bench (and keygen|sign|verify, cmd_model_sign.cpp): describe a .csm model and
// time it on this machine.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <string>

#include "cli_support.hpp"
#include "css/modelrun/latency.hpp"
#include "css/modelrun/loaded_model.hpp"
#include "css/modelrun/summary.hpp"

namespace css::cli {
namespace {

struct ModelOptions {
  std::string path;
  bool json = false;
  std::uint32_t iterations = 2000;
};

int run_info(const ModelOptions& o) {
  auto loaded = modelrun::LoadedModel::load(o.path);
  if (!loaded) return report(loaded.error());
  const auto summary = modelrun::summarize(loaded->model());
  std::cout << (o.json ? modelrun::summary_json(summary) + "\n"
                       : modelrun::format_summary(summary));
  return kExitOk;
}

int run_bench(const ModelOptions& o) {
  auto loaded = modelrun::LoadedModel::load(o.path);
  if (!loaded) return report(loaded.error());
  auto stats =
      modelrun::measure_latency(loaded->model(), modelrun::LatencyOptions{o.iterations, 1});
  if (!stats) return report(stats.error());
  std::cout << (o.json ? modelrun::latency_json(*stats) + "\n" : modelrun::format_latency(*stats));
  return kExitOk;
}

}  // namespace

void add_model(CLI::App& root, Runner& run) {
  auto* cmd =
      root.add_subcommand("model", "Inspect and time .csm models (the int8 TCN engine's format)");
  cmd->require_subcommand(1);
  auto o = std::make_shared<ModelOptions>();

  auto* info = cmd->add_subcommand(
      "info", "Ops, parameters, MACs, arena bytes, weight bytes, classes, checksum and metadata");
  info->add_option("model", o->path, "Model file (.csm)")->required();
  info->add_flag("--json", o->json, "Print one JSON object instead of text");
  info->callback([o, &run] { run = [o] { return run_info(*o); }; });

  auto* bench = cmd->add_subcommand(
      "bench",
      "Latency percentiles on this machine, batch 1: int8 window (optimised and reference "
      "kernels),\n"
      "float window (if the file has float weights) and int8 streaming per sample.\n"
      "For ONNX Runtime / LibTorch side by side, use bench/run engine.");
  bench->add_option("model", o->path, "Model file (.csm)")->required();
  bench->add_option("--iterations", o->iterations, "Timed window calls per mode (streaming: 16x)")
      ->capture_default_str()
      ->check(CLI::Range(1U, 1000000U));
  bench->add_flag("--json", o->json, "Print one JSON object instead of a table");
  bench->callback([o, &run] { run = [o] { return run_bench(*o); }; });
  add_model_sign(*cmd, run);  // keygen, sign, verify (cmd_model_sign.cpp)
}

}  // namespace css::cli

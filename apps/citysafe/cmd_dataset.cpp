// citysafe dataset: inspect datasets written by `generate` or the importers.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <string>

#include "cli_support.hpp"
#include "css/data/dataset.hpp"
#include "css/data/stats.hpp"

namespace css::cli {
namespace {

int run_stats(const std::string& path) {
  auto dataset = data::read_dataset(path);
  if (!dataset) return report(dataset.error());
  std::cout << path << "\n" << data::format_stats(data::compute_stats(dataset->recordings));
  return kExitOk;
}

}  // namespace

void add_dataset(CLI::App& root, Runner& run) {
  auto* cmd = root.add_subcommand("dataset", "Inspect datasets (frames + labels + JSON sidecar)");
  cmd->require_subcommand(1);
  auto path = std::make_shared<std::string>();
  auto* stats = cmd->add_subcommand(
      "stats", "Per-label samples, seconds, segments and event onsets of a dataset");
  stats->add_option("file", *path, "Dataset .npy (its .labels.npy and .json must sit beside it)")
      ->required();
  stats->callback([path, &run] { run = [path] { return run_stats(*path); }; });
}

}  // namespace css::cli

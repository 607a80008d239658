// citysafe dataset compare: per-label motion statistics of two or more datasets side by side
// (css/data/motion_stats.hpp), to see where simulated motion leaves the spread of real phones.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli_support.hpp"
#include "css/data/import_real.hpp"
#include "css/data/motion_stats.hpp"

namespace css::cli {
namespace {

struct CompareOptions {
  std::vector<std::string> datasets;
  std::string json;
};

// The column name: the file stem ("hapt" for .../hapt.npy), or the folder's name.
std::string column_name(const std::filesystem::path& path) {
  const std::filesystem::path p = path.filename().empty() ? path.parent_path() : path;
  return std::filesystem::is_directory(p) ? p.filename().string() : p.stem().string();
}

int run_compare(const CompareOptions& o) {
  if (o.datasets.size() < 2) {
    print_error("dataset compare: expected two or more datasets, got " +
                std::to_string(o.datasets.size()));
    return kExitUsage;
  }
  std::vector<data::MotionProfile> profiles;
  for (const std::string& path : o.datasets) {
    auto recordings = data::read_recordings(path);
    if (!recordings) {  // every load failure is bad input; name the argument once
      const std::string& msg = recordings.error().message;
      print_error("dataset compare: " +
                  (msg.find(path) == std::string::npos ? path + ": " + msg : msg));
      return kExitUsage;
    }
    profiles.push_back(data::motion_profile(column_name(path), *recordings));
    if (profiles.back().windows() == 0) {
      print_error("dataset compare: " + path + ": no " + std::to_string(data::kMotionWindow) +
                  "-sample window with a single label in any recording");
      return kExitUsage;
    }
  }
  std::cout << data::format_motion_comparison(profiles);
  if (!o.json.empty()) {
    if (auto st = data::write_motion_comparison_json(o.json, profiles); !st)
      return report(make_error(st.error().code, "--json: " + st.error().message));
  }
  return kExitOk;
}

}  // namespace

void add_dataset_compare(CLI::App& dataset, Runner& run) {
  auto o = std::make_shared<CompareOptions>();
  auto* cmd = dataset.add_subcommand(
      "compare",
      "Per-label motion statistics of datasets side by side: where simulated motion differs\n"
      "from real phones (definitions: docs/simulator.md, \"Simulator against reality\").\n"
      "Non-overlapping 256-sample (5.12 s) windows of one label; per label and statistic each\n"
      "cell is 'median [p25-p75] (n windows)'. Statistics of |a|-g: step frequency (0.5-4 Hz),\n"
      "RMS, band fractions 0.5-3 / 3-8 / 8-20 Hz, jerk RMS; RMS |gyro| (where present);\n"
      "orientation spread (mean angle to the window's mean acceleration).\n"
      "Examples: citysafe generate --out /tmp/sim.npy --scenario mix --devices 8 --duration 240 "
      "--seed 1\n"
      "          citysafe dataset compare /tmp/sim.npy ../shared/data/real/hapt.npy "
      "tests/data/st-har --json cmp.json");
  cmd->add_option("datasets", o->datasets,
                  "Two or more datasets: X.npy (ours, or real with X.index.json beside it) or an "
                  "ST HAR folder; each column is named by the file stem")
      ->required();
  cmd->add_option("--json", o->json, "Also write the table as JSON to this file");
  cmd->callback([o, &run] { run = [o] { return run_compare(*o); }; });
}

}  // namespace css::cli

// citysafe dataset: inspect datasets and import recorded ones into the
// dataset format (frames + labels + JSON sidecar) that training reads.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli_support.hpp"
#include "css/data/dataset.hpp"
#include "css/data/import.hpp"
#include "css/data/import_real.hpp"
#include "css/data/stats.hpp"

namespace css::cli {
namespace {

int run_stats(const std::string& path) {
  auto dataset = data::read_dataset(path);
  if (!dataset) return report(dataset.error());
  std::cout << path << "\n" << data::format_stats(data::compute_stats(dataset->recordings));
  return kExitOk;
}

struct ImportOptions {
  std::string format;  // st-har | folder | real
  std::string dir;
  std::string labels;
  std::string out;
  std::string split = "all";
  std::vector<std::string> map;  // ACTIVITY=LABEL
  bool quiet = false;
};

Result<std::vector<Recording>> import_real(const ImportOptions& o) {
  data::RealImportOptions opt;
  for (const auto& m : o.map) {
    const auto eq = m.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == m.size())
      return make_error(ErrorCode::kInvalidArgument,
                        "--map: '" + m + "' is not ACTIVITY=LABEL (e.g. JUMPING=none)");
    opt.activity_map[m.substr(0, eq)] = m.substr(eq + 1);
  }
  auto part = data::split_part_from_string(o.split);
  if (!part) return make_error(part.error().code, "--split: " + part.error().message);
  auto recs = data::import_real(o.dir, opt);
  if (!recs) return recs.error();
  return data::select_part(std::move(*recs), *part);
}

int run_import(const ImportOptions& o) {
  if (o.format == "folder" && o.labels.empty()) {
    print_error(
        "dataset import folder: --labels FILE is required (a CSV: file,label,rate_hz,units)");
    return kExitUsage;
  }
  const std::filesystem::path out(o.out);
  if (out.extension() != ".npy") {
    print_error("--out: '" + o.out + "' must end in .npy");
    return kExitUsage;
  }
  auto recordings = o.format == "st-har" ? data::import_st_har(o.dir)
                    : o.format == "real" ? import_real(o)
                                         : data::import_folder(o.dir, o.labels);
  if (!recordings) return report(recordings.error());
  std::error_code ec;
  if (out.has_parent_path()) std::filesystem::create_directories(out.parent_path(), ec);
  const auto written = data::write_dataset(
      out, *recordings, data::DatasetMeta{0, "citysafe dataset import " + o.format});
  if (!written) return report(written.error());
  if (!o.quiet) {
    std::cout << "wrote " << o.out << " (" << recordings->size() << " recordings from " << o.dir
              << (o.format == "real" ? ")\n" : ", resampled to 50 Hz)\n")
              << data::format_stats(data::compute_stats(*recordings));
  }
  return kExitOk;
}

void add_import(CLI::App& dataset, Runner& run) {
  auto o = std::make_shared<ImportOptions>();
  auto* cmd = dataset.add_subcommand(
      "import",
      "Import recorded data into a dataset (see docs/datasets.md).\n"
      "  st-har DIR:   the ST HAR sample set (<DIR>/<label>/*.csv, 26 Hz, milli-g)\n"
      "  folder DIR:   your own CSV recordings described by --labels\n"
      "                (file,label,rate_hz,units[,gyro_units]); rows of 3 (acc) or 6 (acc, gyro)\n"
      "  real X.npy:   real recordings in the neutral layout (X.npy + X.index.json), labelled\n"
      "                runs joined into sessions, subjects kept; --split picks subjects\n"
      "Recordings are resampled to 50 Hz; absent sensors (gyro, GNSS, microphone) are marked "
      "absent.\n"
      "Examples: citysafe dataset import st-har tests/data/st-har --out data/st-har.npy\n"
      "          citysafe dataset import real ../shared/data/real/hapt.npy --split test "
      "--out data/hapt-test.npy");
  cmd->add_option("format", o->format, "st-har | folder | real")
      ->required()
      ->check(CLI::IsMember({"st-har", "folder", "real"}));
  cmd->add_option("dir", o->dir, "Folder holding the recordings (real: the X.npy file)")
      ->required();
  cmd->add_option("--split", o->split,
                  "real: all | train | val | test subjects of the one real-data split")
      ->capture_default_str();
  cmd->add_option("--map", o->map,
                  "real: ACTIVITY=LABEL overrides the index's suggested_class; LABEL 'none' = "
                  "everyday motion with no class (labelled stationary). Repeatable.");
  cmd->add_option("--labels", o->labels, "Labels CSV for 'folder' (file,label,rate_hz,units)");
  cmd->add_option("--out", o->out, "Output dataset .npy")->required();
  cmd->add_flag("-q,--quiet", o->quiet, "Print nothing on success");
  cmd->callback([o, &run] { run = [o] { return run_import(*o); }; });
}

}  // namespace

void add_dataset_compare(CLI::App& dataset, Runner& run);
void add_dataset(CLI::App& root, Runner& run) {
  auto* cmd = root.add_subcommand("dataset",
                                  "Inspect and import datasets (frames + labels + JSON sidecar)");
  cmd->require_subcommand(1);
  auto path = std::make_shared<std::string>();
  auto* stats = cmd->add_subcommand(
      "stats", "Per-label samples, seconds, segments and event onsets of a dataset");
  stats->add_option("file", *path, "Dataset .npy (its .labels.npy and .json must sit beside it)")
      ->required();
  stats->callback([path, &run] { run = [path] { return run_stats(*path); }; });
  add_import(*cmd, run);
  add_dataset_compare(*cmd, run);
}

}  // namespace css::cli

// citysafe detect: run a dataset's recordings through the edge pipeline (features → int8
// streaming engine → detector), as a node would, and print every event it raises: one line
// each with the time, type, confidence and location. Detector settings: detector.* (TOML
// --config, --set), listed by `citysafe config`.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli_support.hpp"
#include "css/core/config.hpp"
#include "css/core/file_io.hpp"
#include "css/data/import_real.hpp"
#include "css/edge/pipeline.hpp"
#include "css/edge/settings.hpp"
#include "css/modelrun/loaded_model.hpp"

namespace css::cli {
namespace {

struct DetectOptions {
  std::string model;
  std::string data;
  std::string config_file;
  std::vector<std::string> sets;
};

Result<edge::DetectorConfig> detector_config(const DetectOptions& o) {
  Config cfg(edge::detector_settings());
  if (!o.config_file.empty())
    if (auto st = cfg.load_toml_file(o.config_file); !st) return st.error();
  for (const auto& s : o.sets)
    if (auto st = cfg.set_assignment(s); !st) return st.error();
  return edge::detector_config_from(cfg);
}

// "  snatch/subj-0001  t 93.42 s  sudden_displacement  confidence 0.91  -23.55012,-46.63301
//  (truth: snatch)"
std::string event_line(const Recording& rec, const edge::FrameDetection& fd) {
  const auto& d = fd.detection;
  char where[64] = "no GNSS fix";
  if (d.lat && d.lon) std::snprintf(where, sizeof where, "%.5f,%.5f", *d.lat, *d.lon);
  char line[256];
  std::snprintf(line, sizeof line, "%-24s t %8.2f s  %-20s confidence %.2f  %s", rec.device.c_str(),
                d.t_s, std::string(to_string(d.kind)).c_str(), d.probability, where);
  std::string out = line;
  if (fd.frame < rec.labels.size())
    out += "  (truth: " + std::string(to_string(rec.labels[fd.frame])) + ")";
  return out + '\n';
}

int run_detect(const DetectOptions& o) {
  auto detector = detector_config(o);
  if (!detector) return report(detector.error());
  auto loaded = modelrun::LoadedModel::load(o.model);
  if (!loaded) return report(make_error(loaded.error().code, "--model: " + loaded.error().message));
  auto recs = data::read_recordings(o.data);
  if (!recs) return report(make_error(recs.error().code, "--data: " + recs.error().message));
  edge::PipelineConfig pc;
  pc.detector = *detector;
  edge::Pipeline pipeline;
  if (auto st = pipeline.init(loaded->bytes(), pc); !st)
    return report(make_error(st.error().code, "--model: " + st.error().message));
  std::size_t events = 0;
  double seconds = 0.0;
  for (const auto& rec : *recs) {
    for (const auto& fd : edge::detect_stream(pipeline, rec.frames)) {
      std::cout << event_line(rec, fd);
      ++events;
    }
    if (rec.rate_hz > 0.0) seconds += static_cast<double>(rec.frames.size()) / rec.rate_hz;
  }
  std::cout << events << " event(s) in " << recs->size() << " recording(s), " << seconds / 60.0
            << " min\n";
  if (auto st = io::flush_stdout(); !st) return report(st.error());
  return kExitOk;
}

}  // namespace

void add_detect(CLI::App& root, Runner& run) {
  auto o = std::make_shared<DetectOptions>();
  auto* cmd = root.add_subcommand(
      "detect",
      "Run recordings through the edge pipeline (features, int8 streaming engine, detector)\n"
      "and print every event: time, type, confidence, location (and the true label if known).\n"
      "Example: citysafe detect --model models/default.csm --data data/synthetic_sample.npy");
  cmd->add_option("--model", o->model, "Model file (.csm)")->required();
  cmd->add_option("--data", o->data,
                  "Recordings: our dataset (.npy + .labels.npy + .json), the real layout "
                  "(X.npy + X.index.json) or an ST HAR folder")
      ->required();
  cmd->add_option("--config", o->config_file, "TOML file of detector.* settings");
  cmd->add_option("--set", o->sets, "detector.NAME=VALUE (see `citysafe config`); repeatable");
  cmd->callback([o, &run] { run = [o] { return run_detect(*o); }; });
}

}  // namespace css::cli

// The charts of `citysafe plot …` and `citysafe figures`, built from files and the simulator:
// each *_from_file reads one artefact (errors name the file and the field), overlay_from_sim
// simulates the scenarios, and default_figures() builds every chart the artefacts allow.
// export_figures() writes each figure as NAME.pdf and NAME.png in one folder, all or none.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "css/core/result.hpp"
#include "css/report/figure.hpp"

namespace css::report {

namespace fs = std::filesystem;

Result<Figure> sequence_from_file(const fs::path& npy, std::span<const std::string> channels,
                                  std::size_t recording_index);
// Simulates one device per scenario (sim scenario names) for `seconds`, with `seed`.
Result<Figure> overlay_from_sim(std::span<const std::string> scenarios, double seconds,
                                std::uint64_t seed);
Result<Figure> confusion_from_file(const fs::path& metrics_json, const std::string& which);
Result<Figure> training_from_file(const fs::path& log_json);
Result<Figure> flows_from_file(const fs::path& geojson);
Result<Figure> hotspots_from_file(const fs::path& geojson);

struct Artefacts {
  fs::path metrics = "models/default.metrics.json";
  fs::path training_log = "models/default.train_metrics.json";
  std::optional<fs::path> flows;     // GeoJSON from geo/, if any
  std::optional<fs::path> hotspots;  // GeoJSON from geo/, if any
  std::uint64_t seed = 42;           // simulator seed of the sequence and overlay charts
};

struct NamedFigure {
  std::string name;  // file stem: "confusion", "training", …
  Figure figure;
};

// The files an Artefacts set reads (for "no output may overwrite an input").
std::vector<fs::path> input_files(const Artefacts& a);

Result<std::vector<NamedFigure>> default_figures(const Artefacts& artefacts);

// Writes NAME.<ext> for every figure and extension ("pdf", "png", "svg") into `dir` (which must
// exist), all or none; returns the paths written.
Result<std::vector<fs::path>> export_figures(std::span<const NamedFigure> figures,
                                             const fs::path& dir,
                                             std::span<const std::string> extensions,
                                             std::span<const fs::path> inputs);

}  // namespace css::report

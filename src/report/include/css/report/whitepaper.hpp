// The whitepaper: a typeset, multi-page PDF whose every number, table and figure comes from the
// current artefacts — the model's metrics.json (export), the training log (train_metrics.json),
// benchmark JSON (the last line of `bench/run NAME`), optional hotspot/flow GeoJSON (geo/) and
// the node.toml (deployment and power). Nothing numeric is typed into its text: a test reads
// the PDF back (pdftotext) and finds the values of metrics.json.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <vector>

#include "css/core/result.hpp"
#include "css/report/document.hpp"

namespace css::report {

struct WhitepaperInputs {
  std::filesystem::path metrics = "models/default.metrics.json";
  std::filesystem::path training_log = "models/default.train_metrics.json";
  std::filesystem::path node = "deploy/node.toml";
  std::vector<std::filesystem::path> bench;       // each: a file whose last line is bench JSON
  std::optional<std::filesystem::path> hotspots;  // GeoJSON polygons with z/count/class
  std::optional<std::filesystem::path> flows;     // GeoJSON points with vx/vy
  std::uint64_t seed = 42;                        // simulator seed of the illustrations
};

std::vector<std::filesystem::path> input_files(const WhitepaperInputs& in);

// Reads every input (errors name the file and field) and lays out the document.
Result<Document> whitepaper(const WhitepaperInputs& in);

}  // namespace css::report

// Dataset on disk: three files sharing a stem (docs/datasets.md):
//   X.npy         float64 [N, 13] frames, columns in the order of css::kFrameColumns
//   X.labels.npy  uint8 [N] per-frame css::Label values
//   X.json        sidecar: rate, columns, units, label names, seed, generator,
//                 and per recording its row range, segments and onsets.
// Recordings are stored back to back; segment and onset indices in the sidecar
// are relative to their recording (as in css::Recording). Writing is atomic per
// file and all-or-nothing across the three; reading validates every cross-reference.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "css/core/recording.hpp"
#include "css/core/result.hpp"

namespace css::data {

struct DatasetMeta {
  std::uint64_t seed = 0;  // seed the generator used (0 for recorded data)
  std::string generator;   // what produced the data, e.g. "citysafe simulate 0.1.0"
};

struct Dataset {
  std::vector<Recording> recordings;
  DatasetMeta meta;
};

// Companion paths of a dataset whose frames live at npy_path ("X.npy").
std::filesystem::path labels_path_for(const std::filesystem::path& npy_path);
std::filesystem::path sidecar_path_for(const std::filesystem::path& npy_path);

// All recordings must share one rate_hz and have one label per frame. The parent
// directory of npy_path must exist (the error names it). On any failure no file
// of the three is left behind (nor a .tmp).
Status write_dataset(const std::filesystem::path& npy_path, std::span<const Recording> recordings,
                     const DatasetMeta& meta);

// Requires all three files; a missing one is a kNotFound error naming it.
Result<Dataset> read_dataset(const std::filesystem::path& npy_path);

}  // namespace css::data

// Internal: the X.json sidecar of a dataset (docs/datasets.md), encoded and
// decoded with nlohmann-json, which stays out of every public header.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "css/core/recording.hpp"
#include "css/core/result.hpp"
#include "css/data/dataset.hpp"

namespace css::data::detail {

// A recording's metadata as the sidecar holds it; frames and labels live in the NPYs.
struct RecordingEntry {
  Recording meta;  // frames and labels empty
  std::size_t begin = 0;
  std::size_t end = 0;
};

struct Sidecar {
  double rate_hz = 50.0;
  DatasetMeta meta;
  std::vector<RecordingEntry> recordings;
};

std::string encode_sidecar(const Sidecar& sidecar);
// `name` prefixes error messages (the file path).
Result<Sidecar> decode_sidecar(std::string_view text, const std::string& name);

}  // namespace css::data::detail

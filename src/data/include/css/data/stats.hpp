// Summary statistics of a set of recordings, for `citysafe dataset stats` and
// the report: how much of each label, in samples, seconds, segments and onsets.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <string>

#include "css/core/label.hpp"
#include "css/core/recording.hpp"

namespace css::data {

struct LabelStats {
  std::size_t samples = 0;
  double seconds = 0.0;  // samples / the recording's rate_hz, summed
  std::size_t segments = 0;
  std::size_t onsets = 0;
};

struct DatasetStats {
  std::size_t recordings = 0, frames = 0;
  double seconds = 0.0;
  std::array<LabelStats, kLabelCount> per_label{};
  double gnss_fix_fraction = 0.0;         // frames with a fix / frames (0 when there are none)
  std::size_t devices = 0, subjects = 0;  // distinct ids
};

DatasetStats compute_stats(std::span<const Recording> recordings);
// A plain-text table: label, samples, seconds, % of samples, segments, onsets.
std::string format_stats(const DatasetStats& stats);

}  // namespace css::data

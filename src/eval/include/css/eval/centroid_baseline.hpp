// The classical baseline the TCN is compared with on real data (bench/train): a
// nearest-centroid classifier on four acceleration-magnitude features per window —
// mean, standard deviation, minimum and maximum of |acc| [m/s²] — evaluated over random
// splits by recording (file), never by window (docs/evaluation.md, "Baseline").
// Features are z-scored with the training windows' mean and std before the distance, so
// no feature dominates by its unit.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "css/core/recording.hpp"
#include "css/core/result.hpp"

namespace css::eval {

struct CentroidBaselineSpec {
  std::size_t window = 128;  // samples (2.56 s at 50 Hz, as the TCN)
  std::size_t hop = 64;      // samples
  int splits = 20;           // random by-recording splits; split k uses seed + k
  double test_frac = 0.3;    // of recordings
  std::uint64_t seed = 1;
};

struct CentroidBaselineResult {
  std::vector<double> accuracies;  // per split (window accuracy on the test recordings)
  double mean_accuracy = 0.0, std_accuracy = 0.0;
  std::size_t windows = 0;  // per split, train + test
};

// mean, std (population), min, max of |acc| over the frames.
std::array<double, 4> magnitude_features(std::span<const SensorFrame> frames);

// Errors: fewer than two labels, no windows, or a split that leaves a class without
// training windows is skipped (an error only if every split is).
Result<CentroidBaselineResult> centroid_baseline(std::span<const Recording> recordings,
                                                 const CentroidBaselineSpec& spec = {});

}  // namespace css::eval

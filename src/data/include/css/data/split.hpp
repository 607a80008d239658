// Train/validation/test splits by recording key, never by window: windows of
// one subject (or device, or recording) overlap and share a body and a gait, so
// putting them on both sides of a split would leak and flatter the metrics.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "css/core/recording.hpp"

namespace css::data {

enum class SplitKey { kSubject, kDevice, kRecording };

struct Split {
  std::vector<std::size_t> train, val, test;  // recording indices, ascending
};

// Deterministic for a given seed and set of keys (independent of the order of
// the recordings and of the standard library). Keys are shuffled, then
// round(test_frac·K) go to test and round(val_frac·K) to val; with K ≥ 3 keys
// each part gets at least one key and train keeps at least one. With fewer keys
// train is filled first.
Split split_recordings(std::span<const Recording> recordings, SplitKey key, double val_frac,
                       double test_frac, std::uint64_t seed);

}  // namespace css::data

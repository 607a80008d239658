#include <algorithm>
#include <cmath>

#include "css/features/features.hpp"

namespace css::features {

Normalization fit_normalization(std::span<const float> features_TxC) {
  const std::size_t rows = features_TxC.size() / kChannelCount;
  Normalization norm;
  norm.mean.fill(0.0F);
  norm.std.fill(1.0F);
  if (rows == 0) return norm;
  // Two passes in double: exact enough for millions of rows, no cancellation.
  std::array<double, kChannelCount> sum{};
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < kChannelCount; ++c) sum[c] += features_TxC[r * kChannelCount + c];
  }
  std::array<double, kChannelCount> mean{};
  for (std::size_t c = 0; c < kChannelCount; ++c) mean[c] = sum[c] / static_cast<double>(rows);
  std::array<double, kChannelCount> sq{};
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < kChannelCount; ++c) {
      const double d = features_TxC[r * kChannelCount + c] - mean[c];
      sq[c] += d * d;
    }
  }
  for (std::size_t c = 0; c < kChannelCount; ++c) {
    norm.mean[c] = static_cast<float>(mean[c]);
    const auto std_dev = static_cast<float>(std::sqrt(sq[c] / static_cast<double>(rows)));
    norm.std[c] = std::max(std_dev, kMinStd);
  }
  return norm;
}

void normalize(std::span<float> features_TxC, const Normalization& norm) {
  const std::size_t rows = features_TxC.size() / kChannelCount;
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < kChannelCount; ++c) {
      float& x = features_TxC[r * kChannelCount + c];
      x = (x - norm.mean[c]) / norm.std[c];
    }
  }
}

}  // namespace css::features

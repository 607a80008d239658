#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "css/features/features.hpp"

namespace css::features {
namespace {

TEST(Normalization, FitsMeanAndStdPerChannel) {
  // Channel c holds c + {−1, +1, −1, +1}·(c + 1): mean c, std c + 1; channel 9 is constant.
  std::vector<float> x;
  for (int r = 0; r < 4; ++r) {
    for (std::size_t c = 0; c < kChannelCount; ++c) {
      const float sign = r % 2 == 0 ? -1.0F : 1.0F;
      x.push_back(c == 9 ? 60.0F : static_cast<float>(c) + sign * static_cast<float>(c + 1));
    }
  }
  const Normalization n = fit_normalization(x);
  for (std::size_t c = 0; c < 9; ++c) {
    EXPECT_NEAR(n.mean[c], static_cast<float>(c), 1e-6F);
    EXPECT_NEAR(n.std[c], static_cast<float>(c + 1), 1e-6F);
  }
  EXPECT_EQ(n.mean[9], 60.0F);
  EXPECT_EQ(n.std[9], kMinStd);  // floored, not zero

  normalize(x, n);
  for (std::size_t c = 0; c < 9; ++c) {
    double sum = 0.0;
    double sq = 0.0;
    for (std::size_t r = 0; r < 4; ++r) {
      sum += x[r * kChannelCount + c];
      sq += x[r * kChannelCount + c] * x[r * kChannelCount + c];
    }
    EXPECT_NEAR(sum / 4.0, 0.0, 1e-6);
    EXPECT_NEAR(sq / 4.0, 1.0, 1e-5);
  }
  EXPECT_EQ(x[9], 0.0F);
}

TEST(Normalization, EmptyInputIsIdentity) {
  const Normalization n = fit_normalization({});
  for (std::size_t c = 0; c < kChannelCount; ++c) {
    EXPECT_EQ(n.mean[c], 0.0F);
    EXPECT_EQ(n.std[c], 1.0F);
  }
}

}  // namespace
}  // namespace css::features

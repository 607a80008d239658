// The library's own normal generator (ziggurat) must be a standard normal.
#include <gtest/gtest.h>

#include <cmath>

#include "rng.hpp"

namespace css::sim {
namespace {

TEST(SimRng, NormalHasUnitMomentsAndGaussianTails) {
  Rng r(2024);
  const int n = 2000000;
  double s1 = 0, s2 = 0, s4 = 0;
  int beyond2 = 0, beyond3 = 0;
  for (int i = 0; i < n; ++i) {
    const double x = r.normal();
    s1 += x;
    s2 += x * x;
    s4 += x * x * x * x;
    beyond2 += std::fabs(x) > 2.0 ? 1 : 0;
    beyond3 += std::fabs(x) > 3.0 ? 1 : 0;
  }
  EXPECT_NEAR(s1 / n, 0.0, 0.003);
  EXPECT_NEAR(s2 / n, 1.0, 0.005);
  EXPECT_NEAR(s4 / n, 3.0, 0.03);
  EXPECT_NEAR(double(beyond2) / n, 0.0455, 0.001);
  EXPECT_NEAR(double(beyond3) / n, 0.0027, 0.0002);
}

TEST(SimRng, SameSeedSameSequence) {
  Rng a(5), b(5), c(6);
  for (int i = 0; i < 1000; ++i) {
    const double x = a.normal();
    ASSERT_EQ(x, b.normal());
    (void)c;
  }
  EXPECT_NE(Rng(5).next(), Rng(6).next());
}

}  // namespace
}  // namespace css::sim

// k-anonymity suppression and the Laplace noise's documented scale.
#include <gtest/gtest.h>

#include <cmath>

#include "css/geo/hotspots.hpp"
#include "css/geo/privacy.hpp"

namespace css::geo {
namespace {

TEST(KAnonymity, SuppressesOneToKMinusOne) {
  const std::vector<double> counts = {0, 1, 4, 5, 6, 100};
  const auto ok = k_anonymous(counts, 5);
  EXPECT_EQ(ok, (std::vector<bool>{true, false, false, true, true, true}));
  EXPECT_EQ(k_anonymous(counts, 1), std::vector<bool>(6, true));
}

TEST(KAnonymity, NoPublishedCellHoldsFewerThanKEvents) {
  City c;
  c.centre = {-46.6, -23.5};
  c.bbox_min = {-46.62, -23.52};
  c.bbox_max = {-46.58, -23.48};
  std::vector<EventPoint> pts;
  SplitMix64 rng(7);
  for (int i = 0; i < 300; ++i)
    pts.push_back({1.0, {-46.62 + 0.04 * rng.uniform(), -23.52 + 0.04 * rng.uniform()}});
  const HotspotMap m = *compute_hotspots(c, pts, {0, 10}, HotspotConfig{});
  ASSERT_GT(m.cells_suppressed, 0u);
  EXPECT_EQ(m.cells.size() + m.cells_suppressed, m.cells_total);
  for (const auto& cell : m.cells) EXPECT_TRUE(cell.count == 0 || cell.count >= 5) << cell.count;
}

TEST(Laplace, HasTheDocumentedScale) {
  // Laplace(0, b): mean 0, E|X| = b, Var = 2b².
  SplitMix64 rng(42);
  const double b = 2.0;
  const int n = 200000;
  double sum = 0, abs_sum = 0, sq = 0;
  for (int i = 0; i < n; ++i) {
    const double x = laplace(rng, b);
    sum += x, abs_sum += std::abs(x), sq += x * x;
  }
  EXPECT_NEAR(sum / n, 0.0, 0.03);
  EXPECT_NEAR(abs_sum / n, b, 0.03);
  EXPECT_NEAR(sq / n, 2 * b * b, 0.15);
}

TEST(Laplace, CountsGetScaleSensitivityOverEpsilonAndAreSeeded) {
  std::vector<double> a(50000, 1000.0);
  add_laplace_noise(a, 0.5, 1.0, 9);  // b = Δ/ε = 2
  double abs_dev = 0;
  for (double v : a) {
    EXPECT_EQ(v, std::round(v));
    abs_dev += std::abs(v - 1000.0);
  }
  EXPECT_NEAR(abs_dev / static_cast<double>(a.size()), 2.0, 0.1);  // rounding adds ~1/12b
  std::vector<double> b(50000, 1000.0), c(50000, 1000.0);
  add_laplace_noise(b, 0.5, 1.0, 9);
  add_laplace_noise(c, 0.5, 1.0, 10);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  std::vector<double> zeros(1000, 0.0);
  add_laplace_noise(zeros, 0.1, 1.0, 3);
  for (double v : zeros) EXPECT_GE(v, 0.0);
}

}  // namespace
}  // namespace css::geo

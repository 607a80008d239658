// Gi* against values computed by hand, Benjamini–Hochberg, classes, bandwidth and KDE.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "css/geo/stats.hpp"

namespace css::geo {
namespace {

// A path of 5 cells, each the neighbour of the next; binary weights with self.
Weights path5() {
  Weights w;
  w.offsets = {0, 2, 5, 8, 11, 13};
  w.neighbours = {0, 1, 0, 1, 2, 1, 2, 3, 2, 3, 4, 3, 4};
  return w;
}

TEST(GiStar, PathOfFiveMatchesHandComputation) {
  // x = 1 2 3 4 10: n = 5, mean = 4, S² = (1+4+9+16+100)/5 − 16 = 10.
  // Cell 4: lag = 4 + 10 = 14, W = 2 → z = (14 − 8) / (√10 · √((5·2 − 4)/4)) = 6/√15.
  // Cell 0: lag = 3, W = 2 → z = (3 − 8)/√15.  Cell 2: lag = 9, W = 3 →
  // z = (9 − 12) / (√10 · √((15 − 9)/4)) = −3/√15.
  const std::vector<double> x = {1, 2, 3, 4, 10};
  const GiStar g = gi_star(x, path5());
  EXPECT_NEAR(g.z[4], 6 / std::sqrt(15.0), 1e-12);
  EXPECT_NEAR(g.z[0], -5 / std::sqrt(15.0), 1e-12);
  EXPECT_NEAR(g.z[2], -3 / std::sqrt(15.0), 1e-12);
  // Cell 3: lag = 17, W = 3 → z = 5/√15; cell 1: lag = 6, W = 3 → z = −6/√15.
  EXPECT_NEAR(g.z[3], 5 / std::sqrt(15.0), 1e-12);
  EXPECT_NEAR(g.z[1], -6 / std::sqrt(15.0), 1e-12);
  EXPECT_NEAR(g.p[4], std::erfc(6 / std::sqrt(15.0) / std::numbers::sqrt2), 1e-15);
}

TEST(GiStar, ThreeByThreeQueenGridWithOneHotCentre) {
  // 3×3 squares, queen (k-ring 1) weights; x = 9 at the centre, 0 elsewhere.
  // n = 9, mean = 1, S = √(81/9 − 1) = √8.
  // Corner: W = 4, lag = 9 → z = (9 − 4) / (√8 · √((36 − 16)/8)) = 5/√20.
  // Edge:   W = 6, lag = 9 → z = (9 − 6) / (√8 · √((54 − 36)/8)) = 3/(√8 · 1.5).
  // Centre: W = 9 = n → the variance term is 0: z = 0 by definition.
  const Grid g = *Grid::make(GridKind::kSquare, 100.0);
  const CellIndex idx(g, {0, 0}, {300, 300});
  ASSERT_EQ(idx.size(), 9u);
  std::vector<double> x(9, 0.0);
  x[static_cast<std::size_t>(idx.index_of({1, 1}))] = 9;
  const GiStar s = gi_star(x, kring_weights(idx, 1));
  EXPECT_NEAR(s.z[static_cast<std::size_t>(idx.index_of({0, 0}))], 5 / std::sqrt(20.0), 1e-12);
  EXPECT_NEAR(s.z[static_cast<std::size_t>(idx.index_of({2, 2}))], 5 / std::sqrt(20.0), 1e-12);
  EXPECT_NEAR(s.z[static_cast<std::size_t>(idx.index_of({1, 0}))], 3 / (std::sqrt(8.0) * 1.5),
              1e-12);
  EXPECT_EQ(s.z[static_cast<std::size_t>(idx.index_of({1, 1}))], 0.0);
  EXPECT_EQ(s.p[static_cast<std::size_t>(idx.index_of({1, 1}))], 1.0);
}

TEST(GiStar, ConstantInputGivesZeroNotNaN) {
  const std::vector<double> x(5, 3.0);
  const GiStar g = gi_star(x, path5());
  for (double z : g.z) EXPECT_EQ(z, 0.0);
}

TEST(Weights, DistanceBandOfOneNeighbourStepEqualsKRingOne) {
  const Grid g = *Grid::make(GridKind::kHex, 250.0);
  const CellIndex idx(g, {-3000, -3000}, {3000, 3000});
  const Weights a = kring_weights(idx, 1);
  const Weights b = distance_band_weights(idx, g.neighbour_distance_m() * 1.01);
  EXPECT_EQ(a.offsets, b.offsets);
  EXPECT_EQ(a.neighbours, b.neighbours);
  // A band of 2√3·edge reaches all of the second ring (centres at 3 and 2√3 edges) and none
  // of the third (nearest at √21 edges).
  const Weights c = distance_band_weights(idx, 2.0 * std::sqrt(3.0) * 250.0 * 1.001);
  const Weights k2 = kring_weights(idx, 2);
  EXPECT_EQ(c.offsets, k2.offsets);
}

TEST(BenjaminiHochberg, ThresholdsByHand) {
  // m = 5, α = 0.05: k·α/m = .01 .02 .03 .04 .05 → the largest p_(k) below is 0.04.
  EXPECT_DOUBLE_EQ(bh_threshold(std::vector<double>{0.5, 0.04, 0.01, 0.03, 0.02}, 0.05), 0.04);
  // m = 4: bounds .0125 .025 .0375 .05; sorted .001 .03 .04 .9 → only .001 qualifies.
  EXPECT_DOUBLE_EQ(bh_threshold(std::vector<double>{0.04, 0.001, 0.9, 0.03}, 0.05), 0.001);
  EXPECT_EQ(bh_threshold(std::vector<double>{0.2, 0.3}, 0.05), -1.0);
}

TEST(Classes, FollowArcGisBins) {
  const SignificanceCutoffs c = nominal_cutoffs();
  EXPECT_EQ(gi_bin(3.0, 0.005, c), 3);
  EXPECT_EQ(gi_bin(2.0, 0.03, c), 2);
  EXPECT_EQ(gi_bin(1.7, 0.08, c), 1);
  EXPECT_EQ(gi_bin(1.0, 0.3, c), 0);
  EXPECT_EQ(gi_bin(-2.7, 0.007, c), -3);
  EXPECT_EQ(gi_class_name(-2), "cold_95");
  EXPECT_EQ(gi_class_name(0), "not_significant");
}

TEST(Kde, SilvermanRuleAndKernelMass) {
  // Four points on a 100 m square around (0, 0): SD = √(4·5000/4) = 70.71, Dm = 70.71;
  // h = 0.9 · min(70.71, √(1/ln2) · 70.71) · 4^(−0.2).
  const std::vector<PointXy> pts = {{50, 50}, {-50, 50}, {-50, -50}, {50, -50}};
  const double sd = std::sqrt(5000.0);
  EXPECT_NEAR(silverman_bandwidth_m(pts), 0.9 * sd * std::pow(4.0, -0.2), 1e-9);
  // The quartic kernel integrates to 1: summed over fine cells, density × area ≈ count.
  const Grid g = *Grid::make(GridKind::kSquare, 20.0);
  const CellIndex idx(g, {-2000, -2000}, {2000, 2000});
  std::vector<double> counts(idx.size(), 0.0);
  counts[static_cast<std::size_t>(idx.index_at({10, 10}))] = 7;
  const auto d = kernel_density(idx, counts, 500.0);
  double mass = 0;
  for (double v : d) mass += v * g.cell_area_m2() / 1e6;
  EXPECT_NEAR(mass, 7.0, 0.05);
}

}  // namespace
}  // namespace css::geo

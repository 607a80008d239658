// Projection (round trip, equal area) and grids (cells, rings, corners, ids).
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "css/geo/grid.hpp"
#include "css/geo/projection.hpp"

namespace css::geo {
namespace {

constexpr LonLat kSaoPaulo{-46.6339, -23.5503};

TEST(Projection, CentreMapsToOriginAndRoundTrips) {
  const LocalProjection p(kSaoPaulo);
  const Xy o = p.forward(kSaoPaulo);
  EXPECT_NEAR(o.x, 0.0, 1e-6);
  EXPECT_NEAR(o.y, 0.0, 1e-6);
  for (double dlat : {-0.4, -0.05, 0.0, 0.2})
    for (double dlon : {-0.3, 0.01, 0.25}) {
      const LonLat q{kSaoPaulo.lon + dlon, kSaoPaulo.lat + dlat};
      const LonLat back = p.inverse(p.forward(q));
      EXPECT_NEAR(back.lon, q.lon, 1e-7);  // ~1 cm: the inverse latitude series (3-18)
      EXPECT_NEAR(back.lat, q.lat, 1e-7);
    }
}

TEST(Projection, NorthIsUpAndEastIsRight) {
  const LocalProjection p(kSaoPaulo);
  const Xy n = p.forward({kSaoPaulo.lon, kSaoPaulo.lat + 0.01});
  const Xy e = p.forward({kSaoPaulo.lon + 0.01, kSaoPaulo.lat});
  EXPECT_NEAR(n.y, 1105.0, 10.0);  // ~1.105 km per 0.01° of latitude at 23.5° S
  EXPECT_NEAR(n.x, 0.0, 1e-6);
  EXPECT_NEAR(e.x, 1020.0, 10.0);  // 0.01° of longitude · cos(23.55°)
}

// Ellipsoidal area of a lon/lat quadrilateral: a²/2 · Δλ · (q(φ2) − q(φ1)) (Snyder 3-12).
double ellipsoid_area(double lat1, double lat2, double dlon_deg) {
  const double a = 6378137.0, f = 1 / 298.257223563, e2 = f * (2 - f), e = std::sqrt(e2);
  auto q = [&](double lat) {
    const double s = std::sin(lat * std::numbers::pi / 180);
    return (1 - e2) * (s / (1 - e2 * s * s) - 1 / (2 * e) * std::log((1 - e * s) / (1 + e * s)));
  };
  return a * a / 2 * dlon_deg * std::numbers::pi / 180 * (q(lat2) - q(lat1));
}

double polygon_area(const std::vector<Xy>& v) {
  double s = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const Xy a = v[i], b = v[(i + 1) % v.size()];
    s += a.x * b.y - b.x * a.y;
  }
  return s / 2;
}

TEST(Projection, PreservesAreaAwayFromTheCentre) {
  const LocalProjection p(kSaoPaulo);
  for (const LonLat sw : {LonLat{-46.80, -23.95}, LonLat{-46.40, -23.40}, LonLat{-46.63, -23.55}}) {
    // A 0.01° quadrilateral, its edges sampled so the projected polygon follows the curves.
    std::vector<Xy> poly;
    const int n = 20;
    for (int i = 0; i < n; ++i) poly.push_back(p.forward({sw.lon + 0.01 * i / n, sw.lat}));
    for (int i = 0; i < n; ++i) poly.push_back(p.forward({sw.lon + 0.01, sw.lat + 0.01 * i / n}));
    for (int i = 0; i < n; ++i)
      poly.push_back(p.forward({sw.lon + 0.01 - 0.01 * i / n, sw.lat + 0.01}));
    for (int i = 0; i < n; ++i) poly.push_back(p.forward({sw.lon, sw.lat + 0.01 - 0.01 * i / n}));
    const double truth = ellipsoid_area(sw.lat, sw.lat + 0.01, 0.01);
    EXPECT_NEAR(polygon_area(poly) / truth, 1.0, 1e-6) << sw.lon << "," << sw.lat;
  }
}

TEST(Grid, RejectsBadSizes) {
  EXPECT_FALSE(Grid::make(GridKind::kHex, 0.0).ok());
  EXPECT_FALSE(Grid::make(GridKind::kSquare, -5.0).ok());
  EXPECT_FALSE(Grid::make(GridKind::kHex, std::nan("")).ok());
}

TEST(Grid, HexCentresMapBackToTheirCellAndAreasMatch) {
  const Grid g = *Grid::make(GridKind::kHex, 250.0);
  EXPECT_NEAR(g.cell_area_m2(), 162379.76, 0.01);
  for (int q = -3; q <= 3; ++q)
    for (int r = -3; r <= 3; ++r) {
      const Cell c{q, r};
      EXPECT_EQ(g.cell_at(g.centre(c)), c);
      // Points just inside each corner belong to the cell.
      const Xy m = g.centre(c);
      for (const Xy k : g.corners(c))
        EXPECT_EQ(g.cell_at({m.x + 0.98 * (k.x - m.x), m.y + 0.98 * (k.y - m.y)}), c);
      EXPECT_NEAR(polygon_area(g.corners(c)), g.cell_area_m2(), 1e-6);  // CCW: positive
    }
}

TEST(Grid, RingsHaveTheRightSizeAndDistance) {
  const Grid hex = *Grid::make(GridKind::kHex, 100.0);
  const Grid sq = *Grid::make(GridKind::kSquare, 100.0);
  EXPECT_EQ(hex.ring({2, -1}, 1).size(), 7u);
  EXPECT_EQ(hex.ring({0, 0}, 2).size(), 19u);  // 1 + 6 + 12
  EXPECT_EQ(sq.ring({0, 0}, 1).size(), 9u);
  for (const Cell n : hex.ring({0, 0}, 1)) {
    if (n == Cell{0, 0}) continue;
    const Xy a = hex.centre(n);
    EXPECT_NEAR(std::hypot(a.x, a.y), hex.neighbour_distance_m(), 1e-9);
  }
  EXPECT_EQ(hex.distance({0, 0}, {3, -1}), 3);
  EXPECT_EQ(sq.distance({0, 0}, {3, -5}), 5);
}

TEST(Grid, SquareCellsAndIds) {
  const Grid g = *Grid::make(GridKind::kSquare, 50.0);
  EXPECT_EQ(g.cell_at({-0.1, 49.9}), (Cell{-1, 0}));
  EXPECT_DOUBLE_EQ(polygon_area(g.corners({3, -2})), 2500.0);
  for (const Cell c : {Cell{0, 0}, Cell{-1, 7}, Cell{123456, -654321}, Cell{INT32_MIN, INT32_MAX}})
    EXPECT_EQ(cell_from_id(cell_id(c)), c);
  EXPECT_EQ(g.cell_text({-1, 7}), "s:-1:7");
}

TEST(CellIndex, CoversTheRectangleOnceAndLooksUp) {
  const Grid g = *Grid::make(GridKind::kHex, 250.0);
  const CellIndex idx(g, {-2003, -1497}, {2003, 1497});  // edges off the lattice rows
  ASSERT_GT(idx.size(), 0u);
  // Area covered ≈ the rectangle's (cells whose centre lies inside).
  EXPECT_NEAR(static_cast<double>(idx.size()) * g.cell_area_m2() / (4006.0 * 2994.0), 1.0, 0.1);
  for (std::size_t i = 0; i < idx.size(); ++i)
    EXPECT_EQ(idx.index_of(idx.cells()[i]), static_cast<std::int64_t>(i));
  EXPECT_EQ(idx.index_at({9000, 0}), -1);
}

}  // namespace
}  // namespace css::geo

// Location coarsening: every output is a cell centre, within half a cell of the input, and
// all inputs of one cell give the same output.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>

#include "css/node/location.hpp"

namespace css::node {
namespace {

double metres_between(double lat1, double lon1, double lat2, double lon2) {
  const double k = std::numbers::pi / 180.0;
  const double x = (lon2 - lon1) * k * std::cos((lat1 + lat2) / 2 * k);
  const double y = (lat2 - lat1) * k;
  return std::hypot(x, y) * kEarthRadiusM;  // equirectangular: fine at 100 m scale
}

TEST(Coarsen, OutputIsACellCentreWithinHalfADiagonal) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> lat(-80, 80), lon(-180, 180);
  for (double p : {10.0, 100.0, 1000.0}) {
    for (int i = 0; i < 2000; ++i) {
      const double a = lat(rng), b = lon(rng);
      const auto [ca, cb] = coarsen(a, b, p);
      EXPECT_TRUE(is_cell_centre(ca, cb, p)) << a << "," << b << " p=" << p;
      // Half the cell diagonal, plus the lon cell being sized at the centre's latitude.
      EXPECT_LE(metres_between(a, b, ca, cb), p * std::sqrt(0.5) * 1.01) << a << "," << b;
    }
  }
}

TEST(Coarsen, NeighboursInOneCellShareTheOutputAndRawPointsAreNotCentres) {
  const double p = 100.0;
  const auto c = coarsen(-23.55052, -46.63331, p);
  EXPECT_EQ(coarsen(c.first + 1e-5, c.second - 1e-5, p), c);
  EXPECT_EQ(coarsen(c.first - 1e-5, c.second + 1e-5, p), c);
  EXPECT_FALSE(is_cell_centre(-23.55052, -46.63331, p));
  EXPECT_FALSE(is_cell_centre(c.first + 0.0001, c.second, p));  // 11 m off the centre
  // A 100 m grid cell is ~0.0009 deg of latitude.
  EXPECT_NEAR(std::abs(coarsen(0.00001, 0.0, p).first),
              0.5 * p / (kEarthRadiusM * std::numbers::pi / 180), 1e-12);
}

TEST(Coarsen, PolesAndDatelineStayInRange) {
  for (double lat : {-90.0, 90.0, 89.99999}) {
    const auto [a, b] = coarsen(lat, 179.99999, 1000.0);
    EXPECT_LE(std::abs(a), 90.0);
    EXPECT_LE(std::abs(b), 180.0);
  }
  const auto [a, b] = coarsen(10.0, 180.0, 100.0);
  EXPECT_LE(b, 180.0);
  (void)a;
}

TEST(Coarsen, PrecisionRangeIsChecked) {
  EXPECT_TRUE(validate_precision(100.0).ok());
  EXPECT_FALSE(validate_precision(1.0).ok());
  EXPECT_FALSE(validate_precision(std::nan("")).ok());
  const auto st = validate_precision(1e9);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("--location-precision-m"), std::string::npos);
}

}  // namespace
}  // namespace css::node

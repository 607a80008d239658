// Lambert azimuthal equal-area on the WGS 84 ellipsoid (projection.hpp; Snyder 1987).
#include "css/geo/projection.hpp"

#include <cmath>
#include <numbers>

namespace css::geo {
namespace {

constexpr double kA = 6378137.0;            // WGS 84 semi-major axis, m
constexpr double kF = 1.0 / 298.257223563;  // WGS 84 flattening
constexpr double kE2 = kF * (2.0 - kF);     // e²
const double kE = std::sqrt(kE2);
constexpr double kDeg = std::numbers::pi / 180.0;

// Snyder eq. 3-12: q(φ).
double q_of(double sin_phi) {
  const double es = kE * sin_phi;
  return (1.0 - kE2) * (sin_phi / (1.0 - kE2 * sin_phi * sin_phi) -
                        (1.0 / (2.0 * kE)) * std::log((1.0 - es) / (1.0 + es)));
}

const double kQp = q_of(1.0);  // q at the pole

}  // namespace

double authalic_latitude(double phi) {
  return std::asin(q_of(std::sin(phi)) / kQp);
}

LocalProjection::LocalProjection(LonLat centre) : centre_(centre) {
  const double phi1 = centre.lat * kDeg;
  lam0_ = centre.lon * kDeg;
  const double b1 = authalic_latitude(phi1);
  sin_b1_ = std::sin(b1);
  cos_b1_ = std::cos(b1);
  rq_ = kA * std::sqrt(kQp / 2.0);  // 3-13
  const double m1 =
      std::cos(phi1) / std::sqrt(1.0 - kE2 * std::sin(phi1) * std::sin(phi1));  // 14-15
  d_ = kA * m1 / (rq_ * cos_b1_);                                               // 24-20
}

Xy LocalProjection::forward(LonLat p) const {
  const double b = authalic_latitude(p.lat * kDeg);
  const double dl = p.lon * kDeg - lam0_;
  const double sb = std::sin(b), cb = std::cos(b), cdl = std::cos(dl);
  const double bb = rq_ * std::sqrt(2.0 / (1.0 + sin_b1_ * sb + cos_b1_ * cb * cdl));  // 24-19
  return {bb * d_ * cb * std::sin(dl),
          (bb / d_) * (cos_b1_ * sb - sin_b1_ * cb * cdl)};  // 24-17, 24-18
}

LonLat LocalProjection::inverse(Xy p) const {
  const double xd = p.x / d_, yd = d_ * p.y;
  const double rho = std::sqrt(xd * xd + yd * yd);  // 24-28
  if (rho < 1e-12) return centre_;
  const double c = 2.0 * std::asin(std::min(1.0, rho / (2.0 * rq_)));  // 24-29
  const double sc = std::sin(c), cc = std::cos(c);
  const double beta = std::asin(cc * sin_b1_ + d_ * p.y * sc * cos_b1_ / rho);  // 24-30
  const double lam = lam0_ + std::atan2(p.x * sc, d_ * rho * cos_b1_ * cc -
                                                      d_ * d_ * p.y * sin_b1_ * sc);  // 24-26
  // 3-18: geodetic from authalic latitude (series to e⁶: ~3e-10 rad, ~2 mm, here).
  const double e4 = kE2 * kE2, e6 = e4 * kE2;
  const double phi = beta +
                     (kE2 / 3.0 + 31.0 * e4 / 180.0 + 517.0 * e6 / 5040.0) * std::sin(2 * beta) +
                     (23.0 * e4 / 360.0 + 251.0 * e6 / 3780.0) * std::sin(4 * beta) +
                     (761.0 * e6 / 45360.0) * std::sin(6 * beta);
  return {lam / kDeg, phi / kDeg};
}

}  // namespace css::geo

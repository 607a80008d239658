// LocalProjection: a Lambert azimuthal equal-area (LAEA) projection of the WGS 84 ellipsoid
// centred on a city, so that grid cells of equal size on the plane cover equal ground areas
// (what per-cell counts and rates need). Formulas: J. P. Snyder, "Map Projections — A
// Working Manual", USGS Professional Paper 1395 (1987), pp. 187–190 (oblique aspect,
// ellipsoid; eqs. 3-11, 3-12, 24-16 … 24-28; inverse latitude by the authalic series 3-18).
// Metres east (x) and north (y) of the centre; degrees in and out. Pure functions, no state
// beyond the constants derived from the centre; thread-safe.
#pragma once

namespace css::geo {

struct LonLat {
  double lon = 0.0;  // deg, [-180, 180]
  double lat = 0.0;  // deg, [-90, 90]
};

struct Xy {
  double x = 0.0;  // m east of the projection centre
  double y = 0.0;  // m north of the projection centre
};

class LocalProjection {
 public:
  explicit LocalProjection(LonLat centre);
  Xy forward(LonLat p) const;
  LonLat inverse(Xy p) const;
  LonLat centre() const { return centre_; }

 private:
  LonLat centre_;
  double lam0_, sin_b1_, cos_b1_, rq_, d_;
};

// Authalic latitude β (radians) of geodetic latitude φ (radians) on WGS 84 (Snyder 3-11, 3-12).
double authalic_latitude(double phi_rad);

}  // namespace css::geo

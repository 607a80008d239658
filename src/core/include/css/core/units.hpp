// Physical constants and unit conversions used across the project.
// Canonical units (docs/architecture.md, "Canonical data"): time s, acceleration m/s², angular rate
// rad/s, angles deg (GNSS), speed m/s, sound level dBA, position WGS-84 degrees.
#pragma once

namespace css::units {

// Standard gravity, m/s² (BIPM, SI brochure; 3rd CGPM 1901).
inline constexpr double kGravity = 9.80665;
inline constexpr double kPi = 3.14159265358979323846;
// Mean Earth radius, m (IUGG mean radius R1), for small-distance geodesy.
inline constexpr double kEarthRadiusM = 6371008.8;

// Canonical IMU rate of the whole system (docs/architecture.md, "Canonical data") and GNSS fix
// rate.
inline constexpr double kImuRateHz = 50.0;
inline constexpr double kGnssRateHz = 1.0;

constexpr double deg_to_rad(double deg) {
  return deg * kPi / 180.0;
}
constexpr double rad_to_deg(double rad) {
  return rad * 180.0 / kPi;
}
constexpr double milli_g_to_mps2(double mg) {
  return mg * 1e-3 * kGravity;
}
constexpr double mps2_to_g(double a) {
  return a / kGravity;
}
constexpr double kmh_to_mps(double kmh) {
  return kmh / 3.6;
}

}  // namespace css::units

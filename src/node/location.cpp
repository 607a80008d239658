// Grid snapping of positions (location.hpp has the formula and its sources).
#include "css/node/location.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

namespace css::node {
namespace {

constexpr double kMetresPerDegLat = kEarthRadiusM * std::numbers::pi / 180.0;

double lon_step(double lat_c, double precision_m) {
  const double c = std::cos(lat_c * std::numbers::pi / 180.0);
  if (c < 1e-6) return 360.0;
  return precision_m / (kMetresPerDegLat * c);
}

double snap(double v, double step) {
  return (std::floor(v / step) + 0.5) * step;
}

bool on_centre(double v, double step) {
  const double k = v / step - 0.5;
  return std::abs(k - std::round(k)) < 1e-6;
}

}  // namespace

Status validate_precision(double precision_m) {
  if (!(precision_m >= kMinPrecisionM && precision_m <= kMaxPrecisionM))
    return make_error(
        ErrorCode::kInvalidArgument,
        "--location-precision-m: must be in [10, 100000] m, got " + std::to_string(precision_m));
  return Ok{};
}

std::pair<double, double> coarsen(double lat_deg, double lon_deg, double precision_m) {
  const double dlat = precision_m / kMetresPerDegLat;
  const double lat = std::clamp(snap(lat_deg, dlat), -90.0, 90.0);
  const double dlon = lon_step(lat, precision_m);
  if (dlon >= 360.0) return {lat, 0.0};
  return {lat, std::clamp(snap(lon_deg, dlon), -180.0, 180.0)};
}

bool is_cell_centre(double lat_deg, double lon_deg, double precision_m) {
  const double dlat = precision_m / kMetresPerDegLat;
  if (!on_centre(lat_deg, dlat) && std::abs(lat_deg) != 90.0) return false;
  const double dlon = lon_step(lat_deg, precision_m);
  if (dlon >= 360.0) return lon_deg == 0.0;
  return on_centre(lon_deg, dlon) || std::abs(lon_deg) == 180.0;
}

}  // namespace css::node

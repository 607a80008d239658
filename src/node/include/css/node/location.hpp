// Location coarsening, done ON THE NODE before an event or flow is built (docs/edge.md,
// "Privacy"). A position is snapped to the centre of its cell in a grid of `precision_m`:
//
//   Δlat = precision_m / M            M = R · π / 180 = metres per degree of latitude,
//                                     R = 6 371 008.8 m (IUGG mean Earth radius,
//                                     Moritz 2000, "Geodetic Reference System 1980")
//   lat' = (floor(lat / Δlat) + 0.5) · Δlat                     clamped to [-90, 90]
//   Δlon = precision_m / (M · cos(lat'))   (cells stay ~precision_m wide east-west)
//   lon' = (floor(lon / Δlon) + 0.5) · Δlon                     clamped to [-180, 180]
//
// Every position inside a cell maps to the same point, so the output tells no more than
// "somewhere in this precision_m × precision_m cell". Near the poles (cos(lat') < 1e-6 or
// Δlon ≥ 360) lon' is 0. Pure functions; no state.
#pragma once

#include <optional>
#include <utility>

#include "css/core/result.hpp"

namespace css::node {

inline constexpr double kEarthRadiusM = 6371008.8;
inline constexpr double kMinPrecisionM = 10.0;
inline constexpr double kMaxPrecisionM = 100000.0;

// Checks kMinPrecisionM <= precision_m <= kMaxPrecisionM; the error names the flag.
Status validate_precision(double precision_m);

// (lat', lon') for a valid lat/lon in degrees and a valid precision.
std::pair<double, double> coarsen(double lat_deg, double lon_deg, double precision_m);

// True when (lat, lon) is a cell centre of the grid of `precision_m` (within 1e-6 cell):
// what a subscriber checks to know a position was coarsened.
bool is_cell_centre(double lat_deg, double lon_deg, double precision_m);

}  // namespace css::node

// Helpers shared by the simulator tests: signal statistics over frames.
#pragma once

#include <cmath>
#include <cstddef>
#include <vector>

#include "css/core/recording.hpp"
#include "css/core/units.hpp"

namespace css::sim::testing {

inline double norm3(const std::array<float, 3>& v) {
  return std::sqrt(double(v[0]) * v[0] + double(v[1]) * v[1] + double(v[2]) * v[2]);
}

// Great-circle distance in metres.
inline double haversine_m(double lat1, double lon1, double lat2, double lon2) {
  const double p1 = units::deg_to_rad(lat1), p2 = units::deg_to_rad(lat2);
  const double dp = p2 - p1, dl = units::deg_to_rad(lon2 - lon1);
  const double a = std::sin(dp / 2) * std::sin(dp / 2) +
                   std::cos(p1) * std::cos(p2) * std::sin(dl / 2) * std::sin(dl / 2);
  return 2.0 * units::kEarthRadiusM * std::asin(std::sqrt(a));
}

// Smallest absolute difference of two courses, degrees in [0, 180].
inline double course_diff_deg(double a, double b) {
  double d = std::fmod(std::fabs(a - b), 360.0);
  return d > 180.0 ? 360.0 - d : d;
}

// Frequency (Hz) of the largest periodogram peak of |acc| over [begin, end) within
// [f_lo, f_hi], scanned every 0.01 Hz (DFT at each trial frequency).
inline double dominant_frequency(const Recording& rec, std::size_t begin, std::size_t end,
                                 double f_lo, double f_hi) {
  std::vector<double> x;
  for (std::size_t i = begin; i < end; ++i) x.push_back(norm3(rec.frames[i].acc));
  double mean = 0;
  for (double v : x) mean += v;
  mean /= static_cast<double>(x.size());
  double best_f = 0, best_p = -1;
  for (double f = f_lo; f <= f_hi + 1e-9; f += 0.01) {
    double re = 0, im = 0;
    const double w = 2 * units::kPi * f / rec.rate_hz;
    for (std::size_t i = 0; i < x.size(); ++i) {
      re += (x[i] - mean) * std::cos(w * static_cast<double>(i));
      im += (x[i] - mean) * std::sin(w * static_cast<double>(i));
    }
    const double p = re * re + im * im;
    if (p > best_p) {
      best_p = p;
      best_f = f;
    }
  }
  return best_f;
}

// Indices where a new GNSS fix appears (fix flag set and position or speed changed).
inline std::vector<std::size_t> fix_indices(const Recording& rec) {
  std::vector<std::size_t> out;
  for (std::size_t i = 1; i < rec.frames.size(); ++i) {
    const auto& a = rec.frames[i - 1];
    const auto& b = rec.frames[i];
    if (b.gnss_fix && (a.lat != b.lat || a.lon != b.lon || !a.gnss_fix)) out.push_back(i);
  }
  return out;
}

}  // namespace css::sim::testing

#include "frame_checks.hpp"

#include <cmath>
#include <cstdio>

namespace css::data::detail {
namespace {

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

Error bad(const std::string& where, std::size_t i, const std::string& what) {
  return make_error(ErrorCode::kParse, where + " frame " + std::to_string(i) + ": " + what);
}

bool in_range_or_nan(double v, double limit, bool fix) {
  if (std::isnan(v)) return !fix;
  return v >= -limit && v <= limit;
}

}  // namespace

Status check_rate(double rate_hz, const std::string& where) {
  if (rate_hz >= kMinRateHz && rate_hz <= kMaxRateHz) return Ok{};
  return make_error(ErrorCode::kInvalidArgument, where + ": rate_hz " + num(rate_hz) +
                                                     " is outside [" + num(kMinRateHz) + ", " +
                                                     num(kMaxRateHz) + "] Hz");
}

Status check_frames(std::span<const SensorFrame> frames, double rate_hz, const std::string& where) {
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const SensorFrame& f = frames[i];
    if (!std::isfinite(f.t)) return bad(where, i, "t " + num(f.t) + " is not a finite time [s]");
    if (i > 0 && !(f.t > frames[i - 1].t)) {
      return bad(where, i,
                 "t " + num(f.t) + " s is not after the previous frame's " + num(frames[i - 1].t) +
                     " s (expected time to increase)");
    }
    for (std::size_t k = 0; k < 3; ++k) {
      if (!std::isfinite(f.acc[k]))
        return bad(where, i,
                   std::string(kFrameColumns[1 + k]) + " " + num(f.acc[k]) +
                       " is not a finite acceleration [m/s^2]");
    }
    if (!in_range_or_nan(f.lat, 90.0, f.gnss_fix))
      return bad(where, i, "lat " + num(f.lat) + " is outside [-90, 90] deg");
    if (!in_range_or_nan(f.lon, 180.0, f.gnss_fix))
      return bad(where, i, "lon " + num(f.lon) + " is outside [-180, 180] deg");
  }
  if (rate_hz > 0.0 && frames.size() >= 2) {
    const double span_s = frames.back().t - frames.front().t;
    const double implied_hz = static_cast<double>(frames.size() - 1) / span_s;
    if (!(std::fabs(implied_hz - rate_hz) <= kRateTolerance * rate_hz)) {
      return make_error(ErrorCode::kParse, where + ": rate_hz " + num(rate_hz) +
                                               " disagrees with the t column (" + num(implied_hz) +
                                               " Hz over " + std::to_string(frames.size()) +
                                               " frames)");
    }
  }
  return Ok{};
}

}  // namespace css::data::detail

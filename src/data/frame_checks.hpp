// Internal: what every frame read from a user's file (dataset NPY + sidecar, CSV) must
// satisfy before a library computes on it. Errors are one line naming the file, the frame
// and the field.
#pragma once

#include <span>
#include <string>

#include "css/core/result.hpp"
#include "css/core/sensor_frame.hpp"

namespace css::data::detail {

// Sample rates a dataset or an import may declare, Hz: a phone's IMU runs at 5 to a few
// hundred Hz; outside this range the value is a typo and resampling would explode or vanish.
inline constexpr double kMinRateHz = 1.0;
inline constexpr double kMaxRateHz = 10000.0;
// The rate the t column implies may differ from the declared one by this fraction
// (timestamps of real recordings jitter; a wrong rate is off by far more).
inline constexpr double kRateTolerance = 0.01;

// "<where>: rate_hz X is outside [1, 10000] Hz" unless kMinRateHz <= rate_hz <= kMaxRateHz.
Status check_rate(double rate_hz, const std::string& where);

// t finite and strictly increasing, and (two frames or more) in step with rate_hz when
// rate_hz > 0; acceleration finite; lat in [-90, 90] and lon in [-180, 180] (NaN allowed
// without a fix).
Status check_frames(std::span<const SensorFrame> frames, double rate_hz, const std::string& where);

}  // namespace css::data::detail

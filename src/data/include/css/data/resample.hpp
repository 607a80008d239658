// Resampling a Recording to another rate (docs/datasets.md, "Resampling").
// Output sample j sits at t0 + j / target_rate_hz and covers [t0, t_last]:
//  - IMU (acc, gyro) and spl: linear interpolation between the two neighbouring
//    source samples (an absent sensor, NaN, stays NaN);
//  - GNSS fields (fix, lat, lon, speed, course): held from the source sample at or
//    before the output time, as GNSS is a held 1 Hz signal anyway;
//  - labels: the label of the nearest source sample; segment bounds and onset
//    indices move to the first output sample whose nearest source sample is at or
//    after the original index, so segments stay consistent with labels.
// Resampling assumes uniformly spaced source samples at recording.rate_hz.
#pragma once

#include "css/core/recording.hpp"

namespace css::data {

// A copy with rate_hz = target_rate_hz. A non-positive target or source rate, or
// an equal rate, returns the recording unchanged.
Recording resample(const Recording& recording, double target_rate_hz);

}  // namespace css::data

// Augmentation of recordings for training (DESIGN §2 sim/). Every function is
// deterministic for a given seed and modifies the Recording in place. Vectors
// are acc [m/s²] and gyro [rad/s] in the device frame; a NaN gyro (no
// gyroscope) stays NaN. Definitions and their physical meaning: docs/simulator.md.
#pragma once

#include <cstdint>

#include "css/core/recording.hpp"

namespace css::sim {

struct AugmentConfig {
  bool enabled = false;
  double jitter_std_acc_mps2 = 0.05;  // additive white noise on each acc axis
  double jitter_std_gyro_rps = 0.01;  // additive white noise on each gyro axis
  double scale_std = 0.05;            // per-axis gain error, factor ~ N(1, scale_std)
  double time_warp_strength = 0.1;    // local time-rate factor in [e^-s, e^s]
  bool rotate = true;                 // one uniform random 3-D rotation of the device frame
};

// Additive Gaussian noise on every acc and gyro component.
void jitter(Recording& rec, double acc_std_mps2, double gyro_std_rps, std::uint64_t seed);
// Per-axis multiplicative gain ~ N(1, scale_std); the same three gains for acc and gyro
// (one sensor package mis-scaled along its axes).
void scale(Recording& rec, double scale_std, std::uint64_t seed);
// Smooth monotone time warp: the local playback rate is exp(strength * h(t)) with h a
// C1 cubic Hermite curve through random knots in [-1, 1] (one knot per ~5 s). Frames are
// resampled (acc, gyro, spl linearly; GNSS fields and labels held), so the length changes
// by at most the factor e^±strength. Segment order is preserved; segments and onsets are
// mapped through the warp; t is rewritten as index / rate. strength is clamped to [0, 1].
void time_warp(Recording& rec, double strength, std::uint64_t seed);
// One uniform random rotation (Haar measure on SO(3)) applied to every acc and gyro vector.
void rotate(Recording& rec, std::uint64_t seed);
// time_warp → scale → rotate → jitter, each with its own seed derived from `seed`;
// does nothing unless config.enabled.
void augment(Recording& rec, const AugmentConfig& config, std::uint64_t seed);

}  // namespace css::sim

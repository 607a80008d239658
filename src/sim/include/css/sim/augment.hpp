// Augmentation of recordings for training (docs/simulator.md). Every function is
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
  double bias_std_acc_mps2 = 0.0;     // constant offset per acc axis, ~ N(0, std)
  double bias_std_gyro_rps = 0.0;     // constant offset per gyro axis, ~ N(0, std)
  double saturate_probability = 0.0;  // chance of clipping acc at ±2, ±4 or ±8 g (one drawn)
  double intensity_log_std = 0.0;     // vigour: motion around gravity and ω × exp(N(0, std))
};

// Full-scale ranges phones' accelerometers ship with (the LSM6DSL and BMI160 datasheets
// offer ±2/4/8/16 g; ±2 g clips running and hard landings, ±8 g rarely clips anything).
inline constexpr double kSaturationRangesG[3] = {2.0, 4.0, 8.0};

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
// A constant offset per axis, drawn once (MEMS zero-rate/zero-g offsets: the LSM6DSL
// datasheet gives ±40 mg and ±3 dps typical after soldering).
void bias(Recording& rec, double acc_std_mps2, double gyro_std_rps, std::uint64_t seed);
// Vigour: one factor k = exp(log_std · N(0, 1)) multiplies the acceleration around its
// gravity estimate (a 0.5 s low-pass, as features v4) and the angular rate — a more or less
// vigorous walker, a looser or tighter pocket. Real pocket walkers' RMS |ω| spans 1.0–3.5
// rad/s across the 23 people of spswhar, a factor of 3.5.
void intensity(Recording& rec, double log_std, std::uint64_t seed);
// Clips every acc axis to ±range_g·g, as an accelerometer at that full scale reads.
void saturate(Recording& rec, double range_g);
// One uniform random rotation (Haar measure on SO(3)) applied to every acc and gyro vector.
void rotate(Recording& rec, std::uint64_t seed);
// time_warp → intensity → scale → rotate → jitter → bias → saturate (with
// saturate_probability), each
// with its own seed derived from `seed`;
// does nothing unless config.enabled.
void augment(Recording& rec, const AugmentConfig& config, std::uint64_t seed);

}  // namespace css::sim

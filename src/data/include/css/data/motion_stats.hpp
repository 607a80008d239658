// Motion statistics per activity label, to set simulated motion beside real phones
// (`citysafe dataset compare`, docs/simulator.md "Simulator against reality").
//
// Windows: non-overlapping runs of kMotionWindow samples (5.12 s at 50 Hz) cut from the start of
// each run of one label, so every sample of a window carries that label; a window with a
// non-finite acceleration is dropped. In each window, with |a| the norm of the acceleration
// (gravity included) and x = |a| − mean(|a|) its dynamic part (the window mean is the gravity
// estimate, which also cancels a sensor's scale offset):
//   step_freq_hz       frequency of the largest Hann-windowed DTFT power of x in 0.5–4 Hz,
//                      on a 0.01 Hz grid (Goertzel; the cadence band of Brajdic & Harle,
//                      UbiComp 2013); NaN when x is flat
//   rms_dyn_acc_mps2   sqrt(mean(x²))
//   rms_gyro_rps       sqrt(mean(|ω|²)); NaN when any sample has no gyroscope
//   band_0.5_3 …       power of x in [0.5, 3), [3, 8), [8, 20) Hz as fractions of its power in
//                      [0.5, 20) Hz (Hann-windowed DFT bins, 50/256 Hz apart); NaN when flat
//   jerk_rms_mps3      sqrt(mean((d|a|/dt)²)), first differences × rate_hz
//   orient_spread_deg  mean angle between each sample's acceleration direction and the
//                      direction of the window's mean acceleration (gravity estimate)
// Per label each statistic is summarised over windows by median and quartiles (linear
// interpolation between order statistics, numpy's default), NaNs left out; `n` counts the
// windows that gave a value. Pure functions of their inputs; nothing is kept between calls.
#pragma once

#include <array>
#include <cstddef>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "css/core/label.hpp"
#include "css/core/recording.hpp"
#include "css/core/result.hpp"

namespace css::data {

inline constexpr std::size_t kMotionWindow = 256;  // samples per window

enum class MotionStat {
  kStepFreq,
  kRmsDynAcc,
  kRmsGyro,
  kBandLow,
  kBandMid,
  kBandHigh,
  kJerkRms,
  kOrientSpread,
};
inline constexpr int kMotionStatCount = 8;

// Declared once: the name used in tables and JSON, its unit and the decimals printed.
struct MotionStatInfo {
  const char* name;
  const char* unit;
  int decimals;
};
inline constexpr std::array<MotionStatInfo, kMotionStatCount> kMotionStats = {{
    {"step_freq_hz", "Hz", 2},
    {"rms_dyn_acc_mps2", "m/s^2", 2},
    {"rms_gyro_rps", "rad/s", 2},
    {"band_0.5_3", "fraction", 2},
    {"band_3_8", "fraction", 2},
    {"band_8_20", "fraction", 2},
    {"jerk_rms_mps3", "m/s^3", 1},
    {"orient_spread_deg", "deg", 1},
}};

using WindowStats = std::array<double, kMotionStatCount>;  // indexed by MotionStat; NaN = none

// Statistics of one window (any length ≥ 2; the contract above uses kMotionWindow).
WindowStats window_stats(std::span<const SensorFrame> window, double rate_hz);

struct Quartiles {
  double p25 = 0.0, median = 0.0, p75 = 0.0;
  std::size_t n = 0;  // values summarised (NaNs left out); 0: the others are meaningless
};
Quartiles quartiles(std::vector<double> values);

struct LabelMotion {
  std::size_t windows = 0;
  std::array<Quartiles, kMotionStatCount> stats{};
};
struct MotionProfile {
  std::string name;  // shown as the dataset's column
  std::array<LabelMotion, kLabelCount> per_label{};
  std::size_t windows() const;
};

MotionProfile motion_profile(std::string name, std::span<const Recording> recordings);

// Rows label × statistic (labels with a window in any profile), one column per profile; each
// cell "median [p25-p75] (n)", "-" where a profile has no value.
std::string format_motion_comparison(std::span<const MotionProfile> profiles);
// The same as JSON: {window_samples, datasets: [{name, labels: {label: {windows, stats:
// {stat: {median, p25, p75, n}}}}}]}; a statistic with n = 0 has null quartiles.
std::string motion_comparison_json(std::span<const MotionProfile> profiles);
// Writes motion_comparison_json atomically (readers never see a partial file).
Status write_motion_comparison_json(const std::filesystem::path& path,
                                    std::span<const MotionProfile> profiles);

}  // namespace css::data

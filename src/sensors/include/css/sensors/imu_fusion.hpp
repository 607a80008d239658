// ImuFusion: K duplicate IMUs (same mounting, same frame) fused into one sample per tick.
//
// Per axis a (acc xyz, gyro xyz) over the sensors in use at this tick:
//   centre_a = median of x_i,a
//   MAD_a    = median of |x_i,a − centre_a|             (median absolute deviation)
//   limit_a  = max(floor_a, mad_k · 1.4826 · MAD_a)     (1.4826 · MAD estimates σ for
//                                                        Gaussian noise; floor_a keeps
//                                                        identical sensors from flagging noise)
// A sensor disagrees at this tick when any axis departs from centre_a by more than limit_a.
// After `flag_after` consecutive disagreeing ticks it is excluded; an excluded sensor is still
// compared with the centre of the others and rejoins after `rejoin_after` agreeing ticks.
// The fused sample is the per-axis median of the sensors in use (temperature included).
//
// Identifying the culprit needs K ≥ 3. With two sensors in use the MAD is each one's own
// deviation, so the limit is the floor alone: a disagreement flags both, and once both are
// excluded the ticks are counted as degraded (the median is then their mean). A missing reading
// (std::nullopt, e.g. a NACK) leaves the sensor's streaks alone. When every present sensor is
// excluded, all present ones are used and the tick is counted as degraded. No heap: K ≤ kMaxImus,
// fixed arrays; fuse() is O(K log K) per axis.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "css/core/result.hpp"
#include "css/sensors/imu.hpp"

namespace css::sensors {

inline constexpr std::size_t kMaxImus = 8;

struct FusionConfig {
  std::size_t sensors = 3;
  double mad_k = 6.0;
  double acc_floor_mps2 = 0.5;  // ≈ 0.05 g: well above MEMS noise at 50 Hz, far below a fault
  double gyro_floor_rps = 0.1;  // ≈ 5.7 °/s
  int flag_after = 10;          // 0.2 s at 50 Hz
  int rejoin_after = 50;        // 1 s at 50 Hz
};

// Checks 1 ≤ sensors ≤ kMaxImus, positive thresholds and counts.
Status validate(const FusionConfig& config);

struct FusedSample {
  ImuSample sample;
  std::size_t used = 0;   // sensors that made the median
  bool degraded = false;  // fewer than two sensors in use, or every present one excluded
};

struct SensorHealth {
  bool excluded = false;
  std::uint64_t disagreeing_ticks = 0;
  std::uint64_t exclusions = 0;
  std::uint64_t rejoins = 0;
  std::uint64_t missing = 0;
  int bad_streak = 0;
  int good_streak = 0;
};

struct FusionCounters {
  std::uint64_t fused = 0;
  std::uint64_t degraded = 0;
  std::uint64_t empty = 0;  // ticks where no sensor delivered (an Error was returned)
};

class ImuFusion {
 public:
  explicit ImuFusion(FusionConfig config);  // config must pass validate()
  // `readings[i]` is sensor i's sample this tick; its size must be config.sensors.
  Result<FusedSample> fuse(std::span<const std::optional<ImuSample>> readings);
  const SensorHealth& health(std::size_t i) const { return health_[i]; }
  const FusionCounters& counters() const { return counters_; }

 private:
  FusionConfig config_;
  std::array<SensorHealth, kMaxImus> health_{};
  FusionCounters counters_;
};

}  // namespace css::sensors

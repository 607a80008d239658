#include "css/sensors/imu_fusion.hpp"

#include <algorithm>
#include <cmath>

namespace css::sensors {
namespace {

constexpr std::size_t kAxes = 7;        // acc xyz, gyro xyz, temperature
constexpr double kMadToSigma = 1.4826;  // 1 / Φ⁻¹(3/4): MAD → σ for a normal distribution

double axis(const ImuSample& s, std::size_t a) {
  if (a < 3) return s.acc_mps2[a];
  if (a < 6) return s.gyro_rps[a - 3];
  return s.temperature_c;
}

void set_axis(ImuSample& s, std::size_t a, double v) {
  if (a < 3)
    s.acc_mps2[a] = static_cast<float>(v);
  else if (a < 6)
    s.gyro_rps[a - 3] = static_cast<float>(v);
  else
    s.temperature_c = static_cast<float>(v);
}

// Median of v[0..n) (n ≥ 1); reorders v.
double median(std::array<double, kMaxImus>& v, std::size_t n) {
  std::sort(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(n));
  return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

bool finite(const ImuSample& s) {
  for (std::size_t a = 0; a < kAxes; ++a) {
    if (!std::isfinite(axis(s, a))) return false;
  }
  return true;
}

}  // namespace

Status validate(const FusionConfig& c) {
  if (c.sensors < 1 || c.sensors > kMaxImus) {
    return make_error(ErrorCode::kInvalidArgument,
                      "imu fusion: sensors = " + std::to_string(c.sensors) + " (expected 1–8)");
  }
  if (!(c.mad_k > 0.0) || !(c.acc_floor_mps2 > 0.0) || !(c.gyro_floor_rps > 0.0) ||
      c.flag_after < 1 || c.rejoin_after < 1) {
    return make_error(ErrorCode::kInvalidArgument,
                      "imu fusion: mad_k, floors, flag_after and rejoin_after must be positive");
  }
  return Ok{};
}

ImuFusion::ImuFusion(FusionConfig config) : config_(config) {
  config_.sensors = std::clamp<std::size_t>(config_.sensors, 1, kMaxImus);
}

Result<FusedSample> ImuFusion::fuse(std::span<const std::optional<ImuSample>> readings) {
  const std::size_t k = std::min(readings.size(), config_.sensors);
  std::array<bool, kMaxImus> present{};
  std::array<bool, kMaxImus> in_use{};
  std::size_t n_present = 0;
  std::size_t n_use = 0;
  for (std::size_t i = 0; i < k; ++i) {
    present[i] = readings[i].has_value() && finite(*readings[i]);
    if (!present[i]) ++health_[i].missing;
    n_present += present[i];
    in_use[i] = present[i] && !health_[i].excluded;
    n_use += in_use[i];
  }
  if (n_present == 0) {
    ++counters_.empty;
    return make_error(ErrorCode::kIo, "imu fusion: no sensor delivered a sample this tick");
  }
  const bool all_excluded = n_use == 0;
  if (all_excluded) in_use = present, n_use = n_present;

  FusedSample out;
  std::array<double, kAxes> centre{};
  std::array<double, kAxes> limit{};
  std::array<double, kMaxImus> v{};
  for (std::size_t a = 0; a < kAxes; ++a) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < k; ++i) {
      if (in_use[i]) v[n++] = axis(*readings[i], a);
    }
    centre[a] = median(v, n);
    for (std::size_t j = 0; j < n; ++j) v[j] = std::fabs(v[j] - centre[a]);
    const double floor = a < 3 ? config_.acc_floor_mps2 : config_.gyro_floor_rps;
    // With two sensors the MAD equals each one's deviation and could never flag either: the
    // floor alone decides, so a disagreement excludes both and the tick reads as degraded.
    const double spread = n > 2 ? config_.mad_k * kMadToSigma * median(v, n) : 0.0;
    limit[a] = std::max(floor, spread);
    set_axis(out.sample, a, centre[a]);
  }
  for (std::size_t i = 0; i < k; ++i) {
    if (!present[i]) continue;
    bool disagrees = false;
    for (std::size_t a = 0; a < 6; ++a) {  // temperature differs between parts by design
      disagrees = disagrees || std::fabs(axis(*readings[i], a) - centre[a]) > limit[a];
    }
    SensorHealth& h = health_[i];
    h.bad_streak = disagrees ? std::min(h.bad_streak + 1, 1 << 30) : 0;
    h.good_streak = disagrees ? 0 : std::min(h.good_streak + 1, 1 << 30);
    h.disagreeing_ticks += disagrees;
    if (!h.excluded && h.bad_streak >= config_.flag_after) {
      h.excluded = true;
      ++h.exclusions;
    } else if (h.excluded && h.good_streak >= config_.rejoin_after) {
      h.excluded = false;
      ++h.rejoins;
    }
  }
  out.used = n_use;
  out.degraded = all_excluded || (n_use < 2 && config_.sensors >= 2);
  ++counters_.fused;
  counters_.degraded += out.degraded;
  return out;
}

}  // namespace css::sensors

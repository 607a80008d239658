#include "sensors.hpp"

#include <algorithm>
#include <cmath>

#include "css/core/units.hpp"
#include "motion_math.hpp"

namespace css::sim {

namespace {
constexpr double kG = units::kGravity;
// Full-scale ranges of LSM6DSL-class parts at their widest setting: ±16 g, ±2000 dps.
constexpr double kAccRange = 16.0 * kG;
constexpr double kGyroRange = units::deg_to_rad(2000.0);

float clampf(double v, double r) {
  return static_cast<float>(std::clamp(v, -r, r));
}
}  // namespace

void ImuNoise::init(double rate_hz, Rng& rng) {
  // Noise densities between LSM6DSL (~80–90 µg/√Hz, ~4 mdps/√Hz, high-performance mode)
  // and MPU-6050 (~400 µg/√Hz, ~5 mdps/√Hz) datasheet typicals; phones add some noise of
  // their own, so the gyro range is widened. Bandwidth ≈ ODR/2.
  const double bw = 0.5 * rate_hz;
  const double acc_nd = rng.uniform(80e-6, 400e-6) * kG;               // m/s²/√Hz
  const double gyro_nd = units::deg_to_rad(rng.uniform(4e-3, 15e-3));  // rad/s/√Hz
  acc_sigma_ = acc_nd * std::sqrt(bw);
  gyro_sigma_ = gyro_nd * std::sqrt(bw);
  // Residual biases after the phone's factory and run-time calibration (raw parts specify
  // ±40–80 mg and ±3–20 dps zero offsets; the scale augmentation covers gain errors).
  acc_bias_ = {rng.uniform(-0.03, 0.03), rng.uniform(-0.03, 0.03), rng.uniform(-0.03, 0.03)};
  const double gb = units::deg_to_rad(0.5);
  gyro_bias_ = {rng.uniform(-gb, gb), rng.uniform(-gb, gb), rng.uniform(-gb, gb)};
}

void ImuNoise::measure(Vec3 f, Vec3 w, SensorFrame& out, Rng& rng) const {
  out.acc = {clampf(f.x + acc_bias_.x + acc_sigma_ * rng.normal(), kAccRange),
             clampf(f.y + acc_bias_.y + acc_sigma_ * rng.normal(), kAccRange),
             clampf(f.z + acc_bias_.z + acc_sigma_ * rng.normal(), kAccRange)};
  out.gyro = {clampf(w.x + gyro_bias_.x + gyro_sigma_ * rng.normal(), kGyroRange),
              clampf(w.y + gyro_bias_.y + gyro_sigma_ * rng.normal(), kGyroRange),
              clampf(w.z + gyro_bias_.z + gyro_sigma_ * rng.normal(), kGyroRange)};
}

void Gnss::init(double lat0, double lon0, Rng& rng) {
  // Consumer receivers in open-to-urban sky: a few metres horizontal error that wanders
  // over tens of seconds to minutes (multipath, atmosphere): first-order Gauss–Markov.
  gm_sigma_ = rng.uniform(1.5, 4.0);
  gm_a_ = std::exp(-1.0 / rng.uniform(30.0, 120.0));
  err_e_ = gm_sigma_ * rng.normal();
  err_n_ = gm_sigma_ * rng.normal();
  lat_ = lat0;
  lon_ = lon0;
  course_deg_ = rng.uniform(0.0, 360.0);
}

void Gnss::new_fix(double lat, double lon, double ve, double vn, Rng& rng) {
  const double b = gm_sigma_ * std::sqrt(1.0 - gm_a_ * gm_a_);
  err_e_ = gm_a_ * err_e_ + b * rng.normal();
  err_n_ = gm_a_ * err_n_ + b * rng.normal();
  // Outages (urban canyons, indoors, tunnels): start ~once per 10 min, last ~5–60 s.
  if (outage_left_s_ > 0.0) {
    outage_left_s_ -= 1.0;
  } else if (rng.chance(1.0 / 600.0)) {
    outage_left_s_ = 5.0 + rng.exponential(20.0);
  }
  fix_ = outage_left_s_ <= 0.0;
  if (!fix_) return;  // the receiver holds its last solution, flagged invalid
  const double e = err_e_ + 0.3 * rng.normal();
  const double n = err_n_ + 0.3 * rng.normal();
  const double lat_rad = units::deg_to_rad(lat);
  lat_ = lat + units::rad_to_deg(n / units::kEarthRadiusM);
  lon_ = lon + units::rad_to_deg(e / (units::kEarthRadiusM * std::cos(lat_rad)));
  // Doppler speed is far better than position differencing: ~0.05–0.2 m/s (receiver specs).
  const double v = std::hypot(ve, vn);
  speed_ = static_cast<float>(std::max(0.0, v + 0.1 * rng.normal()));
  // Course is only meaningful when moving; receivers freeze it below ~0.5 m/s.
  if (v > 0.5) {
    const double sigma_deg = std::min(20.0, 3.0 / v);
    double c = units::rad_to_deg(std::atan2(ve, vn)) + sigma_deg * rng.normal();
    c = std::fmod(c, 360.0);
    if (c < 0) c += 360.0;
    course_deg_ = c >= 360.0 ? 0.0 : c;
  }
}

void Gnss::sample(double t, double lat, double lon, double ve, double vn, SensorFrame& out,
                  Rng& rng) {
  if (t >= next_fix_t_) {
    new_fix(lat, lon, ve, vn, rng);
    next_fix_t_ += 1.0 / units::kGnssRateHz;
  }
  out.gnss_fix = fix_;
  out.lat = lat_;
  out.lon = lon_;
  out.gnss_speed = speed_;
  out.gnss_course = static_cast<float>(course_deg_);
}

void SplModel::init(double street_dba, double rate_hz, Rng& rng) {
  dt_ = 1.0 / rate_hz;
  street_ = street_dba;
  slow_ = slow_next_ = 3.0 * rng.normal();
  cabin_idle_ = rng.uniform(44.0, 55.0);
  level_ = street_ + slow_;
  // "Fast" time weighting of sound level meters: τ = 125 ms (IEC 61672-1).
  alpha_ = 1.0 - std::exp(-dt_ / 0.125);
}

void SplModel::add_event(double t0, double peak, double attack, double hold, double decay) {
  // Replace the oldest slot when full: at most a handful of sounds overlap.
  Sound s{t0, peak, attack, hold, decay};
  if (n_sounds_ < static_cast<int>(sounds_.size())) {
    sounds_[static_cast<std::size_t>(n_sounds_++)] = s;
  } else {
    sounds_[0] = s;
  }
}

double SplModel::background(double speed_mps) const {
  if (env_ == Acoustic::kCabin) {
    // Passenger-car interior: ~40–50 dBA idling in current cars (road tests measure idle
    // cabin noise in the low 40s), up to ~55 in older cars, taxis and buses; road and wind
    // noise add ~0.17 dB per km/h, so ~61–72 dBA at 100 km/h (typical NVH figures: 63–70).
    // An earlier version idled at 59 dBA, inside the street's range: a car at a light
    // sounded like the pavement, which no real cabin with closed doors does.
    return cabin_idle_ + 0.17 * std::min(speed_mps * 3.6, 120.0) + 0.5 * slow_;
  }
  return street_ + slow_;
}

float SplModel::sample(double t, double speed_mps, Rng& rng) {
  // Slow drift (traffic density, place): OU, σ 3 dB, τ ~2 min, updated each second and
  // interpolated; fast fluctuation (passing cars): OU σ 1.5 dB, τ 0.5 s at 10 Hz.
  if (t >= next_slow_t_) {
    slow_ = slow_next_;
    const OuCoeffs c = OuCoeffs::make(3.0, 120.0, 1.0);
    slow_next_ = std::clamp(c.a * slow_next_ + c.b * rng.normal(), -8.0, 8.0);
    prev_slow_t_ = next_slow_t_;
    next_slow_t_ += 1.0;
    // Unrelated loud street sounds (horn, bus, motorbike) ~once per 2 min, so loudness
    // alone never identifies a risky event.
    if (rng.chance(1.0 / 120.0)) {
      add_event(t, rng.uniform(72.0, 88.0), rng.uniform(0.1, 1.5), rng.uniform(0.2, 2.0),
                rng.uniform(8.0, 30.0));
    }
  }
  if (t >= next_fast_t_) {
    const OuCoeffs c = OuCoeffs::make(1.5, 0.5, 0.1);
    fast_ = c.a * fast_ + c.b * rng.normal();
    next_fast_t_ += 0.1;
  }
  double target = background(speed_mps) + fast_ + (slow_next_ - slow_) * (t - prev_slow_t_);
  if (n_sounds_ > 0) {
    double energy = std::pow(10.0, 0.1 * target);
    int kept = 0;
    for (int i = 0; i < n_sounds_; ++i) {
      const Sound& s = sounds_[static_cast<std::size_t>(i)];
      const double u = t - s.t0;
      if (u < 0) {
        sounds_[static_cast<std::size_t>(kept++)] = s;
        continue;
      }
      double l;
      if (u < s.attack) {
        l = s.peak - 30.0 * (1.0 - u / s.attack);
      } else if (u < s.attack + s.hold) {
        l = s.peak;
      } else {
        l = s.peak - s.decay * (u - s.attack - s.hold);
      }
      if (l > target - 25.0 || u < s.attack + s.hold) {
        energy += std::pow(10.0, 0.1 * l);
        sounds_[static_cast<std::size_t>(kept++)] = s;
      }
    }
    n_sounds_ = kept;
    target = 10.0 * std::log10(energy);
  }
  level_ += alpha_ * (target - level_);
  return static_cast<float>(level_);
}

}  // namespace css::sim

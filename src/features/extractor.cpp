#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>

#include "css/core/units.hpp"
#include "css/features/features.hpp"

namespace css::features {

namespace {

float finite_or(float v, float neutral) {
  return std::isfinite(v) ? v : neutral;
}

double dot(const std::array<double, 3>& a, const std::array<double, 3>& b) {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

// Difference b − a of two headings, wrapped to (−180, 180] degrees.
double wrapped_course_diff_deg(double a, double b) {
  double d = std::fmod(b - a, 360.0);
  if (d <= -180.0) d += 360.0;
  if (d > 180.0) d -= 360.0;
  return d;
}

}  // namespace

Status check_model_inputs(std::size_t channels, const char* version) {
  if (version != nullptr && *version != '\0' && std::string_view(version) != kFeaturesVersion)
    return make_error(ErrorCode::kInvalidArgument,
                      "model: made for features version " + std::string(version) +
                          ", this build computes version " + std::string(kFeaturesVersion) +
                          " (retrain the model, or run it with the build it came from)");
  if (channels != kChannelCount)
    return make_error(ErrorCode::kInvalidArgument,
                      "model: expects " + std::to_string(channels) +
                          " input channels, the feature extractor gives " +
                          std::to_string(kChannelCount));
  return Ok{};
}

void Extractor::reset() {
  have_fix_ = false;
  fix_t_ = 0.0;
  fix_lat_ = fix_lon_ = 0.0;
  fix_speed_ = fix_course_ = 0.0F;
  course_rate_dps_ = 0.0F;
  recent_speed_mps_ = 0.0;
  clock_t_ = 0.0;
  have_clock_ = false;
  foot_power_ = foot_run_s_ = 0.0;
  had_fix_ = false;
  gravity_ = {};
  have_gravity_ = false;
}

// Seconds since the previous frame; 0 for the first frame and for a clock that stalls, jumps
// back or is not finite (such a frame decays and accumulates nothing).
double Extractor::advance_clock(double t) {
  if (!std::isfinite(t)) return 0.0;
  const double dt = have_clock_ && t > clock_t_ ? t - clock_t_ : 0.0;
  if (!have_clock_ || t > clock_t_) clock_t_ = t;
  have_clock_ = true;
  return dt;
}

void Extractor::update_on_foot(double dt, float acc_norm_minus_g) {
  const double x = acc_norm_minus_g;
  foot_power_ += (1.0 - std::exp(-dt / kOnFootTauS)) * (x * x - foot_power_);
  foot_run_s_ = foot_power_ > kOnFootRmsMps2 * kOnFootRmsMps2 ? foot_run_s_ + dt : 0.0;
}

// Decays the recent-speed peak by dt, ends a ride when the bearer is on foot, and raises the
// peak to speed_mps.
float Extractor::update_recent_speed(double dt, double speed_mps) {
  recent_speed_mps_ *= std::exp(-dt / kRecentSpeedTauS);
  if (foot_run_s_ >= kOnFootConfirmS) recent_speed_mps_ = std::min(recent_speed_mps_, speed_mps);
  recent_speed_mps_ = std::max(recent_speed_mps_, speed_mps);
  return static_cast<float>(recent_speed_mps_);
}

// Splits acceleration and rotation along the gravity direction ĝ (kGravityTauS low-pass of
// the accelerometer): orientation-free channels. A glitching sample (acc all 0) leaves ĝ.
void Extractor::motion_channels(const std::array<double, 3>& acc, const SensorFrame& frame,
                                double dt, std::array<float, kChannelCount>& out) {
  const double acc_sq = dot(acc, acc);
  const std::array<double, 3> before = gravity_;
  // In free fall (a drop, a jump's flight) or an impact the accelerometer says nothing about
  // where down is: ĝ only follows samples within kGravityGateMps2 of 1 g.
  const bool gravity_like = std::abs(std::sqrt(acc_sq) - units::kGravity) <= kGravityGateMps2;
  if (!have_gravity_ && gravity_like) {
    gravity_ = acc;
    have_gravity_ = true;
  } else if (gravity_like) {
    const double a = 1.0 - std::exp(-dt / kGravityTauS);
    for (std::size_t k = 0; k < 3; ++k) gravity_[k] += a * (acc[k] - gravity_[k]);
  }
  const double g_norm = std::sqrt(dot(gravity_, gravity_));
  if (!(g_norm > 0.0)) return;  // no direction yet: the motion channels stay 0
  std::array<double, 3> up{};
  for (std::size_t k = 0; k < 3; ++k) up[k] = gravity_[k] / g_norm;
  const double a_up = dot(acc, up);
  out[kAccVertical] = static_cast<float>(a_up - units::kGravity);
  out[kAccHorizontal] = static_cast<float>(std::sqrt(std::max(0.0, acc_sq - a_up * a_up)));
  const double before_norm = std::sqrt(dot(before, before));
  if (dt > 0.0 && before_norm > 0.0) {
    const double c = std::clamp(dot(before, gravity_) / (before_norm * g_norm), -1.0, 1.0);
    out[kTiltRate] = static_cast<float>(std::min(std::acos(c) / dt, kMaxTiltRateRps));
  }
  if (!mask_.gyro) return;
  std::array<double, 3> w{};
  for (std::size_t k = 0; k < 3; ++k) w[k] = finite_or(frame.gyro[k], 0.0F);
  const double w_sq = dot(w, w), w_up = dot(w, up);
  out[kGyroNorm] = static_cast<float>(std::sqrt(w_sq));
  out[kGyroVertical] = static_cast<float>(w_up);
  out[kGyroHorizontal] = static_cast<float>(std::sqrt(std::max(0.0, w_sq - w_up * w_up)));
}

namespace {
// Bounds the motion channels (features.hpp, kMaxAccMps2 / kMaxRateRps): beyond them phones
// differ (their full scales do), not motions, and an int8 input step must stay fine enough
// for a phone at rest on a person.
void clamp_motion(std::array<float, kChannelCount>& out) {
  constexpr auto acc = static_cast<float>(kMaxAccMps2);
  constexpr auto rate = static_cast<float>(kMaxRateRps);
  for (std::size_t c : {kAccVertical, kAccHorizontal, kAccNormMinusG})
    out[c] = std::clamp(out[c], -acc, acc);
  for (std::size_t c : {kGyroNorm, kGyroHorizontal}) out[c] = std::clamp(out[c], -rate, rate);
  constexpr auto turn = static_cast<float>(kMaxTurnRateRps);
  out[kGyroVertical] = std::clamp(out[kGyroVertical], -turn, turn);
}
}  // namespace

std::array<float, kChannelCount> Extractor::push(const SensorFrame& frame) {
  std::array<float, kChannelCount> out{};
  // A glitching accelerometer (non-finite) reads as zero rather than poisoning the model.
  std::array<double, 3> acc{};
  bool acc_ok = true;
  for (std::size_t k = 0; k < 3; ++k) {
    acc_ok = acc_ok && std::isfinite(frame.acc[k]);
    acc[k] = finite_or(frame.acc[k], 0.0F);
  }
  out[kAccNormMinusG] = static_cast<float>(std::sqrt(dot(acc, acc)) - units::kGravity);
  const double dt = advance_clock(frame.t);
  motion_channels(acc, frame, dt, out);
  if (acc_ok) update_on_foot(dt, out[kAccNormMinusG]);  // a glitch (read as 0) is not a step
  clamp_motion(out);
  out[kSpl] = mask_.spl ? finite_or(frame.spl, kSplNeutralDba) : kSplNeutralDba;

  const bool fix = mask_.gnss && frame.gnss_fix && std::isfinite(frame.gnss_speed) &&
                   std::isfinite(frame.gnss_course) && std::isfinite(frame.t);
  if (!fix) {
    have_fix_ = false;
    course_rate_dps_ = 0.0F;
    // An outage keeps the decaying peak (a tunnel does not end a ride). Before the first fix
    // (a masked or absent receiver never has one) the speed history is unknown, which must
    // not read as "standing still for minutes": kRecentSpeedUnknown, what apply_mask writes.
    out[kRecentSpeed] = mask_.gnss && had_fix_ ? update_recent_speed(dt, 0.0) : kRecentSpeedUnknown;
    return out;  // gnss_speed and course_rate stay 0
  }
  out[kGnssSpeed] = frame.gnss_speed;
  had_fix_ = true;
  out[kRecentSpeed] = update_recent_speed(dt, std::max(0.0F, frame.gnss_speed));
  // GNSS is held between 1 Hz fixes: a new fix is a frame whose GNSS values changed.
  const bool new_fix = !have_fix_ || frame.lat != fix_lat_ || frame.lon != fix_lon_ ||
                       frame.gnss_speed != fix_speed_ || frame.gnss_course != fix_course_;
  if (new_fix) {
    const double dt_s = frame.t - fix_t_;
    const bool moving = frame.gnss_speed >= kMinCourseSpeedMps;
    if (have_fix_ && moving && fix_speed_ >= kMinCourseSpeedMps && dt_s > 0.0 &&
        dt_s <= kMaxFixGapS) {
      course_rate_dps_ =
          static_cast<float>(wrapped_course_diff_deg(fix_course_, frame.gnss_course) / dt_s);
    } else {
      course_rate_dps_ = 0.0F;
    }
    have_fix_ = true;
    fix_t_ = frame.t;
    fix_lat_ = frame.lat;
    fix_lon_ = frame.lon;
    fix_speed_ = frame.gnss_speed;
    fix_course_ = frame.gnss_course;
  }
  out[kCourseRate] = frame.gnss_speed >= kMinCourseSpeedMps ? course_rate_dps_ : 0.0F;
  return out;
}

std::vector<float> extract(std::span<const SensorFrame> frames, ChannelMask mask) {
  std::vector<float> out;
  out.reserve(frames.size() * kChannelCount);
  Extractor extractor(mask);
  for (const SensorFrame& f : frames) {
    const std::array<float, kChannelCount> row = extractor.push(f);
    out.insert(out.end(), row.begin(), row.end());
  }
  return out;
}

void apply_mask(std::span<float> features_TxC, ChannelMask mask) {
  const std::size_t rows = features_TxC.size() / kChannelCount;
  for (std::size_t r = 0; r < rows; ++r) {
    float* row = features_TxC.data() + r * kChannelCount;
    if (!mask.gyro) row[kGyroNorm] = row[kGyroVertical] = row[kGyroHorizontal] = 0.0F;
    if (!mask.gnss) {
      row[kGnssSpeed] = row[kCourseRate] = 0.0F;
      row[kRecentSpeed] = kRecentSpeedUnknown;
    }
    if (!mask.spl) row[kSpl] = kSplNeutralDba;
  }
}

}  // namespace css::features

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

std::array<float, kChannelCount> Extractor::push(const SensorFrame& frame) {
  std::array<float, kChannelCount> out{};
  // A glitching accelerometer (non-finite) reads as zero rather than poisoning the model.
  double norm_sq = 0.0;
  bool acc_ok = true;
  for (std::size_t k = 0; k < 3; ++k) {
    acc_ok = acc_ok && std::isfinite(frame.acc[k]);
    out[kAccX + k] = finite_or(frame.acc[k], 0.0F);
    norm_sq += static_cast<double>(out[kAccX + k]) * out[kAccX + k];
    out[kGyroX + k] = mask_.gyro ? finite_or(frame.gyro[k], 0.0F) : 0.0F;
  }
  out[kAccNormMinusG] = static_cast<float>(std::sqrt(norm_sq) - units::kGravity);
  const double dt = advance_clock(frame.t);
  if (acc_ok) update_on_foot(dt, out[kAccNormMinusG]);  // a glitch (read as 0) is not a step
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
    if (!mask.gyro) row[kGyroX] = row[kGyroY] = row[kGyroZ] = 0.0F;
    if (!mask.gnss) {
      row[kGnssSpeed] = row[kCourseRate] = 0.0F;
      row[kRecentSpeed] = kRecentSpeedUnknown;
    }
    if (!mask.spl) row[kSpl] = kSplNeutralDba;
  }
}

}  // namespace css::features

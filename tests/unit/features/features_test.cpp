#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "css/core/units.hpp"
#include "css/features/features.hpp"

namespace css::features {
namespace {

constexpr float kNan = std::numeric_limits<float>::quiet_NaN();

SensorFrame at_rest() {
  SensorFrame f;
  f.acc = {0.0F, 0.0F, static_cast<float>(units::kGravity)};
  f.gyro = {0.0F, 0.0F, 0.0F};
  f.spl = 55.0F;
  return f;
}

// 50 Hz frames moving at speed_mps with the GNSS course updated once per second
// (held in between, DESIGN §3) to course_at(second).
template <typename CourseFn>
std::vector<SensorFrame> turning(std::size_t seconds, float speed_mps, CourseFn course_at) {
  std::vector<SensorFrame> frames;
  for (std::size_t i = 0; i < seconds * 50; ++i) {
    SensorFrame f = at_rest();
    f.t = static_cast<double>(i) / 50.0;
    const std::size_t second = i / 50;
    f.gnss_fix = true;
    f.gnss_speed = speed_mps;
    f.gnss_course = course_at(second);
    f.lat = -23.5 + 1e-5 * static_cast<double>(second);
    f.lon = -46.6;
    frames.push_back(f);
  }
  return frames;
}

// A realistic mixed stream: noisy IMU, GNSS at 1 Hz with an outage, SPL.
std::vector<SensorFrame> mixed_stream(std::size_t n) {
  std::mt19937 rng(5);
  std::normal_distribution<float> noise(0.0F, 1.0F);
  std::vector<SensorFrame> frames;
  float course = 10.0F;
  for (std::size_t i = 0; i < n; ++i) {
    SensorFrame f;
    f.t = static_cast<double>(i) / 50.0;
    f.acc = {noise(rng), noise(rng), 9.8F + noise(rng)};
    f.gyro = {0.1F * noise(rng), 0.1F * noise(rng), 0.1F * noise(rng)};
    f.spl = 65.0F + noise(rng);
    const std::size_t second = i / 50;
    if (i % 50 == 0) course = std::fmod(course + 37.0F + 5.0F * noise(rng) + 360.0F, 360.0F);
    f.gnss_fix = second % 7 != 3;
    f.gnss_speed = second % 5 == 0 ? 0.2F : 1.5F;
    f.gnss_course = course;
    f.lat = -23.5 + 1e-5 * static_cast<double>(second);
    f.lon = -46.6;
    frames.push_back(f);
  }
  return frames;
}

bool bit_equal(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

TEST(Features, ChannelTablesAgree) {
  EXPECT_EQ(kChannelNames.size(), kChannelCount);
  EXPECT_EQ(kChannelNames[kAccNormMinusG], "acc_norm_minus_g");
  EXPECT_EQ(kChannelNames[kCourseRate], "course_rate");
  EXPECT_EQ(kChannelUnits[kCourseRate], "deg/s");
  EXPECT_EQ(kChannelNames[kSpl], "spl");
}

TEST(Features, FrameAtRestHasZeroAccNormMinusG) {
  Extractor ex;
  const auto row = ex.push(at_rest());
  EXPECT_NEAR(row[kAccNormMinusG], 0.0F, 1e-6F);
  EXPECT_NEAR(row[kAccVertical], 0.0F, 1e-6F);
  EXPECT_NEAR(row[kAccHorizontal], 0.0F, 1e-6F);
  EXPECT_EQ(row[kSpl], 55.0F);
  SensorFrame tilted = at_rest();
  tilted.acc = {6.0F, 0.0F, 8.0F};  // |acc| = 10
  EXPECT_NEAR(ex.push(tilted)[kAccNormMinusG], 10.0 - units::kGravity, 1e-5);
}

TEST(Features, SteadyTurnGivesItsCourseRate) {
  const auto frames =
      turning(10, 2.0F, [](std::size_t s) { return 10.0F * static_cast<float>(s); });
  const std::vector<float> x = extract(frames);
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const float rate = x[i * kChannelCount + kCourseRate];
    if (i < 50) {
      EXPECT_EQ(rate, 0.0F) << i;  // one fix only: no rate yet
    } else {
      EXPECT_NEAR(rate, 10.0F, 1e-4F) << i;  // held between fixes
    }
    EXPECT_EQ(x[i * kChannelCount + kGnssSpeed], 2.0F);
  }
}

TEST(Features, CourseRateWrapsAroundNorth) {
  auto frames = turning(2, 2.0F, [](std::size_t s) { return s == 0 ? 350.0F : 10.0F; });
  std::vector<float> x = extract(frames);
  EXPECT_NEAR(x[60 * kChannelCount + kCourseRate], 20.0F, 1e-4F);
  frames = turning(2, 2.0F, [](std::size_t s) { return s == 0 ? 10.0F : 350.0F; });
  x = extract(frames);
  EXPECT_NEAR(x[60 * kChannelCount + kCourseRate], -20.0F, 1e-4F);
  frames = turning(2, 2.0F, [](std::size_t s) { return s == 0 ? 0.0F : 180.0F; });
  x = extract(frames);
  EXPECT_NEAR(x[60 * kChannelCount + kCourseRate], 180.0F, 1e-4F);  // (−180, 180]
}

TEST(Features, CourseRateIsZeroWhenNearlyStill) {
  const auto frames = turning(4, 0.3F, [](std::size_t s) { return 90.0F * static_cast<float>(s); });
  const std::vector<float> x = extract(frames);
  for (std::size_t i = 0; i < frames.size(); ++i)
    EXPECT_EQ(x[i * kChannelCount + kCourseRate], 0.0F);
}

TEST(Features, MissingSensorsMapToNeutralValues) {
  SensorFrame f = at_rest();
  f.gyro = {kNan, kNan, kNan};
  f.spl = kNan;
  f.gnss_fix = false;
  f.gnss_speed = 3.0F;  // stale value must not leak through without a fix
  Extractor ex;
  const auto row = ex.push(f);
  EXPECT_EQ(row[kGyroNorm], 0.0F);
  EXPECT_EQ(row[kGyroVertical], 0.0F);
  EXPECT_EQ(row[kGyroHorizontal], 0.0F);
  EXPECT_EQ(row[kGnssSpeed], 0.0F);
  EXPECT_EQ(row[kCourseRate], 0.0F);
  EXPECT_EQ(row[kSpl], kSplNeutralDba);
  EXPECT_EQ(row[kRecentSpeed], kRecentSpeedUnknown);
  for (float v : row) EXPECT_TRUE(std::isfinite(v));
}

TEST(Features, FixOutageRestartsCourseRateWithoutASpike) {
  auto frames = turning(6, 2.0F, [](std::size_t s) { return s < 3 ? 0.0F : 120.0F; });
  for (std::size_t i = 100; i < 150; ++i) frames[i].gnss_fix = false;  // second 2 lost
  const std::vector<float> x = extract(frames);
  EXPECT_EQ(x[120 * kChannelCount + kCourseRate], 0.0F);
  // Second 3 is the first fix after the outage: a new reference, not a 120°/s jump.
  EXPECT_EQ(x[160 * kChannelCount + kCourseRate], 0.0F);
  EXPECT_EQ(x[210 * kChannelCount + kCourseRate], 0.0F);  // straight on at 120°
}

// A drive at 12 m/s for 20 s, then 60 s standing still with GNSS, then 30 s of outage.
std::vector<SensorFrame> ride_then_stop() {
  std::vector<SensorFrame> frames = turning(110, 12.0F, [](std::size_t) { return 90.0F; });
  for (std::size_t i = 20 * 50; i < frames.size(); ++i) frames[i].gnss_speed = 0.0F;
  for (std::size_t i = 80 * 50; i < frames.size(); ++i) frames[i].gnss_fix = false;
  return frames;
}

TEST(Features, RecentSpeedHoldsThePeakAndForgetsInAMinute) {
  const std::vector<SensorFrame> frames = ride_then_stop();
  const std::vector<float> x = extract(frames);
  auto recent = [&](double t_s) {
    return x[static_cast<std::size_t>(t_s * 50.0) * kChannelCount + kRecentSpeed];
  };
  EXPECT_FLOAT_EQ(recent(10.0), 12.0F);  // the peak while driving
  // Stopped at t = 20 s: the peak decays with τ = kRecentSpeedTauS, not to 0 at once.
  for (double t : {30.0, 50.0, 79.0}) {
    const double expected = 12.0 * std::exp(-(t - 19.98) / kRecentSpeedTauS);
    EXPECT_NEAR(recent(t), expected, 1e-3 * expected) << t;
  }
  // An outage (t >= 80 s) keeps decaying at the same rate instead of dropping to 0.
  EXPECT_NEAR(recent(100.0), 12.0 * std::exp(-(100.0 - 19.98) / kRecentSpeedTauS), 1e-3);
  EXPECT_EQ(x[100 * 50 * kChannelCount + kGnssSpeed], 0.0F);
  // A faster fix raises it immediately.
  std::vector<SensorFrame> faster = frames;
  faster[40 * 50].gnss_speed = 20.0F;
  EXPECT_FLOAT_EQ(extract(faster)[40 * 50 * kChannelCount + kRecentSpeed], 20.0F);
}

TEST(Features, RecentSpeedSurvivesBadClocksAndResets) {
  std::vector<SensorFrame> frames = ride_then_stop();
  frames[1500].t = std::numeric_limits<double>::quiet_NaN();
  frames[1501].t = 1.0;  // a clock jump backwards decays nothing
  const std::vector<float> x = extract(frames);
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const float v = x[i * kChannelCount + kRecentSpeed];
    ASSERT_TRUE(std::isfinite(v)) << i;
    ASSERT_GE(v, 0.0F) << i;
    ASSERT_LE(v, 12.0F) << i;
  }
  Extractor ex;
  for (std::size_t i = 0; i < 100; ++i) ex.push(frames[i]);
  ex.reset();
  SensorFrame still = at_rest();  // no fix since the reset: the history is unknown, not 0
  EXPECT_EQ(ex.push(still)[kRecentSpeed], kRecentSpeedUnknown);
  still.gnss_fix = true;
  still.gnss_speed = 0.0F;
  still.gnss_course = 0.0F;
  still.t = 1.0;
  EXPECT_EQ(ex.push(still)[kRecentSpeed], 0.0F);  // known and still
  still.gnss_fix = false;
  still.t = 2.0;
  EXPECT_EQ(ex.push(still)[kRecentSpeed], 0.0F);  // an outage after it keeps what is known
}

// Steps: |a| oscillating around g with amplitude amp_mps2 at 2 Hz, from second `from` on.
void add_steps(std::vector<SensorFrame>& frames, double from_s, double amp_mps2) {
  for (std::size_t i = static_cast<std::size_t>(from_s * 50.0); i < frames.size(); ++i)
    frames[i].acc[2] += static_cast<float>(
        amp_mps2 * std::sin(2.0 * 3.14159265358979 * 2.0 * static_cast<double>(i) / 50.0));
}

TEST(Features, WalkingAwayEndsTheRide) {
  // The ride of ride_then_stop, then from t = 30 s the bearer walks off at 1.4 m/s.
  std::vector<SensorFrame> frames = ride_then_stop();
  for (std::size_t i = 30 * 50; i < 80 * 50; ++i) frames[i].gnss_speed = 1.4F;
  add_steps(frames, 30.0, 3.0);
  const std::vector<float> x = extract(frames);
  auto recent = [&](double t_s) {
    return x[static_cast<std::size_t>(t_s * 50.0) * kChannelCount + kRecentSpeed];
  };
  EXPECT_GT(recent(31.0), 8.0F);  // a second of shaking is not yet a walk
  EXPECT_FLOAT_EQ(recent(36.0), 1.4F);
  EXPECT_FLOAT_EQ(recent(79.0), 1.4F);
  EXPECT_FLOAT_EQ(recent(90.0), 0.0F);  // outage while walking: nothing of the ride is left
}

TEST(Features, CabinVibrationAndGlitchesAreNotWalking) {
  std::vector<SensorFrame> frames = ride_then_stop();
  add_steps(frames, 0.0, 0.5);  // a rough road and an idling engine: well below a step
  for (std::size_t i = 25 * 50; i < 35 * 50; ++i)
    frames[i].acc = {std::numeric_limits<float>::quiet_NaN(), 0.0F, 0.0F};  // glitch: read as 0
  const std::vector<float> x = extract(frames);
  const double expected = 12.0 * std::exp(-(50.0 - 19.98) / kRecentSpeedTauS);
  EXPECT_NEAR(x[50 * 50 * kChannelCount + kRecentSpeed], expected, 1e-3 * expected);
}

TEST(Features, ModelInputsMustMatchCountAndVersion) {
  EXPECT_TRUE(check_model_inputs(kChannelCount, nullptr));  // not recorded: hand-built model
  EXPECT_TRUE(check_model_inputs(kChannelCount, ""));
  EXPECT_TRUE(check_model_inputs(kChannelCount, std::string(kFeaturesVersion).c_str()));
  const auto wrong_count = check_model_inputs(kChannelCount - 1, nullptr);
  ASSERT_FALSE(wrong_count);
  EXPECT_NE(wrong_count.error().message.find("input channels"), std::string::npos);
  const auto old = check_model_inputs(kChannelCount, "1");
  ASSERT_FALSE(old);
  EXPECT_EQ(old.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(old.error().message.find("features version 1"), std::string::npos);
  EXPECT_NE(old.error().message.find("version " + std::string(kFeaturesVersion)),
            std::string::npos);
}

// Rotates a device-frame vector: the same motion seen by a phone held another way.
std::array<float, 3> turned(const std::array<float, 3>& v) {
  // 120° about (1, 1, 1)/√3: x → y → z → x.
  return {v[2], v[0], v[1]};
}

// A bob of 2 m/s² at 2 Hz along gravity and a turn of 0.5 rad/s about it, plus a sideways
// sway: the orientation-free channels read the same whichever way the phone is held.
TEST(Features, MotionChannelsDoNotDependOnHowThePhoneIsHeld) {
  std::vector<SensorFrame> upright, other;
  for (std::size_t i = 0; i < 500; ++i) {
    SensorFrame f = at_rest();
    f.t = static_cast<double>(i) / 50.0;
    const double ph = 2.0 * 3.14159265358979 * 2.0 * f.t;
    f.acc = {static_cast<float>(0.8 * std::sin(ph / 2.0)), 0.0F,
             static_cast<float>(units::kGravity + 2.0 * std::sin(ph))};
    f.gyro = {0.1F, 0.0F, 0.5F};
    upright.push_back(f);
    f.acc = turned(f.acc);
    f.gyro = turned(f.gyro);
    other.push_back(f);
  }
  const auto a = extract(upright), b = extract(other);
  double vertical_power = 0.0;
  for (std::size_t i = 100; i < 500; ++i) {  // after ĝ settled
    for (std::size_t c : {kAccVertical, kAccHorizontal, kTiltRate, kGyroNorm, kGyroVertical,
                          kGyroHorizontal, kAccNormMinusG})
      EXPECT_NEAR(a[i * kChannelCount + c], b[i * kChannelCount + c], 1e-4) << i << " " << c;
    vertical_power += std::pow(a[i * kChannelCount + kAccVertical], 2.0);
    EXPECT_NEAR(a[i * kChannelCount + kGyroVertical], 0.5F, 0.02F) << i;
    EXPECT_NEAR(a[i * kChannelCount + kGyroHorizontal], 0.1F, 0.02F) << i;
  }
  // The bob is vertical: its power (2²/2) shows there, up to the low-pass ripple.
  EXPECT_NEAR(vertical_power / 400.0, 2.0, 0.3);
}

// Turning the phone over (a pocket phone as its wearer sits down) shows in tilt_rate even
// without a gyroscope; holding it still does not.
TEST(Features, TiltRateFollowsAReorientation) {
  std::vector<SensorFrame> frames;
  for (std::size_t i = 0; i < 300; ++i) {
    SensorFrame f = at_rest();
    f.t = static_cast<double>(i) / 50.0;
    f.gyro = {kNan, kNan, kNan};
    const double angle =
        i < 100 ? 0.0 : (i < 150 ? static_cast<double>(i - 100) / 50.0 * 1.5708 : 1.5708);
    f.acc = {0.0F, static_cast<float>(units::kGravity * std::sin(angle)),
             static_cast<float>(units::kGravity * std::cos(angle))};
    frames.push_back(f);
  }
  const auto x = extract(frames);
  EXPECT_LT(x[90 * kChannelCount + kTiltRate], 1e-3F);
  EXPECT_GT(x[150 * kChannelCount + kTiltRate], 0.5F);  // 1.57 rad/s, low-passed
  EXPECT_LT(x[299 * kChannelCount + kTiltRate], 0.05F);
}

// A drop: free fall while tumbling, then an impact of 20 g. Down stays down through both, and
// the channels stay inside their documented bounds.
TEST(Features, FreeFallAndImpactsDoNotMoveDownAndChannelsAreBounded) {
  std::vector<SensorFrame> frames;
  for (std::size_t i = 0; i < 200; ++i) {
    SensorFrame f = at_rest();
    f.t = static_cast<double>(i) / 50.0;
    if (i >= 100 && i < 120) f.acc = {0.3F, -0.2F, 0.1F};  // free fall
    if (i == 120) f.acc = {150.0F, 80.0F, 196.0F};         // impact
    if (i >= 100 && i < 121) f.gyro = {25.0F, -30.0F, 8.0F};
    frames.push_back(f);
  }
  const auto x = extract(frames);
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const float* row = x.data() + i * kChannelCount;
    EXPECT_LE(row[kTiltRate], static_cast<float>(kMaxTiltRateRps)) << i;
    EXPECT_LT(row[kTiltRate], 0.05F) << i << ": ĝ must not follow a fall or an impact";
    for (std::size_t c : {kAccVertical, kAccHorizontal, kAccNormMinusG})
      EXPECT_LE(std::fabs(row[c]), static_cast<float>(kMaxAccMps2)) << i << " " << c;
    for (std::size_t c : {kGyroNorm, kGyroHorizontal})
      EXPECT_LE(std::fabs(row[c]), static_cast<float>(kMaxRateRps)) << i << " " << c;
    EXPECT_LE(std::fabs(row[kGyroVertical]), static_cast<float>(kMaxTurnRateRps)) << i;
  }
  EXPECT_FLOAT_EQ(x[120 * kChannelCount + kAccNormMinusG], static_cast<float>(kMaxAccMps2));
  EXPECT_FLOAT_EQ(x[110 * kChannelCount + kGyroNorm], static_cast<float>(kMaxRateRps));
  EXPECT_NEAR(x[199 * kChannelCount + kAccVertical], 0.0F, 1e-4F);  // at rest again, same ĝ
}

TEST(Features, StreamingEqualsBatch) {
  const std::vector<SensorFrame> frames = mixed_stream(2000);
  const std::vector<float> batch = extract(frames);
  Extractor ex;
  std::vector<float> streamed;
  for (const SensorFrame& f : frames) {
    const auto row = ex.push(f);
    streamed.insert(streamed.end(), row.begin(), row.end());
  }
  EXPECT_TRUE(bit_equal(batch, streamed));
  bool any_rate = false;
  for (std::size_t i = 0; i < frames.size(); ++i)
    any_rate |= batch[i * kChannelCount + kCourseRate] != 0.0F;
  EXPECT_TRUE(any_rate);  // the stream exercises the course-rate path
  ex.reset();
  const auto first = ex.push(frames[0]);
  EXPECT_EQ(std::memcmp(first.data(), batch.data(), sizeof(float) * kChannelCount), 0);
}

TEST(Features, MaskedChannelsEqualAbsentSensors) {
  const std::vector<SensorFrame> full = mixed_stream(1500);
  for (int bits = 0; bits < 8; ++bits) {
    const ChannelMask mask{(bits & 1) != 0, (bits & 2) != 0, (bits & 4) != 0};
    std::vector<SensorFrame> absent = full;
    for (SensorFrame& f : absent) {
      if (!mask.gyro) f.gyro = {kNan, kNan, kNan};
      if (!mask.gnss) f.gnss_fix = false;
      if (!mask.spl) f.spl = kNan;
    }
    const std::vector<float> edge = extract(absent);
    std::vector<float> dropped = extract(full);
    apply_mask(dropped, mask);
    EXPECT_TRUE(bit_equal(edge, dropped)) << "mask bits " << bits;
    EXPECT_TRUE(bit_equal(edge, extract(full, mask))) << "mask bits " << bits;
    if (bits != 7) {
      EXPECT_FALSE(bit_equal(edge, extract(full)));
    }
  }
}

}  // namespace
}  // namespace css::features

#include "css/data/motion_stats.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "css/core/units.hpp"
#include "temp_dir.hpp"

namespace css::data {
namespace {

constexpr float kNanF = std::numeric_limits<float>::quiet_NaN();

double stat(const WindowStats& s, MotionStat m) {
  return s[static_cast<std::size_t>(m)];
}

// n samples at 50 Hz of gravity along `up` plus `amp` m/s² · sin(2π f t) along it; gyro_rps on x.
Recording sine_recording(std::size_t n, double f_hz, double amp, std::array<double, 3> up,
                         float gyro_rps = 0.5F, Label label = Label::kWalking) {
  Recording r;
  for (std::size_t i = 0; i < n; ++i) {
    const double t = static_cast<double>(i) / 50.0;
    const double a = units::kGravity + amp * std::sin(2.0 * units::kPi * f_hz * t);
    SensorFrame fr;
    fr.t = t;
    for (int j = 0; j < 3; ++j) fr.acc[j] = static_cast<float>(a * up[j]);
    fr.gyro = {gyro_rps, 0.0F, 0.0F};
    r.frames.push_back(fr);
    r.labels.push_back(label);
  }
  return r;
}

TEST(MotionStats, VerticalSineGivesItsFrequencyRmsAndBand) {
  const double amp = 3.0;
  const Recording r = sine_recording(kMotionWindow, 2.0, amp, {0.0, 0.0, 1.0});
  const WindowStats s = window_stats(r.frames, 50.0);
  EXPECT_NEAR(stat(s, MotionStat::kStepFreq), 2.0, 0.1);
  EXPECT_NEAR(stat(s, MotionStat::kRmsDynAcc), amp / std::sqrt(2.0), 0.05 * amp / std::sqrt(2.0));
  EXPECT_GT(stat(s, MotionStat::kBandLow), 0.98);
  EXPECT_LT(stat(s, MotionStat::kBandHigh), 0.01);
  EXPECT_NEAR(stat(s, MotionStat::kBandLow) + stat(s, MotionStat::kBandMid) +
                  stat(s, MotionStat::kBandHigh),
              1.0, 1e-9);
  // d/dt of A sin(2π f t) has RMS 2π f A / √2 (first differences: within 2 %).
  const double jerk = 2.0 * units::kPi * 2.0 * amp / std::sqrt(2.0);
  EXPECT_NEAR(stat(s, MotionStat::kJerkRms), jerk, 0.02 * jerk);
  EXPECT_NEAR(stat(s, MotionStat::kRmsGyro), 0.5, 1e-6);
  // The direction never changes, only the length: no spread.
  EXPECT_NEAR(stat(s, MotionStat::kOrientSpread), 0.0, 1e-3);
}

TEST(MotionStats, FasterSineMovesTheFrequencyAndTheBand) {
  const WindowStats cadence =
      window_stats(sine_recording(kMotionWindow, 3.3, 2.0, {0, 1, 0}).frames, 50.0);
  EXPECT_NEAR(stat(cadence, MotionStat::kStepFreq), 3.3, 0.1);
  const WindowStats buzz =
      window_stats(sine_recording(kMotionWindow, 12.0, 2.0, {0, 1, 0}).frames, 50.0);
  EXPECT_GT(stat(buzz, MotionStat::kBandHigh), 0.98);
  const WindowStats mid =
      window_stats(sine_recording(kMotionWindow, 5.0, 2.0, {0, 1, 0}).frames, 50.0);
  EXPECT_GT(stat(mid, MotionStat::kBandMid), 0.98);
}

TEST(MotionStats, RestHasNoMotionAndNoSpread) {
  const WindowStats s =
      window_stats(sine_recording(kMotionWindow, 2.0, 0.0, {0, 0, 1}).frames, 50.0);
  EXPECT_NEAR(stat(s, MotionStat::kRmsDynAcc), 0.0, 1e-9);
  EXPECT_NEAR(stat(s, MotionStat::kJerkRms), 0.0, 1e-9);
  EXPECT_NEAR(stat(s, MotionStat::kOrientSpread), 0.0, 1e-3);
  EXPECT_TRUE(std::isnan(stat(s, MotionStat::kStepFreq)));  // a flat signal has no cadence
  EXPECT_TRUE(std::isnan(stat(s, MotionStat::kBandLow)));
}

TEST(MotionStats, RotatedConstantGravityHasNoSpread) {
  const double c = 1.0 / std::sqrt(3.0);
  const WindowStats s =
      window_stats(sine_recording(kMotionWindow, 2.0, 0.0, {c, -c, c}).frames, 50.0);
  EXPECT_NEAR(stat(s, MotionStat::kOrientSpread), 0.0, 1e-3);
  EXPECT_NEAR(stat(s, MotionStat::kRmsDynAcc), 0.0, 1e-5);
}

TEST(MotionStats, TiltingPhoneSpreadsByItsAngle) {
  // Half the window tilted 20° from the other half: each half is 10° from the mean direction.
  Recording r = sine_recording(kMotionWindow, 2.0, 0.0, {0, 0, 1});
  const double tilt = units::deg_to_rad(20.0);
  for (std::size_t i = kMotionWindow / 2; i < kMotionWindow; ++i) {
    r.frames[i].acc = {0.0F, static_cast<float>(units::kGravity * std::sin(tilt)),
                       static_cast<float>(units::kGravity * std::cos(tilt))};
  }
  EXPECT_NEAR(stat(window_stats(r.frames, 50.0), MotionStat::kOrientSpread), 10.0, 0.01);
}

TEST(MotionStats, MissingGyroSkipsOmegaOnly) {
  Recording r = sine_recording(kMotionWindow, 2.0, 1.0, {0, 0, 1});
  r.frames[7].gyro = {kNanF, kNanF, kNanF};
  const WindowStats s = window_stats(r.frames, 50.0);
  EXPECT_TRUE(std::isnan(stat(s, MotionStat::kRmsGyro)));
  EXPECT_FALSE(std::isnan(stat(s, MotionStat::kRmsDynAcc)));
}

TEST(MotionStats, QuartilesInterpolateLikeNumpy) {
  const Quartiles q = quartiles({4.0, 1.0, std::nan(""), 3.0, 2.0, 5.0});
  EXPECT_EQ(q.n, 5U);
  EXPECT_DOUBLE_EQ(q.median, 3.0);
  EXPECT_DOUBLE_EQ(q.p25, 2.0);
  EXPECT_DOUBLE_EQ(q.p75, 4.0);
  const Quartiles even = quartiles({1.0, 2.0, 3.0, 4.0});
  EXPECT_DOUBLE_EQ(even.median, 2.5);
  EXPECT_DOUBLE_EQ(even.p25, 1.75);
  EXPECT_EQ(quartiles({}).n, 0U);
}

TEST(MotionStats, ProfileCutsWindowsInsideLabelRuns) {
  // 512 walking samples (exactly two windows), 255 stationary (none), 256 running (one).
  Recording r = sine_recording(1023, 2.0, 2.0, {0, 0, 1});
  for (std::size_t i = 512; i < 767; ++i) r.labels[i] = Label::kStationary;
  for (std::size_t i = 767; i < 1023; ++i) r.labels[i] = Label::kRunning;
  Recording no_gyro = sine_recording(kMotionWindow, 2.0, 2.0, {0, 0, 1}, kNanF);
  const MotionProfile p = motion_profile("synthetic", std::vector<Recording>{r, no_gyro});
  const auto& walking = p.per_label[static_cast<std::size_t>(Label::kWalking)];
  EXPECT_EQ(walking.windows, 3U);
  EXPECT_EQ(walking.stats[static_cast<std::size_t>(MotionStat::kStepFreq)].n, 3U);
  EXPECT_EQ(walking.stats[static_cast<std::size_t>(MotionStat::kRmsGyro)].n, 2U);
  EXPECT_NEAR(walking.stats[static_cast<std::size_t>(MotionStat::kStepFreq)].median, 2.0, 0.1);
  EXPECT_EQ(p.per_label[static_cast<std::size_t>(Label::kStationary)].windows, 0U);
  EXPECT_EQ(p.per_label[static_cast<std::size_t>(Label::kRunning)].windows, 1U);
  EXPECT_EQ(p.windows(), 4U);
}

TEST(MotionStats, TableAndJsonShowEveryProfile) {
  const Recording r = sine_recording(kMotionWindow, 2.0, 3.0, {0, 0, 1});
  const std::vector<MotionProfile> profiles = {motion_profile("sim", std::vector<Recording>{r}),
                                               motion_profile("real", std::vector<Recording>{})};
  const std::string table = format_motion_comparison(profiles);
  EXPECT_NE(table.find("sim"), std::string::npos);
  EXPECT_NE(table.find("real"), std::string::npos);
  EXPECT_NE(table.find("step_freq_hz [Hz]"), std::string::npos);
  EXPECT_NE(table.find("2.00 [2.00-2.00] (1)"), std::string::npos);
  EXPECT_EQ(table.find("stationary"), std::string::npos);  // no windows anywhere
  const std::string js = motion_comparison_json(profiles);
  EXPECT_NE(js.find("\"window_samples\": 256"), std::string::npos);
  EXPECT_NE(js.find("\"walking\""), std::string::npos);

  testing::TempDir dir;
  const auto path = dir.path() / "cmp.json";
  ASSERT_TRUE(write_motion_comparison_json(path, profiles).ok());
  EXPECT_TRUE(std::filesystem::exists(path));
  EXPECT_FALSE(
      write_motion_comparison_json(dir.path() / "no" / "such" / "cmp.json", profiles).ok());
}

}  // namespace
}  // namespace css::data

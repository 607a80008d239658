// The detector's settings table (src/edge/settings.cpp): its defaults are DetectorConfig's,
// its ranges refuse what validate() refuses, and cross-field rules still apply.
#include "css/edge/settings.hpp"

#include <gtest/gtest.h>

namespace css::edge {
namespace {

TEST(DetectorSettings, DefaultsAreDetectorConfigDefaults) {
  auto d = detector_config_from(Config(detector_settings()));
  ASSERT_TRUE(d) << d.error().message;
  const DetectorConfig want;
  EXPECT_EQ(d->rate_hz, want.rate_hz);
  EXPECT_EQ(d->smoothing_ms, want.smoothing_ms);
  EXPECT_EQ(d->enter_threshold, want.enter_threshold);
  EXPECT_EQ(d->exit_threshold, want.exit_threshold);
  EXPECT_EQ(d->min_duration_ms, want.min_duration_ms);
  EXPECT_EQ(d->cooldown_s, want.cooldown_s);
  EXPECT_EQ(d->vector_window_s, want.vector_window_s);
  EXPECT_EQ(d->gravity_tau_s, want.gravity_tau_s);
  for (const SettingSpec& s : detector_settings()) {
    EXPECT_FALSE(s.doc.empty()) << s.name;
    EXPECT_EQ(s.name.rfind("detector.", 0), 0u) << s.name;
  }
}

TEST(DetectorSettings, RangesAndCrossFieldRules) {
  Config c(detector_settings());
  EXPECT_FALSE(c.set("detector.enter_threshold", "0"));
  EXPECT_FALSE(c.set("detector.enter_threshold", "1.01"));
  EXPECT_FALSE(c.set("detector.rate_hz", "1000.5"));
  EXPECT_FALSE(c.set("detector.cooldown_s", "-1"));
  // Each value in range, the pair not: exit must stay below enter.
  ASSERT_TRUE(c.set("detector.enter_threshold", "0.5"));
  ASSERT_TRUE(c.set("detector.exit_threshold", "0.6"));
  auto d = detector_config_from(c);
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().message.find("exit_threshold"), std::string::npos) << d.error().message;
  // 10 s at 50 Hz is 500 samples, more than the vector buffer holds.
  ASSERT_TRUE(c.set("detector.exit_threshold", "0.3"));
  ASSERT_TRUE(c.set("detector.vector_window_s", "10"));
  d = detector_config_from(c);
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().message.find("vector_window_s"), std::string::npos) << d.error().message;
  ASSERT_TRUE(c.set("detector.vector_window_s", "2"));
  d = detector_config_from(c);
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->enter_threshold, 0.5);
  EXPECT_EQ(d->vector_window_s, 2.0);
}

}  // namespace
}  // namespace css::edge

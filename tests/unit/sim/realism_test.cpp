// Simulated motion against real phones: the window statistics of `citysafe dataset compare`
// (css/data/motion_stats.hpp) must fall inside the spread of the real datasets quoted in
// docs/simulator.md, "Simulator against reality" (the smallest lower and the largest upper
// quartile over hapt, oxfordsteps, spswhar and ST HAR).
#include <gtest/gtest.h>

#include "css/data/motion_stats.hpp"
#include "css/sim/generator.hpp"

namespace css::sim {
namespace {

using data::MotionStat;

data::LabelMotion profile(Scenario s, Label label) {
  GeneratorConfig c;
  c.scenario = s;
  c.duration_s = 120;
  c.devices = 4;
  c.seed = 11;
  auto recs = generate(c);
  EXPECT_TRUE(recs.ok());
  return data::motion_profile("sim", recs.value()).per_label[static_cast<std::size_t>(label)];
}

double median(const data::LabelMotion& m, MotionStat s) {
  return m.stats[static_cast<std::size_t>(s)].median;
}

TEST(SimRealism, WalkingIsAsStrongAndAsSharpAsRealWalking) {
  const data::LabelMotion m = profile(Scenario::kWalking, Label::kWalking);
  ASSERT_GE(m.windows, 20U);
  // Real walking: RMS |a|−g medians 2.5–3.2 m/s² (quartiles 2.14–4.15); the harmonic model
  // alone gave 1.4.
  EXPECT_GT(median(m, MotionStat::kRmsDynAcc), 2.14);
  EXPECT_LT(median(m, MotionStat::kRmsDynAcc), 4.15);
  // Heel strikes: 8–20 Hz fraction 0.01–0.14 (quartiles 0.01–0.20); 0.00 without them.
  EXPECT_GT(median(m, MotionStat::kBandHigh), 0.01);
  EXPECT_LT(median(m, MotionStat::kBandHigh), 0.20);
  // Jerk 52–81 m/s³ (quartiles 35.6–106.8); 17.6 without heel strikes.
  EXPECT_GT(median(m, MotionStat::kJerkRms), 35.6);
  EXPECT_LT(median(m, MotionStat::kJerkRms), 106.8);
  // The phone turns: orientation spread 10–16° (quartiles 8.8–18.6°).
  EXPECT_GT(median(m, MotionStat::kOrientSpread), 8.8);
  EXPECT_LT(median(m, MotionStat::kOrientSpread), 18.6);
}

TEST(SimRealism, APhoneOnAPersonAtRestIsNotPerfectlyStill) {
  const data::LabelMotion m = profile(Scenario::kStationary, Label::kStationary);
  ASSERT_GE(m.windows, 20U);
  // Real phones at rest on a person: RMS |a|−g median 0.06–0.07 m/s² (quartiles 0.01–0.26),
  // most of it at 3–8 Hz.
  EXPECT_GT(median(m, MotionStat::kRmsDynAcc), 0.03);
  EXPECT_LT(median(m, MotionStat::kRmsDynAcc), 0.26);
}

}  // namespace
}  // namespace css::sim

// ImuFusion on synthetic triplicated IMU streams: a stuck sensor is outvoted at once and
// excluded after flag_after ticks, rejoins after rejoin_after agreeing ticks; spikes shorter
// than flag_after never exclude; missing reads and K = 2 behave as documented.
#include "css/sensors/imu_fusion.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace css::sensors {
namespace {

// A walking-like signal (1.8 Hz bounce on gravity, slow yaw) plus per-sensor noise.
class Streams {
 public:
  explicit Streams(unsigned seed) : rng_(seed) {}
  ImuSample truth(int tick) const {
    const double t = tick / 50.0;
    ImuSample s;
    s.acc_mps2 = {static_cast<float>(0.8 * std::sin(11.3 * t)), 0.2F,
                  static_cast<float>(9.81 + 1.5 * std::sin(11.3 * t))};
    s.gyro_rps = {0.05F, static_cast<float>(0.3 * std::cos(11.3 * t)), 0.1F};
    s.temperature_c = 30.0F;
    return s;
  }
  ImuSample noisy(int tick) {
    ImuSample s = truth(tick);
    for (auto& v : s.acc_mps2) v += static_cast<float>(0.03 * n_(rng_));
    for (auto& v : s.gyro_rps) v += static_cast<float>(0.005 * n_(rng_));
    return s;
  }

 private:
  std::mt19937 rng_;
  std::normal_distribution<double> n_{0.0, 1.0};
};

double max_error(const ImuSample& a, const ImuSample& b) {
  double e = 0.0;
  for (std::size_t i = 0; i < 3; ++i) {
    e = std::max({e, static_cast<double>(std::fabs(a.acc_mps2[i] - b.acc_mps2[i])),
                  static_cast<double>(std::fabs(a.gyro_rps[i] - b.gyro_rps[i]))});
  }
  return e;
}

TEST(ImuFusion, StuckSensorIsOutvotedExcludedAndRejoins) {
  FusionConfig config;  // K = 3, flag after 10, rejoin after 50
  ASSERT_TRUE(validate(config).ok());
  ImuFusion fusion(config);
  Streams gen(3);
  std::array<std::optional<ImuSample>, 3> r;
  int excluded_at = -1;
  int rejoined_at = -1;
  for (int tick = 0; tick < 600; ++tick) {
    for (auto& s : r) s = gen.noisy(tick);
    if (tick >= 100 && tick < 300) r[1] = ImuSample{};  // sensor 1 reads all zeros (stuck)
    auto fused = fusion.fuse(r);
    ASSERT_TRUE(fused.ok());
    // The median of three is right even while the stuck sensor still counts.
    EXPECT_LT(max_error(fused->sample, gen.truth(tick)), 0.15) << tick;
    if (excluded_at < 0 && fusion.health(1).excluded) excluded_at = tick;
    if (excluded_at >= 0 && rejoined_at < 0 && !fusion.health(1).excluded) rejoined_at = tick;
    if (tick == 200) {
      EXPECT_EQ(fused->used, 2U);
    }
  }
  EXPECT_EQ(excluded_at, 100 + config.flag_after - 1);
  EXPECT_EQ(rejoined_at, 300 + config.rejoin_after - 1);
  EXPECT_EQ(fusion.health(1).exclusions, 1U);
  EXPECT_EQ(fusion.health(1).rejoins, 1U);
  EXPECT_EQ(fusion.health(1).disagreeing_ticks, 200U);
  EXPECT_EQ(fusion.health(0).exclusions + fusion.health(2).exclusions, 0U);
  EXPECT_EQ(fusion.health(0).disagreeing_ticks, 0U);
  EXPECT_EQ(fusion.counters().fused, 600U);
  EXPECT_EQ(fusion.counters().degraded, 0U);
}

TEST(ImuFusion, ShortSpikesNeverExclude) {
  FusionConfig config;
  ImuFusion fusion(config);
  Streams gen(5);
  std::array<std::optional<ImuSample>, 3> r;
  for (int tick = 0; tick < 500; ++tick) {
    for (auto& s : r) s = gen.noisy(tick);
    if (tick % 50 < config.flag_after - 1) r[2]->acc_mps2[0] += 30.0F;  // 9-tick bursts
    ASSERT_TRUE(fusion.fuse(r).ok());
    ASSERT_FALSE(fusion.health(2).excluded) << tick;
  }
  EXPECT_EQ(fusion.health(2).disagreeing_ticks, 10U * (config.flag_after - 1));
}

TEST(ImuFusion, MissingReadingsAndNoReadingAtAll) {
  ImuFusion fusion(FusionConfig{});
  Streams gen(7);
  std::array<std::optional<ImuSample>, 3> r = {gen.noisy(0), std::nullopt, gen.noisy(0)};
  auto fused = fusion.fuse(r);
  ASSERT_TRUE(fused.ok());
  EXPECT_EQ(fused->used, 2U);
  EXPECT_EQ(fusion.health(1).missing, 1U);
  ImuSample nan_sample = gen.noisy(1);
  nan_sample.gyro_rps[2] = std::nanf("");
  r = {std::nullopt, nan_sample, std::nullopt};  // a NaN sample counts as missing
  auto none = fusion.fuse(r);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, ErrorCode::kIo);
  EXPECT_EQ(fusion.counters().empty, 1U);
}

TEST(ImuFusion, TwoSensorsCannotTellWhichIsWrong) {
  FusionConfig config;
  config.sensors = 2;
  ImuFusion fusion(config);
  Streams gen(9);
  std::array<std::optional<ImuSample>, 2> r;
  FusedSample last;
  for (int tick = 0; tick < 40; ++tick) {
    r = {gen.noisy(tick), gen.noisy(tick)};
    r[1]->acc_mps2[2] += 20.0F;
    auto fused = fusion.fuse(r);
    ASSERT_TRUE(fused.ok());
    last = *fused;
  }
  EXPECT_TRUE(fusion.health(0).excluded);
  EXPECT_TRUE(fusion.health(1).excluded);
  EXPECT_TRUE(last.degraded);
  EXPECT_EQ(last.used, 2U);
}

TEST(ImuFusion, ConfigIsValidated) {
  FusionConfig c;
  c.sensors = 9;
  EXPECT_FALSE(validate(c).ok());
  c.sensors = 3;
  c.mad_k = 0.0;
  EXPECT_FALSE(validate(c).ok());
  c.mad_k = 6.0;
  c.flag_after = 0;
  EXPECT_FALSE(validate(c).ok());
}

}  // namespace
}  // namespace css::sensors

// Detector: hysteresis, minimum duration, cooldown, smoothing and the movement vector on
// hand-made probability sequences (smoothing off where exact sample counts matter).
#include "css/edge/detector.hpp"

#include <gtest/gtest.h>

#include <array>
#include <optional>
#include <vector>

namespace css::edge {
namespace {

// Classes: stationary, walking, snatch, forced_movement.
constexpr std::array kLabels = {Label::kStationary, Label::kWalking, Label::kSnatch,
                                Label::kForcedMovement};

DetectorConfig exact_config() {
  DetectorConfig c;
  c.rate_hz = 50.0;
  c.smoothing_ms = 0.0;  // risk = raw risky probability
  c.enter_threshold = 0.6;
  c.exit_threshold = 0.3;
  c.min_duration_ms = 100.0;  // 5 samples
  c.cooldown_s = 2.0;         // 100 samples
  return c;
}

std::array<float, 4> probs(float snatch, float forced = 0.0F) {
  const float rest = 1.0F - snatch - forced;
  return {rest / 2, rest / 2, snatch, forced};
}

SensorFrame frame_at(std::uint64_t i) {
  SensorFrame f;
  f.t = static_cast<double>(i) / 50.0;
  f.acc = {0.0F, 0.0F, 9.81F};
  return f;
}

// Feeds `count` samples of the same probabilities; returns the sample indices that fired.
struct Driver {
  Detector det;
  std::uint64_t i = 0;
  std::vector<Detection> fired;
  void feed(std::array<float, 4> p, int count) {
    for (int k = 0; k < count; ++k, ++i) {
      if (auto d = det.push(p, frame_at(i))) fired.push_back(*d);
    }
  }
};

TEST(Detector, FiresOnlyAfterTheMinimumDurationAboveEnter) {
  Driver d;
  ASSERT_TRUE(d.det.init(exact_config(), kLabels));
  d.feed(probs(0.05F), 20);
  d.feed(probs(0.9F), 4);  // one sample short of 100 ms
  d.feed(probs(0.05F), 3);
  EXPECT_TRUE(d.fired.empty());
  d.feed(probs(0.9F), 10);
  ASSERT_EQ(d.fired.size(), 1U);
  EXPECT_EQ(d.fired[0].sample_index, 20U + 4 + 3 + 4);  // the 5th sample above enter
  EXPECT_DOUBLE_EQ(d.fired[0].t_s, static_cast<double>(d.fired[0].sample_index) / 50.0);
  EXPECT_EQ(d.fired[0].label, Label::kSnatch);
  EXPECT_EQ(d.fired[0].kind, EventKind::kSuddenDisplacement);
  EXPECT_NEAR(d.fired[0].probability, 0.9, 1e-6);
}

TEST(Detector, HysteresisNeedsRiskBelowExitToRearm) {
  Driver d;
  ASSERT_TRUE(d.det.init(exact_config(), kLabels));
  d.feed(probs(0.9F), 5);
  ASSERT_EQ(d.fired.size(), 1U);
  // Long after the cooldown, risk hovers between exit and enter, then rises again without
  // ever falling below exit: the same episode, no second event.
  d.feed(probs(0.5F), 300);
  d.feed(probs(0.95F), 50);
  d.feed(probs(0.31F), 50);
  d.feed(probs(0.95F), 50);
  EXPECT_EQ(d.fired.size(), 1U);
  EXPECT_FALSE(d.det.armed());
  d.feed(probs(0.1F), 1);  // below exit, cooldown long over: re-armed
  EXPECT_TRUE(d.det.armed());
  d.feed(probs(0.95F), 5);
  ASSERT_EQ(d.fired.size(), 2U);
  EXPECT_EQ(d.fired[1].sample_index, 5U + 300 + 50 + 50 + 50 + 1 + 4);
}

TEST(Detector, CooldownBlocksASecondEventEvenAfterRiskDrops) {
  Driver d;
  ASSERT_TRUE(d.det.init(exact_config(), kLabels));
  d.feed(probs(0.9F), 5);  // fires at index 4
  ASSERT_EQ(d.fired.size(), 1U);
  d.feed(probs(0.0F), 20);
  d.feed(probs(0.9F), 30);  // at ~0.5-1.1 s after the event: inside the 2 s cooldown
  EXPECT_EQ(d.fired.size(), 1U);
  d.feed(probs(0.0F), 50);  // index 105: 101 samples after the event → re-armed
  EXPECT_TRUE(d.det.armed());
  d.feed(probs(0.9F), 5);
  ASSERT_EQ(d.fired.size(), 2U);
  EXPECT_EQ(d.fired[1].sample_index, 5U + 20 + 30 + 50 + 4);
}

TEST(Detector, RiskSumsTheRiskyClassesAndTheLargerOneNamesTheEvent) {
  Driver d;
  ASSERT_TRUE(d.det.init(exact_config(), kLabels));
  d.feed(probs(0.25F, 0.4F), 5);  // neither alone reaches 0.6, together 0.65
  ASSERT_EQ(d.fired.size(), 1U);
  EXPECT_EQ(d.fired[0].label, Label::kForcedMovement);
  EXPECT_EQ(d.fired[0].kind, EventKind::kForcedDisplacement);
  EXPECT_NEAR(d.fired[0].risk, 0.65, 1e-6);
  EXPECT_NEAR(d.fired[0].probability, 0.4, 1e-6);
}

TEST(Detector, SmoothingIgnoresASingleSpike) {
  DetectorConfig c = exact_config();
  c.smoothing_ms = 150.0;
  c.min_duration_ms = 0.0;  // one sample above enter would be enough without smoothing
  Driver d;
  ASSERT_TRUE(d.det.init(c, kLabels));
  d.feed(probs(0.0F), 10);
  d.feed(probs(1.0F), 1);
  d.feed(probs(0.0F), 10);
  EXPECT_TRUE(d.fired.empty());
  EXPECT_LT(d.det.risk(), 0.1);
  d.feed(probs(1.0F), 25);  // a sustained rise gets through: 1 - e^{-t/τ} ≥ 0.6 at t ≈ 0.14 s
  ASSERT_EQ(d.fired.size(), 1U);
  EXPECT_EQ(d.fired[0].sample_index, 10U + 1 + 10 + 6);
}

TEST(Detector, IgnoresProbabilitiesUntilTheModelIsReady) {
  Detector det;
  ASSERT_TRUE(det.init(exact_config(), kLabels));
  for (std::uint64_t i = 0; i < 20; ++i) EXPECT_FALSE(det.push(probs(1.0F), frame_at(i), false));
  EXPECT_EQ(det.samples_seen(), 20U);
  std::optional<Detection> got;
  for (std::uint64_t i = 20; i < 25 && !got; ++i) got = det.push(probs(1.0F), frame_at(i), true);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->sample_index, 24U);
}

TEST(Detector, MovementVectorIsRecentMeanAccelerationMinusGravity) {
  DetectorConfig c = exact_config();
  Detector det;
  ASSERT_TRUE(det.init(c, kLabels));
  std::uint64_t i = 0;
  for (; i < 1000; ++i) (void)det.push(probs(0.0F), frame_at(i));  // 20 s at rest
  std::optional<Detection> got;
  for (int k = 0; k < 50; ++k, ++i) {  // 1 s pushed along +x by 2 m/s², risk from k = 45
    SensorFrame f = frame_at(i);
    f.acc[0] = 2.0F;
    f.gnss_fix = true;
    f.lat = -23.5;
    f.lon = -46.6;
    if (auto d = det.push(probs(k >= 45 ? 0.9F : 0.0F), f)) got = d;
  }
  ASSERT_TRUE(got);
  // The 10 s gravity EMA has absorbed 2·(1 − e^{-0.1}) ≈ 0.19 m/s² of the push by then.
  EXPECT_GT(got->vector_mps2[0], 1.6);
  EXPECT_LT(got->vector_mps2[0], 1.9);
  EXPECT_NEAR(got->vector_mps2[1], 0.0, 1e-6);
  EXPECT_NEAR(got->vector_mps2[2], 0.0, 1e-4);
  ASSERT_TRUE(got->lat && got->lon);
  EXPECT_DOUBLE_EQ(*got->lat, -23.5);
}

TEST(Detector, ResetForgetsCooldownAndHistory) {
  Driver d;
  ASSERT_TRUE(d.det.init(exact_config(), kLabels));
  d.feed(probs(0.9F), 5);
  ASSERT_EQ(d.fired.size(), 1U);
  d.det.reset();
  d.i = 0;
  d.feed(probs(0.9F), 5);
  ASSERT_EQ(d.fired.size(), 2U);
  EXPECT_EQ(d.fired[1].sample_index, 4U);
}

TEST(Detector, RejectsBadConfigsAndModelsWithoutRiskyClasses) {
  Detector det;
  DetectorConfig c = exact_config();
  c.exit_threshold = 0.6;  // not below enter
  auto st = det.init(c, kLabels);
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("exit_threshold"), std::string::npos);
  c = exact_config();
  c.vector_window_s = 100.0;
  EXPECT_FALSE(det.init(c, kLabels));
  c = exact_config();
  c.rate_hz = 0.0;
  EXPECT_FALSE(det.init(c, kLabels));
  const std::array normal = {Label::kStationary, Label::kWalking};
  st = det.init(exact_config(), normal);
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("risky"), std::string::npos);
}

TEST(Detector, DetectionBecomesAValidEvent) {
  Detection d;
  d.label = Label::kForcedMovement;
  d.kind = EventKind::kForcedDisplacement;
  d.probability = 0.87;
  d.t_s = 12.5;
  d.vector_mps2 = {0.1, -1.0, 3.0};
  d.lat = -23.55;
  d.lon = -46.63;
  EventContext ctx;
  ctx.device = "pi4-edge-001";
  ctx.seq = 7;
  ctx.stream_start_unix_s = 1715982000.0;
  ctx.model = "sha256:" + std::string(64, 'a');
  const Event e = to_event(d, ctx);
  EXPECT_TRUE(validate_event(e));
  EXPECT_EQ(e.event, EventKind::kForcedDisplacement);
  EXPECT_DOUBLE_EQ(e.timestamp, 1715982012.5);
  EXPECT_EQ(e.seq, 7U);
  EXPECT_EQ(e.vector[1], -1.0);
}

}  // namespace
}  // namespace css::edge

// Event matching on hand-made detections and onsets: hit, early, late, double detection,
// false alarm, wrong label, detections after a cooldown; and the tally's figures.
#include "css/eval/matching.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "css/eval/event_eval.hpp"

namespace css::eval {
namespace {

constexpr Label kSn = Label::kSnatch;
constexpr Label kFm = Label::kForcedMovement;

TEST(Matching, HitEarlyAndLateWindow) {
  const std::vector<TruthEvent> truth = {
      {kSn, 100.0, 106.0}, {kSn, 200.0, 206.0}, {kSn, 300.0, 301.0}};
  // 100: hit 1.2 s after; 200: 0.4 s early (inside the 0.5 s allowance); 300: 6 s late,
  // after the episode ended (301 + 2 s grace < 306): not a hit and a false alarm.
  const std::vector<DetectedEvent> det = {{kSn, 101.2}, {kSn, 199.6}, {kSn, 306.0}};
  const auto r = match_events(truth, det);
  ASSERT_EQ(r.outcomes.size(), 3U);
  EXPECT_EQ(r.outcomes[0], Outcome::kHit);
  EXPECT_EQ(r.outcomes[1], Outcome::kHit);
  EXPECT_EQ(r.outcomes[2], Outcome::kFalseAlarm);
  EXPECT_TRUE(r.hit[0]);
  EXPECT_TRUE(r.hit[1]);
  EXPECT_FALSE(r.hit[2]);
  EXPECT_NEAR(r.delay_s[0], 1.2, 1e-9);
  EXPECT_NEAR(r.delay_s[1], -0.4, 1e-9);
  EXPECT_EQ(r.hits, 2U);
  EXPECT_EQ(r.false_alarms, 1U);
}

TEST(Matching, TooEarlyIsAFalseAlarm) {
  const std::vector<TruthEvent> truth = {{kSn, 100.0, 105.0}};
  const auto r = match_events(truth, std::vector<DetectedEvent>{{kSn, 99.4}});
  EXPECT_EQ(r.outcomes[0], Outcome::kFalseAlarm);
  EXPECT_FALSE(r.hit[0]);
}

TEST(Matching, OnlyTheFirstDetectionHitsLaterOnesAreDuplicates) {
  const std::vector<TruthEvent> truth = {{kFm, 50.0, 62.0}};
  // Second inside the 5 s window, third after it but inside the long episode + grace.
  const std::vector<DetectedEvent> det = {{kFm, 50.8}, {kFm, 53.0}, {kFm, 63.5}, {kFm, 64.5}};
  const auto r = match_events(truth, det);
  EXPECT_EQ(r.outcomes[0], Outcome::kHit);
  EXPECT_EQ(r.outcomes[1], Outcome::kDuplicate);
  EXPECT_EQ(r.outcomes[2], Outcome::kDuplicate);
  EXPECT_EQ(r.outcomes[3], Outcome::kFalseAlarm);  // 62 + 2 s grace has passed
  EXPECT_EQ(r.hits, 1U);
  EXPECT_EQ(r.duplicates, 2U);
  EXPECT_NEAR(r.delay_s[0], 0.8, 1e-9);
}

TEST(Matching, LateDetectionInALongEpisodeIsAMissButNoFalseAlarm) {
  const std::vector<TruthEvent> truth = {{kFm, 10.0, 30.0}};
  const auto r = match_events(truth, std::vector<DetectedEvent>{{kFm, 17.0}});
  EXPECT_EQ(r.outcomes[0], Outcome::kDuplicate);
  EXPECT_FALSE(r.hit[0]);
  EXPECT_EQ(r.false_alarms, 0U);
}

TEST(Matching, WrongRiskyLabelIsMislabelledNotAHit) {
  const std::vector<TruthEvent> truth = {{kSn, 10.0, 16.0}};
  const std::vector<DetectedEvent> det = {{kFm, 10.5}, {kSn, 11.0}};
  const auto r = match_events(truth, det);
  EXPECT_EQ(r.outcomes[0], Outcome::kMislabelled);
  EXPECT_EQ(r.outcomes[1], Outcome::kHit);  // the right label later still hits
  EXPECT_NEAR(r.delay_s[0], 1.0, 1e-9);
  EXPECT_EQ(r.false_alarms, 0U);
}

TEST(Matching, EachDetectionHitsAtMostOneEpisodeAndEarliestFirst) {
  // Two onsets 3 s apart (detector cooldown would allow only one detection in between).
  const std::vector<TruthEvent> truth = {{kSn, 23.0, 24.0}, {kSn, 20.0, 21.0}};
  const std::vector<DetectedEvent> det = {{kSn, 23.2}, {kSn, 24.0}};
  const auto r = match_events(truth, det);
  EXPECT_TRUE(r.hit[1]);  // the earlier onset (index 1) takes the first detection
  EXPECT_NEAR(r.delay_s[1], 3.2, 1e-9);
  EXPECT_TRUE(r.hit[0]);
  EXPECT_NEAR(r.delay_s[0], 1.0, 1e-9);
  EXPECT_EQ(r.hits, 2U);
}

TEST(Matching, DetectionsAfterACooldownInQuietTimeAreFalseAlarms) {
  const std::vector<TruthEvent> truth = {{kSn, 100.0, 105.0}};
  const std::vector<DetectedEvent> det = {{kSn, 101.0}, {kSn, 120.0}, {kSn, 140.0}};
  const auto r = match_events(truth, det);
  EXPECT_EQ(r.hits, 1U);
  EXPECT_EQ(r.false_alarms, 2U);
}

TEST(Matching, TruthEventsFollowTheRiskyRunOfLabels) {
  Recording rec;
  rec.rate_hz = 50.0;
  rec.labels.assign(1000, Label::kWalking);
  for (std::size_t i = 200; i < 450; ++i) rec.labels[i] = Label::kSnatch;  // 5 s
  rec.onsets = {{Label::kSnatch, 200, 4.0}, {Label::kWalking, 600, 12.0}};
  const auto t = truth_events(rec);
  ASSERT_EQ(t.size(), 1U);
  EXPECT_DOUBLE_EQ(t[0].onset_s, 4.0);
  EXPECT_DOUBLE_EQ(t[0].end_s, 9.0);
}

TEST(EventTally, RecallDelayAndFalseAlarmsPerHour) {
  EventTally tally;
  StreamResult a;
  a.scenario = "mix";
  a.hours = 2.0;
  a.truth = {{kSn, 10.0, 15.0}, {kFm, 100.0, 110.0}, {kSn, 200.0, 205.0}};
  a.detected = {{kSn, 11.0}, {kFm, 103.0}, {kSn, 500.0}};
  a.match = match_events(a.truth, a.detected);
  tally.add(a);
  StreamResult b;
  b.scenario = "running";
  b.hours = 3.0;
  b.detected = {{kSn, 1.0}, {kSn, 50.0}};
  b.match = match_events(b.truth, b.detected);
  tally.add(b);
  const auto s = tally.summary();
  EXPECT_DOUBLE_EQ(s.hours, 5.0);
  EXPECT_EQ(s.events, 3U);
  EXPECT_EQ(s.hits, 2U);
  EXPECT_NEAR(s.recall, 2.0 / 3.0, 1e-12);
  EXPECT_NEAR(s.delay_median_s, 2.0, 1e-12);  // delays 1 and 3
  EXPECT_EQ(s.false_alarms, 3U);
  EXPECT_NEAR(s.false_alarms_per_device_hour, 3.0 / 5.0, 1e-12);
  EXPECT_NEAR(s.per_scenario.at("running").false_alarms_per_hour, 2.0 / 3.0, 1e-12);
  EXPECT_NEAR(s.per_scenario.at("mix").false_alarms_per_hour, 0.5, 1e-12);
  EXPECT_NEAR(s.per_label.at("snatch").recall, 0.5, 1e-12);
  EXPECT_NEAR(s.per_label.at("forced_movement").recall, 1.0, 1e-12);
  EXPECT_NEAR(s.per_label.at("forced_movement").delay_median_s, 3.0, 1e-12);
}

TEST(EventTally, QuantileInterpolatesLikeNumpy) {
  EXPECT_DOUBLE_EQ(quantile({}, 0.5), 0.0);
  EXPECT_DOUBLE_EQ(quantile({4.0, 1.0, 3.0, 2.0}, 0.5), 2.5);
  EXPECT_NEAR(quantile({1.0, 2.0, 3.0, 4.0, 5.0}, 0.95), 4.8, 1e-12);
  EXPECT_DOUBLE_EQ(quantile({7.0}, 0.95), 7.0);
}

}  // namespace
}  // namespace css::eval

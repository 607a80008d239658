#include "css/data/windowing.hpp"

#include <gtest/gtest.h>

#include "sample_recordings.hpp"

namespace css::data {
namespace {

using testing::make_recording;
using testing::runs;

constexpr Label W = Label::kWalking;
constexpr Label S = Label::kSnatch;
constexpr Label R = Label::kRunning;
constexpr Label F = Label::kForcedMovement;

Label label_of(const std::vector<Label>& labels, LabelPolicy policy, std::size_t tail = 32) {
  WindowSpec spec;
  spec.length = labels.size();
  spec.policy = policy;
  spec.risky_tail = tail;
  return window_label(labels, spec);
}

TEST(Windowing, PoliciesOnHandBuiltSequences) {
  // 6 walking, then 2 snatch, then 2 running.
  const std::vector<Label> seq = {W, W, W, W, W, W, S, S, R, R};
  EXPECT_EQ(label_of(seq, LabelPolicy::kLast), R);
  EXPECT_EQ(label_of(seq, LabelPolicy::kMajority), W);
  EXPECT_EQ(label_of(seq, LabelPolicy::kCenter), W);  // index 10 / 2 = 5
  EXPECT_EQ(label_of(seq, LabelPolicy::kAnyRisky, 4), S);
}

TEST(Windowing, CenterIsSampleLengthOverTwo) {
  EXPECT_EQ(label_of({W, W, S, R}, LabelPolicy::kCenter), S);     // index 2
  EXPECT_EQ(label_of({W, W, W, S, R}, LabelPolicy::kCenter), W);  // index 2
  EXPECT_EQ(label_of({W, S, R, R, R}, LabelPolicy::kCenter), R);
}

TEST(Windowing, MajorityTieGoesToTheMostRecentLabel) {
  EXPECT_EQ(label_of({W, W, R, R}, LabelPolicy::kMajority), R);
  EXPECT_EQ(label_of({R, R, W, W}, LabelPolicy::kMajority), W);
  EXPECT_EQ(label_of({R, W, W, R, S}, LabelPolicy::kMajority), R);
}

TEST(Windowing, AnyRiskyLooksOnlyAtTheTail) {
  // Snatch in the last 3 samples: risky wins although walking is the majority.
  EXPECT_EQ(label_of({W, W, W, W, W, W, W, S, S, W}, LabelPolicy::kAnyRisky, 3), S);
  // Snatch before the tail: falls back to the majority.
  EXPECT_EQ(label_of({W, S, S, W, W, W, W, W, W, W}, LabelPolicy::kAnyRisky, 3), W);
  // Both risky kinds in the tail: the most recent.
  EXPECT_EQ(label_of({W, W, W, W, W, W, W, F, S, W}, LabelPolicy::kAnyRisky, 3), S);
  // A tail longer than the window is clamped.
  EXPECT_EQ(label_of({F, W, W}, LabelPolicy::kAnyRisky, 99), F);
  // No risky sample at all: majority.
  EXPECT_EQ(label_of({R, R, W}, LabelPolicy::kAnyRisky, 3), R);
}

TEST(Windowing, WindowsNeverCrossRecordings) {
  const std::vector<Recording> recs = {make_recording("a", "d", runs(W, 300)),
                                       make_recording("b", "d", runs(R, 100)),
                                       make_recording("c", "d", runs(S, 400))};
  WindowSpec spec;  // 128 / 64
  const std::vector<Window> windows = make_windows(recs, spec);
  std::array<std::size_t, 3> per{};
  for (const Window& w : windows) {
    ASSERT_LT(w.recording, recs.size());
    EXPECT_LE(w.begin + spec.length, recs[w.recording].frames.size());
    EXPECT_EQ(w.begin % spec.hop, 0U);
    EXPECT_EQ(w.label, recs[w.recording].labels[0]);
    ++per[w.recording];
  }
  EXPECT_EQ(per[0], (300 - 128) / 64 + 1);
  EXPECT_EQ(per[1], 0U);  // shorter than one window
  EXPECT_EQ(per[2], (400 - 128) / 64 + 1);
  EXPECT_EQ(windows.size(), per[0] + per[1] + per[2]);
}

TEST(Windowing, LabelsComeFromTheWindowTheyDescribe) {
  const std::vector<Recording> recs = {make_recording("a", "d", runs(W, 100, S, 28))};
  WindowSpec spec;
  spec.length = 32;
  spec.hop = 16;
  spec.risky_tail = 8;
  spec.policy = LabelPolicy::kAnyRisky;
  for (const Window& w : make_windows(recs, spec)) {
    // The tail [begin + 24, begin + 32) reaches the snatch (samples 100..127) iff begin + 31 >=
    // 100.
    EXPECT_EQ(w.label == S, w.begin + 31 >= 100) << w.begin;
  }
  spec.hop = 0;  // treated as 1
  EXPECT_EQ(make_windows(recs, spec).size(), 128U - 32U + 1U);
}

}  // namespace
}  // namespace css::data

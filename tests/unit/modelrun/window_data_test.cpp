// gather_window / gather_raw with history (train.context): rows before the recording's first
// frame are what a device that has just started holds (normalised 0), the rest are the track.
#include <gtest/gtest.h>

#include <vector>

#include "css/modelrun/window_data.hpp"

namespace css::modelrun {
namespace {

constexpr std::size_t kC = features::kChannelCount;

FeatureTrack ramp_track(std::size_t frames) {
  FeatureTrack t;
  t.frames = frames;
  for (std::size_t r = 0; r < frames; ++r)
    for (std::size_t c = 0; c < kC; ++c) t.values.push_back(static_cast<float>(r * 100 + c));
  return t;
}

features::Normalization shifted_norm() {
  features::Normalization n;
  for (std::size_t c = 0; c < kC; ++c) {
    n.mean[c] = 3.0f + static_cast<float>(c);
    n.std[c] = 2.0f;
  }
  return n;
}

TEST(GatherWindow, HistoryBeforeTheFirstFrameIsNormalisedZero) {
  const auto track = ramp_track(20);
  const auto norm = shifted_norm();
  const std::size_t begin = 2, context = 5, length = 4;
  std::vector<float> out((context + length) * kC, -1.0f);
  gather_window(track, begin, context, {}, norm, out);
  // Rows 0..2 precede frame 0 (begin − context = −3); row 3 is frame 0.
  for (std::size_t r = 0; r < 3; ++r)
    for (std::size_t c = 0; c < kC; ++c) EXPECT_EQ(out[r * kC + c], 0.0f) << r << "," << c;
  for (std::size_t r = 3; r < context + length; ++r)
    for (std::size_t c = 0; c < kC; ++c)
      EXPECT_FLOAT_EQ(out[r * kC + c],
                      (static_cast<float>((r - 3) * 100 + c) - norm.mean[c]) / norm.std[c]);

  std::vector<float> raw((context + length) * kC);
  gather_raw(track, begin, context, norm, raw);
  for (std::size_t c = 0; c < kC; ++c) EXPECT_EQ(raw[c], norm.mean[c]);
  EXPECT_EQ(raw[3 * kC], 0.0f);  // frame 0, channel 0
  EXPECT_EQ(raw[(context + length - 1) * kC + 1], (begin + length - 1) * 100.0f + 1.0f);
}

TEST(GatherWindow, FullHistoryInsideTheTrackIsCopied) {
  const auto track = ramp_track(30);
  const auto norm = shifted_norm();
  std::vector<float> with(10 * kC), bare(4 * kC);
  gather_window(track, 12, 6, {}, norm, with);
  gather_window(track, 12, 0, {}, norm, bare);
  // The last `length` rows are the bare window; the first is frame 12 − 6.
  for (std::size_t i = 0; i < bare.size(); ++i) EXPECT_EQ(with[6 * kC + i], bare[i]);
  EXPECT_FLOAT_EQ(with[0], (600.0f - norm.mean[0]) / norm.std[0]);
}

}  // namespace
}  // namespace css::modelrun

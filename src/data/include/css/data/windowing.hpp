// Fixed-length windows over recordings, each with one label chosen by an
// explicit policy (docs/datasets.md, "Windows"). Windows never cross recordings;
// a window is [begin, begin + length) of recordings[recording].
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "css/core/label.hpp"
#include "css/core/recording.hpp"

namespace css::data {

enum class LabelPolicy {
  kLast,      // label of the window's last sample (what a streaming model sees "now")
  kMajority,  // most frequent label; a tie goes to the label seen most recently
  kCenter,    // label of sample length / 2
  // The risky label if any risky sample lies in the last risky_tail samples
  // (the most recent one if both kinds do), else kMajority. A snatch lasts about
  // a second, so a majority vote would call most windows that contain it
  // "walking" and teach the model to fire late or never; looking only at the
  // tail labels windows that end inside the event, i.e. when a streaming
  // detector should be firing, and not windows where it is long past.
  kAnyRisky,
};

struct WindowSpec {
  std::size_t length = 128;  // samples (2.56 s at 50 Hz, docs/architecture.md)
  std::size_t hop = 64;      // samples; 0 is treated as 1
  LabelPolicy policy = LabelPolicy::kMajority;
  std::size_t risky_tail = 32;  // samples, for kAnyRisky (clamped to length)
};

struct Window {
  std::size_t recording;  // index into the recordings span
  std::size_t begin;      // first sample
  Label label;
};

// The label `policy` gives to labels (one window's worth, non-empty).
Label window_label(std::span<const Label> labels, const WindowSpec& spec);

// Windows start at 0, hop, 2·hop, … while they fit inside the recording; a
// recording shorter than length (or without one label per frame) gives none.
std::vector<Window> make_windows(std::span<const Recording> recordings, const WindowSpec& spec);

}  // namespace css::data

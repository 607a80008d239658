// Recording: a continuous stream of frames from one device, labelled per
// sample, with the ground-truth onsets of risky events. The simulator makes
// them, data/ stores them, training and evaluation read them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "css/core/label.hpp"
#include "css/core/sensor_frame.hpp"

namespace css {

// A labelled interval [begin, end) of sample indices; one per scenario step.
struct Segment {
  Label label;
  std::size_t begin;
  std::size_t end;
};

// Ground truth for event-level evaluation: when a risky episode starts.
struct Onset {
  Label label;        // kSnatch or kForcedMovement
  std::size_t index;  // sample index of the onset
  double t;           // s, same clock as SensorFrame::t
};

struct Recording {
  std::string device;     // hardware id, never a person's
  std::string subject;    // simulated/recorded subject id (for splits)
  std::string placement;  // hand | pocket | bag | wrist | unknown
  std::string scenario;   // scenario name that produced it
  double rate_hz = 50.0;
  std::vector<SensorFrame> frames;
  std::vector<Label> labels;  // one per frame
  std::vector<Segment> segments;
  std::vector<Onset> onsets;
};

}  // namespace css

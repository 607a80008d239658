// Held-out synthetic data for `citysafe eval` without --data (docs/evaluation.md, "Data").
// Seeds are fixed and never used by training: training simulates with train.sim.seed (42)
// advanced by an LCG per part (src/train/window_data.cpp); here every part has its own seed
// derived from kHeldoutSeed, and the generator derives every device's seed from
// (part seed, device index), so no device stream repeats a training one.
//
// Event-level streams (long, continuous; generated one device at a time):
//   mix              `devices` devices × `hours`: normal life with rare risky episodes
//   snatch, forced_movement   `risky_devices` each × `hours`: back-to-back risky episodes,
//                    for enough onsets to measure recall and delay
//   running, stairs, in_vehicle, handling, entering_vehicle
//                    `normal_devices` each × `hours`: normal-only look-alikes, where every
//                    detection is a false alarm
// Window-level recordings: modelrun::simulate_recordings with training's scenario mix at a
// smaller scale (window_* fields), so macro-F1 is comparable with training's test figure.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "css/core/recording.hpp"
#include "css/core/result.hpp"
#include "css/sim/generator.hpp"

namespace css::eval {

inline constexpr std::uint64_t kHeldoutSeed = 0xE7A1'2025'0917ULL;
// Hours per held-out device at most: one week, the simulator's longest device.
inline constexpr double kMaxHeldoutHours = 168.0;

struct HeldoutSpec {
  double hours = 1.0;  // per event-level device
  int devices = 4;     // mix devices
  int risky_devices = 1;
  int normal_devices = 1;
  std::uint64_t seed = kHeldoutSeed;
  // Window-level set (modelrun::SimSpec at a smaller scale).
  int window_mix_devices = 24;
  int window_risky_devices = 6;
  int window_extra_devices = 4;
  double window_duration_s = 240.0;
};

// One event-level stream to generate: sim::generate_device(config, device).
struct StreamPlan {
  sim::GeneratorConfig config;
  int device = 0;
};

std::vector<StreamPlan> event_streams(const HeldoutSpec& spec);
Result<Recording> generate_stream(const StreamPlan& plan);

Result<std::vector<Recording>> window_recordings(const HeldoutSpec& spec);

// The normal-only scenarios of the false-alarm streams, in report order.
const std::vector<std::string>& normal_only_scenarios();

}  // namespace css::eval

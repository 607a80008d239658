// Synthetic sensor generator: physically motivated IMU (50 Hz, device frame,
// gravity included), GNSS (1 Hz, held between fixes, correlated noise and
// outages) and SPL (dBA) streams for the activities of docs/architecture.md ("Canonical data"),
// labelled per sample with ground-truth onsets of risky events. The caller owns the returned
// recordings. Same config (incl. seed) → identical bytes on the same build.
// Models, parameters and sources: docs/simulator.md.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "css/core/recording.hpp"
#include "css/core/result.hpp"
#include "css/sim/augment.hpp"

namespace css::sim {

enum class Scenario {
  kMix,
  kStationary,
  kWalking,
  kSlowWalking,
  kStairs,
  kRunning,
  kHandling,
  kEnteringVehicle,
  kInVehicle,
  kForcedMovement,
  kSnatch,
  // Normal-only look-alikes: jumps, hops, stumbles, sitting down hard, running for a bus,
  // chained with walking and standing (docs/simulator.md).
  kHardNegatives,
};

// "mix","stationary","walking","slow_walking","stairs","running","handling",
// "entering_vehicle","in_vehicle","forced_movement","snatch","hard_negatives" (in enum order).
std::span<const std::string_view> scenario_names();
std::optional<Scenario> scenario_from_string(std::string_view name);
std::string_view to_string(Scenario scenario);

struct GeneratorConfig {
  Scenario scenario = Scenario::kMix;
  double duration_s = 60;  // per device, (0, 7 days]
  std::uint64_t seed = 42;
  int devices = 1;               // [1, 10000]
  double origin_lat = -23.5505;  // deg, start of every track (São Paulo centre)
  double origin_lon = -46.6333;  // deg
  double rate_hz = 50;           // IMU rate, [25, 400]; the system's canonical rate is 50
  AugmentConfig augment;
};

// Ground truth the sensors do not report directly, one value per frame (tests, evaluation).
struct TruthTrace {
  std::vector<float> speed_mps;   // true speed over ground of the device
  std::vector<float> course_deg;  // true course of the device, clockwise from north
};

// Checks a config; the error names the offending field.
Status validate(const GeneratorConfig& config);

// One Recording per device: device ids "sim-0001"…, subject ids "subj-0001"…; every device
// has its own seed (splitmix64 of the config seed and the device index), subject and placement.
// Augmentation, when enabled, is applied per device with a seed derived from the device seed.
Result<std::vector<Recording>> generate(const GeneratorConfig& config);

// The recording of one device (index 0-based) exactly as generate() makes it; optionally
// fills the true speed and course per frame (before augmentation: truth is not warped).
Result<Recording> generate_device(const GeneratorConfig& config, int device_index,
                                  TruthTrace* truth = nullptr);

}  // namespace css::sim

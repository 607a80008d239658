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

inline constexpr double kMaxDurationS = 7.0 * 86400.0;  // per device
inline constexpr int kMaxDevices = 10000;               // per call
// One generate() call holds at most this much (frames + labels of every device, about
// 1.5e8 frames): a typo cannot exhaust the machine. Bigger sets: several calls, several files.
inline constexpr double kMaxGenerateBytes = 10.0 * 1024 * 1024 * 1024;

struct GeneratorConfig {
  Scenario scenario = Scenario::kMix;
  double duration_s = 60;  // per device, (0, kMaxDurationS], at least one frame
  std::uint64_t seed = 42;
  int devices = 1;               // [1, kMaxDevices]
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

// Checks a config; the error names the offending field ("duration_s: …").
Status validate(const GeneratorConfig& config);

// Frames of one device (duration_s × rate_hz, rounded) and the bytes generate() holds
// for all devices (frames and per-sample labels).
double frames_per_device(const GeneratorConfig& config);
double estimate_bytes(const GeneratorConfig& config);

// One Recording per device: device ids "sim-0001"…, subject ids "subj-0001"…; every device
// has its own seed (splitmix64 of the config seed and the device index), subject and placement.
// Augmentation, when enabled, is applied per device with a seed derived from the device seed.
// A run whose estimate_bytes exceeds kMaxGenerateBytes or the memory available is refused
// before anything is allocated (ErrorCode::kIo, with the figure).
Result<std::vector<Recording>> generate(const GeneratorConfig& config);

// The recording of one device (index 0-based) exactly as generate() makes it; optionally
// fills the true speed and course per frame (before augmentation: truth is not warped).
Result<Recording> generate_device(const GeneratorConfig& config, int device_index,
                                  TruthTrace* truth = nullptr);

}  // namespace css::sim

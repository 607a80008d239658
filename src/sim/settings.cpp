// The simulator's settings table (sim.*): `citysafe generate` reads it (TOML, --set, its
// flags' help), `citysafe config` lists it, docs/configuration.md is generated from it.
#include "css/sim/settings.hpp"

#include <array>

namespace css::sim {
namespace {

using T = SettingType;

// One week of simulated time bounds a run's memory (50 Hz × 604800 s ≈ 30 M frames per device).
constexpr double kMaxSimDurationS = 604800.0;

constexpr std::array kSimSettings = {
    SettingSpec{.name = "sim.duration_s",
                .type = T::kDouble,
                .default_value = "60",
                .unit = "s",
                .doc = "Simulated time per device.",
                .min = 0.0,
                .max = kMaxSimDurationS,
                .min_exclusive = true},
    SettingSpec{.name = "sim.seed",
                .type = T::kInt,
                .default_value = "42",
                .unit = "",
                .doc = "Random seed; the same seed and settings give the same recordings."},
    SettingSpec{.name = "sim.devices",
                .type = T::kInt,
                .default_value = "1",
                .unit = "",
                .doc = "Number of simulated devices (one recording each).",
                .min = 1.0,
                .max = 10000.0},
    SettingSpec{.name = "sim.scenario",
                .type = T::kString,
                .default_value = "mix",
                .unit = "",
                .doc = "Scenario name, or 'mix' for a random chain of scenarios."},
    SettingSpec{.name = "sim.origin_lat",
                .type = T::kDouble,
                .default_value = "-23.5505",
                .unit = "deg",
                .doc = "WGS-84 latitude where simulated walks start (default: São Paulo).",
                .min = -90.0,
                .max = 90.0},
    SettingSpec{.name = "sim.origin_lon",
                .type = T::kDouble,
                .default_value = "-46.6333",
                .unit = "deg",
                .doc = "WGS-84 longitude where simulated walks start.",
                .min = -180.0,
                .max = 180.0},
    SettingSpec{
        .name = "sim.augment",
        .type = T::kBool,
        .default_value = "false",
        .unit = "",
        .doc = "Apply augmentation (jitter, noise, time-warp, rotation) to the recordings."},
};

}  // namespace

std::span<const SettingSpec> sim_settings() {
  return kSimSettings;
}

}  // namespace css::sim

// The simulator's settings table (sim.*), declared once: name, type, default, unit, range and
// doc of every `citysafe generate` setting. Static storage; see css/core/settings.hpp for how
// the app assembles the tables of every library.
#pragma once

#include <span>

#include "css/core/config.hpp"

namespace css::sim {

// sim.duration_s, sim.seed, sim.devices, sim.scenario, sim.origin_lat, sim.origin_lon,
// sim.augment.
std::span<const SettingSpec> sim_settings();

}  // namespace css::sim

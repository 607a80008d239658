// The project's settings tables (one per subsystem), each declared once in
// settings.cpp. all_settings() concatenates them for the CLI's single Config,
// `citysafe config --list` and docs/configuration.md (a unit test keeps the
// doc equal to Config(all_settings()).to_markdown()).
// Adding a subsystem: declare `<sub>_settings()` here, its table in
// settings.cpp, and append it in all_settings().
#pragma once

#include <initializer_list>
#include <span>
#include <vector>

#include "css/core/config.hpp"

namespace css {

// Scenario simulator: sim.duration_s, sim.seed, sim.devices, sim.scenario,
// sim.origin_lat, sim.origin_lon, sim.augment.
std::span<const SettingSpec> sim_settings();

// Concatenates tables; Config's constructor rejects a name declared twice.
std::vector<SettingSpec> concat_settings(
    std::initializer_list<std::span<const SettingSpec>> tables);

// Every table the project declares, in a stable order.
std::vector<SettingSpec> all_settings();

}  // namespace css

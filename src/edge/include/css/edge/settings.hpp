// The detector's settings table (detector.*), declared once: name, type, default, unit, range
// and doc of every DetectorConfig field. The table's defaults are DetectorConfig's (a unit
// test keeps them equal); cross-field rules (exit < enter, the vector window's sample count)
// are checked by detector_config_from through edge::validate. Static storage.
#pragma once

#include <span>

#include "css/core/config.hpp"
#include "css/core/result.hpp"
#include "css/edge/detector.hpp"

namespace css::edge {

std::span<const SettingSpec> detector_settings();

// Reads the typed values out of a Config built on (a superset of) detector_settings().
Result<DetectorConfig> detector_config_from(const Config& config);

}  // namespace css::edge

// The settings table of `citysafe hotspots` (geo.hotspots.*) and `citysafe flows`
// (geo.flows.*), declared once here: listed by `citysafe config`, documented in
// docs/configuration.md (generated), read from a TOML [geo.hotspots] / [geo.flows] section
// (--config), --set geo.SECTION.NAME=VALUE and the commands' flags, which stand for these
// settings. Its defaults are HotspotConfig's and AnomalyConfig's (a test keeps them equal).
// Static storage.
#pragma once

#include <span>
#include <string>

#include "css/core/config.hpp"
#include "css/core/result.hpp"
#include "css/geo/flows.hpp"
#include "css/geo/hotspots.hpp"

namespace css::geo {

std::span<const SettingSpec> geo_settings();

struct HotspotSettings {
  std::string city = "sao-paulo";  // a name in cities/ or a .toml file
  std::string window = "7d";       // parsed by parse_duration
  HotspotConfig config;            // band_m is 0 unless the weights are "band"
};

// From a Config over geo_settings(). kInvalidArgument naming the setting for what the table
// cannot check: weights other than kring/band, band weights without a band.
Result<HotspotSettings> hotspot_settings_from(const Config& config);

struct FlowSettings {
  std::string city = "sao-paulo";
  std::string window = "24h";
  double cell_size_m = 0.0;  // 0: the city file's
  int k = kDefaultKAnonymity;
  AnomalyConfig anomaly;  // min_devices = k
};

// From a Config over geo_settings(); kInvalidArgument naming geo.flows.cell_size_m for a size
// in (0, 10) m.
Result<FlowSettings> flow_settings_from(const Config& config);

}  // namespace css::geo

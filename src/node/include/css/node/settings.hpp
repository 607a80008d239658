// The edge node's settings table (edge.*), declared once: read by `citysafe edge` (TOML
// --config, --set and the flags that alias them), listed by `citysafe config`, documented in
// docs/configuration.md (generated). Static storage.
#pragma once

#include <span>
#include <string>

#include "css/core/config.hpp"
#include "css/core/result.hpp"
#include "css/node/env_sensors.hpp"
#include "css/node/hardware_source.hpp"
#include "css/node/runtime.hpp"
#include "css/node/source.hpp"

namespace css::node {

std::span<const SettingSpec> edge_settings();

struct EdgeRun {
  NodeConfig node;
  std::string source;  // "sim", "replay:FILE", "stdin", "imu:PATH[@ADDR,...]"
  SimSourceConfig sim;
  HardwareSpec hardware;                   // filled in for imu:…
  std::vector<EnvSensorSpec> env_sensors;  // edge.env_sensors; empty = the simulated station
};

// Builds the runtime's config from a Config over edge_settings() + edge::detector_settings():
// parses the broker list, reads the password file, checks the ranges the table cannot
// (client cert and key both or neither). Errors name the setting or the file.
Result<EdgeRun> edge_run_from(const Config& config);

}  // namespace css::node

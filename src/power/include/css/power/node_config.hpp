// NodeConfig: what an installer builds, read from a node.toml (deploy/node.toml): the bus,
// the runtime wanted, the converter, the battery cells, optional solar, and one [[component]]
// per part with its peak current, bus and wiring. `citysafe power` sizes the battery from it and
// `citysafe checklist` prints the BOM, wiring and torque tables from it.
//
// Units are in the key names (A, V, h, Wh, Ah, N·m). Every number is checked: a missing,
// negative, non-numeric or out-of-range value is ErrorCode::kInvalidArgument (kParse for
// malformed TOML) whose one-line message names the file, the key and what was expected —
// e.g. "node.toml: component[3].peak_a: expected a number ≥ 0, got \"fast\"".
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "css/core/result.hpp"

namespace css::power {

struct Component {
  std::string name;         // "Raspberry Pi 4"
  std::string part;         // orderable part, e.g. "Raspberry Pi 4 Model B 4 GB"
  int quantity = 1;         // [1, 1000]
  double peak_a = 0.0;      // A at the bus voltage, per unit, ≥ 0
  double duty_cycle = 1.0;  // fraction of time at peak, [0, 1]
  double idle_a = 0.0;      // A per unit when not at peak, ≥ 0
  std::string bus;          // "i2c", "uart", "usb", "csi", "power", ... (free text)
  std::string address;      // "0x44" for I²C, "" otherwise
  std::string pins;         // wiring, e.g. "SDA GPIO2 (pin 3), SCL GPIO3 (pin 5), 3V3 (pin 1)"
};

struct Battery {
  std::string chemistry = "LiFePO4";
  std::string cell = "32700 LiFePO4 cylindrical cell";  // what the cell figures describe
  double cell_nominal_v = 3.2;                          // V per cell, > 0
  double cell_capacity_ah = 6.0;                        // Ah per cell, > 0
  int series = 4;                // cells in series: 4S = 12.8 V nominal, [1, 64]
  double usable_fraction = 0.9;  // share of rated capacity the BMS lets you use, (0, 1]
};

struct Solar {
  double peak_sun_hours = 3.0;  // h/day at 1 kW/m², worst month of the site, > 0
  double derate = 0.75;         // panel temperature, dirt, wiring, MPPT losses, (0, 1]
  double autonomy_days = 2.0;   // days the battery alone must carry the node, ≥ 0
};

// Torque for the enclosure, in N·m; defaults are documented in docs/power.md with sources.
struct Torque {
  double lid_screw_nm = 1.2;
  double gland_m16_nm = 3.0;
  double gland_m20_nm = 4.0;
  double gland_m25_nm = 6.0;
  double mounting_screw_nm = 2.5;
  std::string source;  // where the figures come from (printed on the checklist)
};

struct NodeConfig {
  std::string name = "edge node";
  double bus_voltage_v = 5.0;          // > 0
  double runtime_h = 12.0;             // > 0
  double converter_efficiency = 0.85;  // (0, 1]
  double margin_fraction = 0.0;        // extra capacity on top of the need, [0, 10]
  double round_to_mah = 1000.0;        // the plan is rounded up to a multiple of this, > 0
  std::vector<Component> components;   // at least one
  Battery battery;
  std::optional<Solar> solar;  // only when the file has a [solar] table
  Torque torque;
};

// Parses node.toml text; `source` names it in errors ("deploy/node.toml").
Result<NodeConfig> parse_node_config(std::string_view toml_text, std::string_view source);
Result<NodeConfig> load_node_config(const std::filesystem::path& path);

}  // namespace css::power

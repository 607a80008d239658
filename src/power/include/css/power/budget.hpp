// Power budget of a node (the seed's worked example, docs/power.md): the peak currents summed
// one by one, power at the bus voltage, energy for the runtime, capacity at the bus voltage, the
// converter's loss, rounding and margin, a LiFePO4 pack (cells in series × parallel), the
// duty-cycled average and, when the node has a [solar] table, the panel and battery for solar.
//
// Pure arithmetic on a validated NodeConfig (load_node_config checks every value): no I/O.
// format_budget() prints figures with fixed decimals and thousands separators so the default
// node.toml reads 2.400 A → 12.000 W → 144.000 Wh → 28,800 mAh → 33,882.35 mAh → ≥ 34,000 mAh.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "css/power/node_config.hpp"

namespace css::power {

struct RunningSum {
  std::string name;
  double add_a;    // this component's peak × quantity
  double total_a;  // the sum so far
};

struct PackPlan {
  int series = 0;
  int parallel = 0;
  double pack_nominal_v = 0.0;
  double pack_capacity_ah = 0.0;
  double pack_energy_wh = 0.0;    // nominal
  double usable_energy_wh = 0.0;  // nominal × usable_fraction
  double needed_wh = 0.0;         // energy at the battery (after the converter)
  double peak_current_a = 0.0;    // from the pack at peak load: W / efficiency / pack V
  double fuse_a = 0.0;            // next standard fuse >= 1.25 x peak_current_a
};

struct SolarPlan {
  double daily_wh = 0.0;         // average load over 24 h, at the battery
  double panel_w = 0.0;          // panel rating (STC) that refills daily_wh
  double panel_w_rounded = 0.0;  // next multiple of 10 W
  double autonomy_wh = 0.0;      // battery energy for autonomy_days without sun
};

struct Budget {
  std::vector<RunningSum> steps;
  double peak_a = 0.0;
  double power_w = 0.0;
  double energy_wh = 0.0;
  double capacity_mah = 0.0;  // at the bus voltage, ideal converter
  double capacity_with_loss_mah = 0.0;
  double capacity_with_margin_mah = 0.0;
  double plan_mah = 0.0;           // rounded up to round_to_mah
  double battery_energy_wh = 0.0;  // energy_wh / efficiency
  double average_a = 0.0;          // duty-cycled
  double average_w = 0.0;
  double average_energy_wh = 0.0;  // for the runtime
  PackPlan pack;
  std::optional<SolarPlan> solar;
};

Budget compute_budget(const NodeConfig& node);

// "1,234.57": fixed decimals with thousands separators (for the tables and the text).
std::string format_number(double value, int decimals);

// The worked example as text, one step a line (what `citysafe power` prints).
std::string format_budget(const NodeConfig& node, const Budget& budget);

}  // namespace css::power

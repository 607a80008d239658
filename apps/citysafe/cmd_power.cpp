// citysafe power: the node's power budget and battery plan from a node.toml (css::power).
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <string>

#include "cli_support.hpp"
#include "css/power/budget.hpp"
#include "css/power/node_config.hpp"

namespace css::cli {
namespace {

struct PowerOptions {
  std::string node = "deploy/node.toml";
};

int run(const PowerOptions& o) {
  auto node = power::load_node_config(o.node);
  if (!node) return report(node.error());
  const auto budget = power::compute_budget(*node);
  std::cout << power::format_budget(*node, budget);
  return kExitOk;
}

}  // namespace

void add_power(CLI::App& root, Runner& run_cmd) {
  auto o = std::make_shared<PowerOptions>();
  auto* cmd = root.add_subcommand(
      "power",
      "Power budget of an edge node from its node.toml: every component's peak current added\n"
      "one by one, power at the bus voltage, energy for the runtime, capacity in mAh at the bus\n"
      "voltage, the converter's loss, rounding and margin, a LiFePO4 pack (cells series x\n"
      "parallel), the duty-cycled average and, with a [solar] table, the panel size.\n"
      "Keys, units and defaults: docs/power.md.\n"
      "Example: citysafe power --node deploy/node.toml   (the seed's example: plan >= 34,000 "
      "mAh)");
  cmd->add_option("--node", o->node, "Node description (TOML)")->capture_default_str();
  cmd->callback([o, &run_cmd] { run_cmd = [o] { return run(*o); }; });
}

}  // namespace css::cli

// The installer checklist of an edge node, built from its node.toml and power budget: parts and
// BOM, wiring per sensor (bus, I²C address, pins), enclosure torque with its source, safety,
// the power budget table, commissioning, acceptance tests, troubleshooting and sign-off. Every
// figure in it comes from the NodeConfig and Budget; the caller renders it (PDF or Markdown).
#pragma once

#include <string>

#include "css/power/budget.hpp"
#include "css/power/node_config.hpp"
#include "css/report/document.hpp"

namespace css::report {

// `source` names the node file on the title page.
Document installer_checklist(const power::NodeConfig& node, const power::Budget& budget,
                             const std::string& source);

}  // namespace css::report

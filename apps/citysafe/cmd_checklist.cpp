// citysafe checklist: the installer checklist of a node (css::report::installer_checklist) as a
// PDF and/or Markdown, from its node.toml.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli_support.hpp"
#include "css/core/file_io.hpp"
#include "css/power/budget.hpp"
#include "css/report/checklist.hpp"

namespace css::cli {
namespace {

namespace fs = std::filesystem;

struct ChecklistOptions {
  std::string node = "deploy/node.toml";
  std::string out = "checklist.pdf";
  std::string markdown;
};

int run(const ChecklistOptions& o) {
  const fs::path out(o.out);
  if (out.extension() != ".pdf" && out.extension() != ".md")
    return report(make_error(ErrorCode::kInvalidArgument,
                             "--out: expected a .pdf or .md file, got " + o.out));
  std::vector<OutputArg> outs = {{"--out", out}};
  if (!o.markdown.empty()) outs.push_back({"--markdown", o.markdown});
  const std::vector<fs::path> inputs = {o.node};
  if (auto st = check_outputs(outs, inputs); !st) return report(st.error());
  auto node = power::load_node_config(o.node);
  if (!node) return report(node.error());
  const auto doc = report::installer_checklist(*node, power::compute_budget(*node), o.node);
  io::OutputSet set(inputs);
  for (const auto& target : outs) {
    if (target.path.extension() == ".md") {
      if (auto st = set.stage_text(target.path, doc.to_markdown()); !st) return report(st.error());
      continue;
    }
    auto pdf = doc.render_pdf();
    if (!pdf) return report(pdf.error());
    if (auto st = set.stage(target.path, *pdf); !st) return report(st.error());
  }
  if (auto st = set.commit(); !st) return report(st.error());
  for (const auto& target : outs) std::cout << target.path.string() << '\n';
  return kExitOk;
}

}  // namespace

void add_checklist(CLI::App& root, Runner& run_cmd) {
  auto o = std::make_shared<ChecklistOptions>();
  auto* cmd = root.add_subcommand(
      "checklist",
      "Printable installer checklist with tick boxes from a node.toml: parts and BOM, wiring\n"
      "(I2C/UART pins per sensor), enclosure torque (with its source), safety, the power budget\n"
      "table, commissioning, acceptance tests, troubleshooting and sign-off.\n"
      "Examples: citysafe checklist --node deploy/node.toml --out checklist.pdf\n"
      "          citysafe checklist --out checklist.pdf --markdown checklist.md");
  cmd->add_option("--node", o->node, "Node description (TOML, docs/power.md)")
      ->capture_default_str();
  cmd->add_option("--out", o->out, "Output: .pdf (A4, typeset) or .md")->capture_default_str();
  cmd->add_option("--markdown", o->markdown, "Also write the Markdown version here (.md)");
  cmd->callback([o, &run_cmd] { run_cmd = [o] { return run(*o); }; });
}

}  // namespace css::cli

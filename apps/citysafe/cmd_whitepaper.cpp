// citysafe whitepaper: the typeset PDF whose numbers all come from the artefacts
// (css::report::whitepaper).
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli_support.hpp"
#include "css/core/file_io.hpp"
#include "css/report/whitepaper.hpp"

namespace css::cli {
namespace {

struct WhitepaperOptions {
  std::string out = "whitepaper.pdf";
  report::WhitepaperInputs in;
  std::vector<std::string> bench;
  std::string hotspots;
  std::string flows;
};

int run(WhitepaperOptions o) {
  for (const auto& b : o.bench) o.in.bench.emplace_back(b);
  if (!o.hotspots.empty()) o.in.hotspots = o.hotspots;
  if (!o.flows.empty()) o.in.flows = o.flows;
  if (std::filesystem::path(o.out).extension() != ".pdf")
    return report(
        make_error(ErrorCode::kInvalidArgument, "--out: expected a .pdf file, got " + o.out));
  const auto inputs = report::input_files(o.in);
  const std::array<OutputArg, 1> outs = {{{"--out", o.out}}};
  if (auto st = check_outputs(outs, inputs); !st) return report(st.error());
  auto doc = report::whitepaper(o.in);
  if (!doc) return report(doc.error());
  auto pdf = doc->render_pdf();
  if (!pdf) return report(pdf.error());
  if (auto st = io::write_file(o.out, *pdf, inputs); !st) return report(st.error());
  std::cout << o.out << " (" << doc->pages() << " pages)\n";
  return kExitOk;
}

}  // namespace

void add_whitepaper(CLI::App& root, Runner& run_cmd) {
  auto o = std::make_shared<WhitepaperOptions>();
  auto* cmd = root.add_subcommand(
      "whitepaper",
      "Typeset multi-page PDF (title, contents, abstract, architecture, simulator, model and\n"
      "training, real phones, engine size and speed, hotspots, privacy, deployment,\n"
      "references) where every number comes from the artefacts given below.\n"
      "Example: bench/run engine | tail -n 1 > engine.json\n"
      "         citysafe whitepaper --out whitepaper.pdf --bench engine.json --hotspots "
      "hot.geojson");
  cmd->add_option("--out", o->out, "Output PDF")->capture_default_str();
  cmd->add_option("--metrics", o->in.metrics, "Model metrics (citysafe export --metrics)")
      ->capture_default_str();
  cmd->add_option("--log", o->in.training_log, "Training log (train_metrics.json)")
      ->capture_default_str();
  cmd->add_option("--node", o->in.node, "Node description for the deployment section")
      ->capture_default_str();
  cmd->add_option("--bench", o->bench, "Benchmark JSON (last line of bench/run NAME); repeatable");
  cmd->add_option("--hotspots", o->hotspots, "Hotspot GeoJSON (geo/)");
  cmd->add_option("--flows", o->flows, "Flow GeoJSON (geo/)");
  cmd->add_option("--seed", o->in.seed, "Simulator seed of the illustrations")
      ->capture_default_str();
  cmd->callback([o, &run_cmd] { run_cmd = [o] { return run(*o); }; });
}

}  // namespace css::cli

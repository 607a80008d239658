// citysafe plot sequence|overlay|confusion|training|flows|hotspots and citysafe figures: charts
// from artefacts (css::report), each written as PDF, SVG or PNG by its --out extension.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli_support.hpp"
#include "css/report/figure_set.hpp"

namespace css::cli {
namespace {

namespace fs = std::filesystem;

struct PlotOptions {
  std::string out;
  std::string data;
  std::string channels = "acc,gyro,spl";
  std::size_t recording = 0;
  std::string scenarios = "walking,in_vehicle,snatch";
  double seconds = 30;
  std::uint64_t seed = 42;
  std::string metrics = "models/default.metrics.json";
  std::string which = "engine_int8";
  std::string log = "models/default.train_metrics.json";
  std::string geojson;
};

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    const auto comma = s.find(',', start);
    const std::string item = s.substr(start, comma == std::string::npos ? s.npos : comma - start);
    if (!item.empty()) out.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

using Build = std::function<Result<report::Figure>(const PlotOptions&)>;

int run_plot(const PlotOptions& o, const std::vector<fs::path>& inputs, const Build& build) {
  if (auto f = report::format_for(o.out); !f) return report(f.error());
  const std::array<OutputArg, 1> outs = {{{"--out", o.out}}};
  if (auto st = check_outputs(outs, inputs); !st) return report(st.error());
  auto fig = build(o);
  if (!fig) return report(fig.error());
  if (auto st = report::save(*fig, o.out, inputs); !st) return report(st.error());
  std::cout << o.out << '\n';
  return kExitOk;
}

CLI::App* add_plot_cmd(CLI::App& plot, Runner& run_cmd, const char* name, const char* help,
                       std::shared_ptr<PlotOptions> o,
                       std::function<std::vector<fs::path>(const PlotOptions&)> inputs,
                       Build build) {
  auto* cmd = plot.add_subcommand(name, help);
  cmd->add_option("--out", o->out, "Output figure: .pdf (vector), .svg or .png")->required();
  cmd->callback([o, &run_cmd, inputs, build] {
    run_cmd = [o, inputs, build] { return run_plot(*o, inputs(*o), build); };
  });
  return cmd;
}

void add_plot_commands(CLI::App& plot, Runner& run_cmd) {
  auto o = std::make_shared<PlotOptions>();
  auto* seq = add_plot_cmd(
      plot, run_cmd, "sequence",
      "Sensor channels of one recording over time, risky onsets dashed.\n"
      "Example: citysafe plot sequence --data data/snatch.npy --channels acc,gyro,spl --out "
      "seq.pdf",
      o,
      [](const PlotOptions& p) {
        return std::vector<fs::path>{p.data, fs::path(p.data).replace_extension(".json")};
      },
      [](const PlotOptions& p) {
        const auto ch = split_list(p.channels);
        return report::sequence_from_file(p.data, ch, p.recording);
      });
  seq->add_option("--data", o->data, "Dataset (.npy with its .labels.npy and .json)")->required();
  seq->add_option("--channels", o->channels, "Comma-separated: acc, acc_norm, gyro, spl, speed")
      ->capture_default_str();
  seq->add_option("--recording", o->recording, "Which recording of the dataset (from 0)")
      ->capture_default_str();

  auto* ov = add_plot_cmd(
      plot, run_cmd, "overlay",
      "Simulate one phone per scenario and overlay |acc| - g, |gyro| and GNSS speed.\n"
      "Example: citysafe plot overlay --scenarios walking,in_vehicle,snatch --out overlay.png",
      o, [](const PlotOptions&) { return std::vector<fs::path>{}; },
      [](const PlotOptions& p) {
        const auto sc = split_list(p.scenarios);
        return report::overlay_from_sim(sc, p.seconds, p.seed);
      });
  ov->add_option("--scenarios", o->scenarios, "Comma-separated simulator scenarios")
      ->capture_default_str();
  ov->add_option("--seconds", o->seconds, "Seconds of each scenario, (0, 3600]")
      ->capture_default_str();
  ov->add_option("--seed", o->seed, "Simulator seed")->capture_default_str();

  auto* cm = add_plot_cmd(
      plot, run_cmd, "confusion",
      "Confusion matrix (row-normalised %) and per-class F1 from a metrics.json written by\n"
      "citysafe export or citysafe eval.\n"
      "Example: citysafe plot confusion --metrics models/default.metrics.json --out cm.pdf",
      o, [](const PlotOptions& p) { return std::vector<fs::path>{p.metrics}; },
      [](const PlotOptions& p) { return report::confusion_from_file(p.metrics, p.which); });
  cm->add_option("--metrics", o->metrics, "metrics.json")->capture_default_str();
  cm->add_option("--block", o->which, "Which confusion block (engine_int8, engine_float, window)")
      ->capture_default_str();

  auto* tr = add_plot_cmd(
      plot, run_cmd, "training",
      "Loss, validation macro-F1 and learning rate per epoch from the train_metrics.json that\n"
      "citysafe train writes into its --out folder.\n"
      "Example: citysafe plot training --log checkpoints/default/train_metrics.json --out t.pdf",
      o, [](const PlotOptions& p) { return std::vector<fs::path>{p.log}; },
      [](const PlotOptions& p) { return report::training_from_file(p.log); });
  tr->add_option("--log", o->log, "train_metrics.json")->capture_default_str();

  auto* fl = add_plot_cmd(
      plot, run_cmd, "flows",
      "Quiver plot of a flow field: a GeoJSON FeatureCollection of Points with vx, vy (m/s).\n"
      "Example: citysafe plot flows --geojson flows.geojson --out flows.pdf",
      o, [](const PlotOptions& p) { return std::vector<fs::path>{p.geojson}; },
      [](const PlotOptions& p) { return report::flows_from_file(p.geojson); });
  fl->add_option("--geojson", o->geojson, "Flow GeoJSON")->required();

  auto* hs = add_plot_cmd(
      plot, run_cmd, "hotspots",
      "Hex/polygon map of hotspots: a GeoJSON FeatureCollection of Polygons with a numeric z,\n"
      "count or class property.\nExample: citysafe plot hotspots --geojson hot.geojson --out "
      "hot.png",
      o, [](const PlotOptions& p) { return std::vector<fs::path>{p.geojson}; },
      [](const PlotOptions& p) { return report::hotspots_from_file(p.geojson); });
  hs->add_option("--geojson", o->geojson, "Hotspot GeoJSON")->required();
}

struct FiguresOptions {
  std::string out = "figures";
  report::Artefacts artefacts;
  std::string flows;
  std::string hotspots;
  std::string formats = "pdf,png";
};

int run_figures(FiguresOptions o) {
  if (!o.flows.empty()) o.artefacts.flows = o.flows;
  if (!o.hotspots.empty()) o.artefacts.hotspots = o.hotspots;
  const auto exts = split_list(o.formats);
  for (const auto& e : exts)
    if (e != "pdf" && e != "png" && e != "svg")
      return report(make_error(ErrorCode::kInvalidArgument,
                               "--formats: unknown format '" + e + "' (expected pdf, png, svg)"));
  std::error_code ec;
  if (!fs::is_directory(o.out, ec) && !fs::create_directories(o.out, ec))
    return report(
        make_error(ErrorCode::kIo, "--out: cannot create " + o.out + ": " + ec.message()));
  auto figs = report::default_figures(o.artefacts);
  if (!figs) return report(figs.error());
  const auto inputs = report::input_files(o.artefacts);
  auto written = report::export_figures(*figs, o.out, exts, inputs);
  if (!written) return report(written.error());
  for (const auto& p : *written) std::cout << p.string() << '\n';
  return kExitOk;
}

}  // namespace

void add_plot(CLI::App& root, Runner& run_cmd) {
  auto* plot = root.add_subcommand(
      "plot",
      "Draw one chart (PDF, SVG or PNG by the --out extension) in the house theme\n"
      "(Okabe-Ito colours, DejaVu fonts embedded). Run 'citysafe plot KIND --help'.");
  plot->require_subcommand(1);
  add_plot_commands(*plot, run_cmd);

  auto o = std::make_shared<FiguresOptions>();
  auto* fig = root.add_subcommand(
      "figures",
      "Export every chart the artefacts allow (confusion, training, overlay, sequence; flows and\n"
      "hotspots when their GeoJSON is given) as NAME.pdf and NAME.png into --out.\n"
      "Example: citysafe figures --out figures/ --hotspots hot.geojson");
  fig->add_option("--out", o->out, "Output folder (created if missing)")->capture_default_str();
  fig->add_option("--metrics", o->artefacts.metrics, "metrics.json")->capture_default_str();
  fig->add_option("--log", o->artefacts.training_log, "train_metrics.json")->capture_default_str();
  fig->add_option("--flows", o->flows, "Flow GeoJSON (optional)");
  fig->add_option("--hotspots", o->hotspots, "Hotspot GeoJSON (optional)");
  fig->add_option("--seed", o->artefacts.seed, "Simulator seed of the overlay and sequence")
      ->capture_default_str();
  fig->add_option("--formats", o->formats, "Comma-separated: pdf, png, svg")->capture_default_str();
  fig->callback([o, &run_cmd] { run_cmd = [o] { return run_figures(*o); }; });
}

}  // namespace css::cli

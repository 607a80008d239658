// Charts from files and the simulator, and the export of a set of them (figure_set.hpp).
#include "css/report/figure_set.hpp"

#include "css/core/file_io.hpp"
#include "css/data/dataset.hpp"
#include "css/report/charts.hpp"
#include "css/sim/generator.hpp"

namespace css::report {
namespace {

Result<std::string> read_text(const fs::path& p) {
  auto bytes = io::read_file(p);
  if (!bytes) return bytes.error();
  return std::string(reinterpret_cast<const char*>(bytes->data()), bytes->size());
}

}  // namespace

Result<Figure> sequence_from_file(const fs::path& npy, std::span<const std::string> channels,
                                  std::size_t index) {
  auto ds = data::read_dataset(npy);
  if (!ds) return ds.error();
  if (index >= ds->recordings.size())
    return make_error(ErrorCode::kInvalidArgument,
                      "--recording: " + std::to_string(index) + " is out of range (" +
                          npy.string() + " holds " + std::to_string(ds->recordings.size()) +
                          " recordings, numbered from 0)");
  const Recording& r = ds->recordings[index];
  const std::string title =
      npy.filename().string() + ": " + r.device + " (" + r.scenario + ", " + r.placement + ")";
  return sequence_figure(r, channels, title);
}

Result<Figure> overlay_from_sim(std::span<const std::string> scenarios, double seconds,
                                std::uint64_t seed) {
  if (scenarios.empty())
    return make_error(ErrorCode::kInvalidArgument, "--scenarios: expected at least one scenario");
  if (!(seconds > 0 && seconds <= 3600))
    return make_error(ErrorCode::kInvalidArgument, "--seconds: expected a number in (0, 3600]");
  std::vector<Recording> recs;
  for (const auto& name : scenarios) {
    const auto sc = sim::scenario_from_string(name);
    if (!sc)
      return make_error(ErrorCode::kInvalidArgument, "--scenarios: unknown scenario '" + name +
                                                         "' (see citysafe generate --help)");
    sim::GeneratorConfig c;
    c.scenario = *sc;
    c.duration_s = seconds;
    c.seed = seed;
    auto r = sim::generate_device(c, 0);
    if (!r) return r.error();
    recs.push_back(std::move(*r));
  }
  return overlay_figure(recs, seconds);
}

Result<Figure> confusion_from_file(const fs::path& p, const std::string& which) {
  auto text = read_text(p);
  if (!text) return text.error();
  return confusion_figure(*text, p.string(), which);
}

Result<Figure> training_from_file(const fs::path& p) {
  auto text = read_text(p);
  if (!text) return text.error();
  return training_figure(*text, p.string());
}

Result<Figure> flows_from_file(const fs::path& p) {
  auto text = read_text(p);
  if (!text) return text.error();
  return flows_figure(*text, p.string());
}

Result<Figure> hotspots_from_file(const fs::path& p) {
  auto text = read_text(p);
  if (!text) return text.error();
  return hotspots_figure(*text, p.string());
}

std::vector<fs::path> input_files(const Artefacts& a) {
  std::vector<fs::path> in = {a.metrics, a.training_log};
  if (a.flows) in.push_back(*a.flows);
  if (a.hotspots) in.push_back(*a.hotspots);
  return in;
}

Result<std::vector<NamedFigure>> default_figures(const Artefacts& a) {
  std::vector<NamedFigure> out;
  auto add = [&out](const char* name, Result<Figure> f) -> Status {
    if (!f) return f.error();
    out.push_back({name, std::move(*f)});
    return Ok{};
  };
  if (auto st = add("confusion", confusion_from_file(a.metrics, "engine_int8")); !st)
    return st.error();
  if (auto st = add("training", training_from_file(a.training_log)); !st) return st.error();
  const std::vector<std::string> scen = {"walking", "in_vehicle", "snatch"};
  if (auto st = add("overlay", overlay_from_sim(scen, 30.0, a.seed)); !st) return st.error();
  sim::GeneratorConfig c;
  c.scenario = sim::Scenario::kSnatch;
  c.duration_s = 60;
  c.seed = a.seed;
  auto rec = sim::generate_device(c, 0);
  if (!rec) return rec.error();
  const std::vector<std::string> ch = {"acc", "gyro", "spl", "speed"};
  if (auto st =
          add("sequence",
              sequence_figure(*rec, ch, "Simulated snatch (seed " + std::to_string(a.seed) + ")"));
      !st)
    return st.error();
  if (a.flows)
    if (auto st = add("flows", flows_from_file(*a.flows)); !st) return st.error();
  if (a.hotspots)
    if (auto st = add("hotspots", hotspots_from_file(*a.hotspots)); !st) return st.error();
  return out;
}

Result<std::vector<fs::path>> export_figures(std::span<const NamedFigure> figures,
                                             const fs::path& dir,
                                             std::span<const std::string> extensions,
                                             std::span<const fs::path> inputs) {
  io::OutputSet set(std::vector<fs::path>(inputs.begin(), inputs.end()));
  std::vector<fs::path> written;
  for (const auto& nf : figures) {
    for (const auto& ext : extensions) {
      const fs::path p = dir / (nf.name + "." + ext);
      auto format = format_for(p);
      if (!format) return format.error();
      auto bytes = render(nf.figure, *format);
      if (!bytes) return bytes.error();
      if (auto st = set.stage(p, *bytes); !st) return st.error();
      written.push_back(p);
    }
  }
  if (auto st = set.commit(); !st) return st.error();
  return written;
}

}  // namespace css::report

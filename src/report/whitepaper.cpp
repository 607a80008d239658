// The whitepaper's sections (whitepaper.hpp). Numbers are formatted from the artefacts' JSON;
// the prose around them is fixed.
#include "css/report/whitepaper.hpp"

#include <cstdio>

#include "css/core/file_io.hpp"
#include "css/power/budget.hpp"
#include "css/report/charts.hpp"
#include "css/report/figure_set.hpp"
#include "json_support.hpp"

namespace css::report {
namespace {

using detail::json;
using power::format_number;

Result<json> load_json(const std::filesystem::path& p, bool last_line = false) {
  auto bytes = io::read_file(p);
  if (!bytes) return bytes.error();
  std::string text(reinterpret_cast<const char*>(bytes->data()), bytes->size());
  if (last_line) {  // bench/run prints readable lines first, then one JSON object
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    const auto nl = text.rfind('\n');
    if (nl != std::string::npos) text = text.substr(nl + 1);
  }
  return detail::parse_json(text, p.string());
}

// A number at a dotted path, formatted; "n/a" when absent (never a made-up value).
std::string num(const json& j, const std::string& path, int decimals) {
  const json* cur = &j;
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto dot = path.find('.', start);
    const std::string key = path.substr(start, dot == std::string::npos ? path.npos : dot - start);
    if (!cur->is_object() || !cur->contains(key)) return "n/a";
    cur = &(*cur)[key];
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  if (!cur->is_number()) return "n/a";
  return format_number(cur->get<double>(), decimals);
}

std::string pct(const json& j, const std::string& path) {
  const std::string v = num(j, path, 6);
  if (v == "n/a") return v;
  return format_number(std::stod(v) * 100.0, 2) + " %";
}

Diagram architecture() {
  const Color node = rgb255(222, 235, 247);
  const Color cloud = rgb255(253, 235, 210);
  const Color lab = rgb255(225, 242, 230);
  Diagram d;
  d.width_pt = 459;
  d.height_pt = 250;
  // Offline on top (its model feeds the node), the node in the middle, the city below: no
  // arrow crosses a box.
  d.boxes = {
      {0, 100, 95, 44, "Sensors\nIMU · GNSS · mic", node},
      {120, 100, 95, 44, "features/\n50 Hz frames", node},
      {240, 100, 95, 44, "nn/ int8 TCN\n(streaming)", node},
      {360, 100, 95, 44, "edge/ detector\n+ spool", node},
      {360, 195, 95, 44, "MQTT v5 + TLS\n(Mosquitto)", cloud},
      {240, 195, 95, 44, "ingest + store\n(SQLite / PostGIS)", cloud},
      {120, 195, 95, 44, "geo/ flows +\nhotspots", cloud},
      {0, 195, 95, 44, "API · map ·\nreport/", cloud},
      {0, 5, 95, 44, "sim/ simulator", lab},
      {120, 5, 95, 44, "train/ LibTorch", lab},
      {240, 5, 95, 44, "export .csm\n(int8)", lab},
      {360, 5, 95, 44, "eval/ real\nphones", lab},
  };
  d.arrows = {{0, 1, ""}, {1, 2, ""}, {2, 3, ""},  {3, 4, "events"}, {4, 5, ""},  {5, 6, ""},
              {6, 7, ""}, {8, 9, ""}, {9, 10, ""}, {10, 2, "model"}, {10, 11, ""}};
  return d;
}

void real_table(Document& d, const json& m) {
  if (!m.contains("real") || !m["real"].is_object()) return;
  Table t;
  t.header = {"Set (test subjects)", "Subjects", "Hours", "Windows", "Accuracy", "Macro-F1",
              "False alarms / h"};
  t.widths = {2.0, 1, 1, 1, 1.1, 1.1, 1.3};
  for (const auto& [name, v] : m["real"].items()) {
    if (name == "all" || !v.is_object()) continue;
    const std::string p = "real." + name + ".";
    t.rows.push_back({escape_markup(name), num(m, p + "subjects", 0), num(m, p + "hours", 2),
                      num(m, p + "windows", 0), num(m, p + "accuracy_context", 4),
                      num(m, p + "macro_f1_context", 4),
                      num(m, p + "false_alarms_per_device_hour", 3)});
  }
  t.rows.push_back({"<b>all</b>", "", num(m, "real.all.hours", 2), "",
                    "≥ " + num(m, "real.all.min_accuracy_context", 4), "",
                    num(m, "real.all.false_alarms_per_device_hour", 3)});
  d.table(std::move(t));
}

// Every number of a bench JSON object (nested objects flattened with dots), at most 40 rows.
void bench_table(Document& d, const json& b, const std::filesystem::path& p) {
  Table t;
  t.header = {"Figure (" + p.filename().string() + ")", "Value"};
  t.widths = {3, 1.4};
  std::vector<std::pair<std::string, const json*>> stack;
  for (const auto& [k, v] : b.items()) stack.emplace_back(k, &v);
  for (std::size_t i = 0; i < stack.size() && t.rows.size() < 40; ++i) {
    const auto [k, v] = stack[i];
    if (v->is_object()) {
      for (const auto& [k2, v2] : v->items()) stack.emplace_back(k + "." + k2, &v2);
    } else if (v->is_number()) {
      const double x = v->get<double>();
      const int dec = x == static_cast<double>(static_cast<long long>(x)) ? 0 : 4;
      t.rows.push_back({"<tt>" + escape_markup(k) + "</tt>", format_number(x, dec)});
    } else if (v->is_string() && v->get<std::string>().size() < 60) {
      t.rows.push_back({"<tt>" + escape_markup(k) + "</tt>", escape_markup(v->get<std::string>())});
    }
  }
  d.table(std::move(t));
}

Status hotspot_section(Document& d, const std::filesystem::path& p) {
  auto fig = hotspots_from_file(p);
  if (!fig) return fig.error();
  auto gj = load_json(p);
  if (!gj) return gj.error();
  std::size_t cells = 0;
  std::size_t significant = 0;
  double max_z = 0;
  bool has_z = false;
  for (const auto& f : (*gj)["features"]) {
    ++cells;
    if (f.contains("properties") && f["properties"].is_object() && f["properties"].contains("z") &&
        f["properties"]["z"].is_number()) {
      const double z = f["properties"]["z"].get<double>();
      has_z = true;
      max_z = std::max(max_z, z);
      significant += z > 1.96 ? 1 : 0;
    }
  }
  d.heading(2, "Hotspots of the simulated city");
  std::string text = "The hotspot layer (<tt>" + escape_markup(p.filename().string()) +
                     "</tt>) holds " + std::to_string(cells) + " cells.";
  if (has_z)
    text += " " + std::to_string(significant) +
            " of them have a Getis–Ord z above 1.96 (hot at the 5 % level); the highest z is " +
            format_number(max_z, 2) + ".";
  d.paragraph(text);
  fig->width_pt = 460;
  fig->height_pt = 400;
  d.figure(std::move(*fig), "Hotspot map from " + p.filename().string() + ".");
  return Ok{};
}

}  // namespace

std::vector<std::filesystem::path> input_files(const WhitepaperInputs& in) {
  std::vector<std::filesystem::path> v = {in.metrics, in.training_log, in.node};
  v.insert(v.end(), in.bench.begin(), in.bench.end());
  if (in.hotspots) v.push_back(*in.hotspots);
  if (in.flows) v.push_back(*in.flows);
  return v;
}

Result<Document> whitepaper(const WhitepaperInputs& in) {
  auto m = load_json(in.metrics);
  if (!m) return m.error();
  auto tl = load_json(in.training_log);
  if (!tl) return tl.error();
  auto node = power::load_node_config(in.node);
  if (!node) return node.error();
  const auto budget = power::compute_budget(*node);
  auto cm = confusion_from_file(in.metrics, "engine_int8");
  if (!cm) return cm.error();
  auto tr = training_from_file(in.training_log);
  if (!tr) return tr.error();
  const std::vector<std::string> scen = {"walking", "in_vehicle", "snatch"};
  auto ov = overlay_from_sim(scen, 30, in.seed);
  if (!ov) return ov.error();
  std::vector<json> benches;
  for (const auto& b : in.bench) {
    auto j = load_json(b, true);
    if (!j) return j.error();
    benches.push_back(std::move(*j));
  }
  const json& j = *m;

  Document d({"CitySafeSense: privacy-preserving edge AI for urban safety", "CitySafeSense",
              "Whitepaper", "edge AI, TCN, int8, urban safety, privacy", "citysafe whitepaper"});
  d.title_page("CitySafeSense", "Privacy-preserving edge AI for urban safety — whitepaper",
               "Generated by <tt>citysafe whitepaper</tt> from <tt>" +
                   escape_markup(in.metrics.string()) + "</tt>, <tt>" +
                   escape_markup(in.training_log.string()) + "</tt> and <tt>" +
                   escape_markup(in.node.string()) +
                   "</tt>. Every number in this document is read from those artefacts.");
  d.table_of_contents();

  d.heading(1, "Abstract");
  d.paragraph(
      "Edge nodes read motion, position and sound, run a " + num(j, "parameters", 0) +
      "-parameter int8 temporal convolutional network (" + num(j, "bytes", 0) +
      " bytes on disk) and publish anonymous events only. On held-out simulated windows the "
      "int8 engine reaches accuracy " +
      num(j, "engine_int8.accuracy", 4) + " and macro-F1 " + num(j, "engine_int8.macro_f1", 4) +
      "; on " + num(j, "real.all.hours", 2) +
      " hours of real phone recordings of subjects it never trained on it raised " +
      num(j, "real.all.false_alarms", 0) + " false alarms (" +
      num(j, "real.all.false_alarms_per_device_hour", 3) + " per device-hour).");

  d.heading(1, "Architecture");
  d.paragraph(
      "Raw sensor data never leaves the node: the pipeline turns 50 Hz frames into "
      "features, the streaming int8 engine scores them, a detector raises events and an "
      "on-disk spool delivers them over MQTT v5 with TLS. Training, export and "
      "evaluation run offline on the same preprocessing code.");
  d.diagram(architecture(),
            "Libraries and data flow: on the node (blue), in the city backend "
            "(orange), offline (green).");

  d.heading(1, "Simulator");
  d.paragraph(
      "The simulator produces labelled phone recordings of everyday life and of risky "
      "events (snatches, forced movements, entering vehicles) at 50 Hz, with GNSS at "
      "1 Hz and sound level; the same seed gives the same bytes. The figure below overlays three "
      "scenarios simulated with seed " +
      std::to_string(in.seed) + ".");
  ov->width_pt = 460;
  ov->height_pt = 400;
  d.figure(std::move(*ov), "Walking, riding in a vehicle and a snatch, simulated.");

  d.heading(1, "Model and training");
  d.paragraph("The model sees windows of " + num(j, "window", 0) + " samples with " +
              num(j, "context", 0) + " samples of history (receptive field " +
              num(j, "receptive_field", 0) + "). Training stopped at epoch " +
              num(*tl, "best_epoch", 0) + " of " + std::to_string((*tl)["history"].size()) +
              " with validation macro-F1 " + num(*tl, "best_val_macro_f1", 4) + " after " +
              num(*tl, "seconds", 0) + " s on " + num(*tl, "threads", 0) + " threads (" +
              num(*tl, "train_windows", 0) + " training windows, " + num(*tl, "val_windows", 0) +
              " validation, " + num(*tl, "test_windows", 0) + " test).");
  tr->width_pt = 600;
  tr->height_pt = 240;
  d.figure(std::move(*tr), "Training curves (train_metrics.json).");
  Table res;
  res.header = {"Held-out windows", "Accuracy", "Macro-F1"};
  res.widths = {3, 1, 1};
  res.rows = {
      {"LibTorch float", "", num(j, "torch_float_macro_f1", 4)},
      {"engine float", num(j, "engine_float.accuracy", 4), num(j, "engine_float.macro_f1", 4)},
      {"engine int8", num(j, "engine_int8.accuracy", 4), num(j, "engine_int8.macro_f1", 4)},
      {"engine int8, accelerometer + gyroscope only", "",
       num(j, "engine_int8_macro_f1_without_sensors.acc_gyro_only", 4)},
      {"engine int8, accelerometer only", "",
       num(j, "engine_int8_macro_f1_without_sensors.acc_only", 4)},
  };
  d.table(std::move(res));
  d.paragraph("int8 and float agree on the top class for " + pct(j, "int8_float_argmax_agreement") +
              " of the windows.");
  cm->width_pt = 500;  // one panel above the other: the matrix stays legible at text width
  cm->height_pt = cm->cols == 2 ? 620 : 330;
  if (cm->cols == 2) cm->rows = 2, cm->cols = 1;
  d.figure(std::move(*cm), "Confusion matrix of the int8 engine and per-class F1.");
  d.heading(2, "Real phones");
  d.paragraph(
      "Every real data set is split by subject; these are its test subjects, streamed "
      "with the history a node has.");
  real_table(d, j);

  d.heading(1, "Engine size and speed");
  Table eng;
  eng.header = {"Quantity", "Value"};
  eng.widths = {3, 1.5};
  eng.rows = {{"Parameters", num(j, "parameters", 0)},
              {"Model file (.csm)", num(j, "bytes", 0) + " bytes"},
              {"Arena, one int8 window", num(j, "window_arena_bytes_int8", 0) + " bytes"},
              {"Arena, streaming", num(j, "streaming_arena_bytes", 0) + " bytes"},
              {"Receptive field", num(j, "receptive_field", 0) + " samples"}};
  d.table(std::move(eng));
  if (benches.empty())
    d.paragraph(
        "<i>No benchmark JSON was given: run</i> <tt>bench/run engine | tail -n 1 &gt; "
        "engine.json</tt> <i>and pass</i> <tt>--bench engine.json</tt><i>.</i>");
  for (std::size_t i = 0; i < benches.size(); ++i) bench_table(d, benches[i], in.bench[i]);

  d.heading(1, "Hotspot analysis");
  if (in.hotspots) {
    if (auto st = hotspot_section(d, *in.hotspots); !st) return st.error();
  } else {
    d.paragraph("<i>No hotspot layer was given (</i><tt>--hotspots FILE.geojson</tt><i>).</i>");
  }
  if (in.flows) {
    auto fl = flows_from_file(*in.flows);
    if (!fl) return fl.error();
    fl->width_pt = 460;
    fl->height_pt = 400;
    d.figure(std::move(*fl), "Pedestrian and vehicle flow field.");
  }

  d.heading(1, "Privacy");
  d.bullets(
      {"Raw IMU, GNSS and audio stay on the node; audio is reduced to a sound level "
       "on the node and never recorded.",
       "Events carry a hardware id, a time, a type, a confidence and a coarse position — "
       "never a person's identity.",
       "Transport is TLS with per-device passwords and a deny-by-default ACL; models are "
       "signed (Ed25519) before a node loads them."});

  d.heading(1, "Deployment");
  d.paragraph("The reference node (<tt>" + escape_markup(in.node.string()) + "</tt>) draws " +
              format_number(budget.peak_a, 3) + " A at peak on its " +
              format_number(node->bus_voltage_v, 1) + " V rail (" +
              format_number(budget.power_w, 3) + " W); " + format_number(node->runtime_h, 0) +
              " h on battery need " + format_number(budget.energy_wh, 3) +
              " Wh, i.e. a pack of ≥ " + format_number(budget.plan_mah, 0) + " mAh at " +
              format_number(node->bus_voltage_v, 1) + " V after the converter's loss (" +
              std::to_string(budget.pack.series) + "S" + std::to_string(budget.pack.parallel) +
              "P " + escape_markup(node->battery.chemistry) +
              "). <tt>citysafe checklist</tt> "
              "prints the installer's checklist from the same file.");

  d.heading(1, "References");
  d.bullets({
      "S. Bai, J. Z. Kolter, V. Koltun. An empirical evaluation of generic convolutional and "
      "recurrent networks for sequence modeling. arXiv:1803.01271, 2018.",
      "B. Jacob et al. Quantization and training of neural networks for efficient "
      "integer-arithmetic-only inference. CVPR 2018.",
      "R. David et al. TensorFlow Lite Micro: embedded machine learning for TinyML systems. "
      "MLSys 2021.",
      "A. Getis, J. K. Ord. The analysis of spatial association by use of distance statistics. "
      "Geographical Analysis 24(3), 1992.",
      "J.-L. Reyes-Ortiz, L. Oneto, A. Samà, X. Parra, D. Anguita. Transition-aware human "
      "activity recognition using smartphones. Neurocomputing 171, 2016.",
      "R. A. Light. Mosquitto: server and client implementation of the MQTT protocol. Journal "
      "of Open Source Software 2(13), 2017.",
      "M. Okabe, K. Ito. Color Universal Design: how to make figures and presentations that are "
      "friendly to colorblind people. 2008.",
  });
  return d;
}

}  // namespace css::report

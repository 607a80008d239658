// citysafe hotspots: events → a hotspot map of a city for a time window (css::geo): counts,
// rates, kernel density, Getis-Ord Gi* z and p, hot/cold classes (FDR by default), with
// k-anonymity and optional Laplace noise. GeoJSON (RFC 7946) or CSV; never raw points.
// Events come from a JSON-lines file (--events) or a store (--db: only the window is read).
#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "cli_support.hpp"
#include "css/core/file_io.hpp"
#include "css/geo/event_files.hpp"
#include "css/geo/geojson.hpp"
#include "css/geo/hotspots.hpp"
#include "geo_support.hpp"

namespace css::cli {
namespace {

struct HotspotOptions {
  std::filesystem::path events, out, profile_out;
  std::string db, city = "sao-paulo", window = "7d", until, format, grid, weights = "kring";
  double cell_size_m = 0.0;
  bool no_fdr = false;
  geo::HotspotConfig cfg;
  double dp_epsilon = 0.0;
};

Status apply_grid(const HotspotOptions& o, geo::City& city) {
  if (o.grid == "hex")
    city.grid = geo::GridKind::kHex;
  else if (o.grid == "square")
    city.grid = geo::GridKind::kSquare;
  else if (!o.grid.empty())
    return make_error(ErrorCode::kInvalidArgument,
                      "--grid '" + o.grid + "': expected hex or square");
  if (o.cell_size_m != 0.0) {
    if (!(o.cell_size_m >= 10 && o.cell_size_m <= 100000))
      return make_error(ErrorCode::kInvalidArgument, "--cell-size: expected 10–100000 m");
    city.cell_size_m = o.cell_size_m;
  }
  if (o.weights != "kring" && o.weights != "band")
    return make_error(ErrorCode::kInvalidArgument,
                      "--weights '" + o.weights + "': expected kring or band");
  if (o.weights == "band" && !(o.cfg.band_m > 0))
    return make_error(ErrorCode::kInvalidArgument, "--weights band needs --band METRES (> 0)");
  return Ok{};
}

std::string profile_csv(const std::array<std::uint64_t, 168>& p) {
  static const char* kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  std::string out = "day";
  for (int h = 0; h < 24; ++h) out += ",h" + std::to_string(h);
  out += "\n";
  for (int d = 0; d < 7; ++d) {
    out += kDays[d];
    for (int h = 0; h < 24; ++h)
      out += "," + std::to_string(p[static_cast<std::size_t>(d * 24 + h)]);
    out += "\n";
  }
  return out;
}

void print_summary(const geo::HotspotMap& m, const std::filesystem::path& out) {
  int bins[7] = {0};
  for (const auto& c : m.cells) ++bins[c.bin + 3];
  std::printf(
      "%zu events in the window -> %zu cells (%zu suppressed, k = %d); hot 99/95/90 %%: %d/%d/%d, "
      "cold: %d/%d/%d (%s); KDE bandwidth %.0f m -> %s\n",
      m.events_used, m.cells.size(), m.cells_suppressed, m.config.privacy.k, bins[6], bins[5],
      bins[4], bins[0], bins[1], bins[2], m.config.fdr ? "FDR" : "nominal p", m.bandwidth_m,
      out.string().c_str());
}

// The window's positioned events, from --events or --db, and the window itself (it ends just
// after the newest positioned event unless --until says otherwise, for both sources).
Result<std::vector<geo::EventPoint>> load_events(const HotspotOptions& o, store::EventStore* db,
                                                 double length, std::optional<double> until,
                                                 geo::Window* w) {
  if (db == nullptr) {
    auto events = geo::read_events_jsonl(o.events);
    if (!events) return make_error(events.error().code, "--events: " + events.error().message);
    *w = geo::window_ending(events->points, length, until);
    return std::move(events->points);
  }
  if (!until) {
    auto newest = newest_positioned_event(*db);
    if (!newest) return make_error(newest.error().code, "--db: " + newest.error().message);
    until = std::nextafter(newest->value_or(0.0), 1e300);
  }
  *w = geo::window_ending({}, length, until);
  auto points = event_points(*db, w->start, w->end);
  if (!points) return make_error(points.error().code, "--db: " + points.error().message);
  return points;
}

int run_hotspots(HotspotOptions& o) {
  if (o.events.empty() == o.db.empty())
    return report(make_error(ErrorCode::kInvalidArgument, "give one of --events FILE or --db URL"));
  std::vector<OutputArg> outs = {{"--out", o.out}};
  if (!o.profile_out.empty()) outs.push_back({"--profile-out", o.profile_out});
  std::vector<std::filesystem::path> inputs;
  if (!o.events.empty()) inputs.push_back(o.events);
  std::unique_ptr<store::EventStore> db;
  if (!o.db.empty()) {
    auto opened = open_db_flag(o.db, true, &inputs);
    if (!opened) return report(opened.error());
    db = std::move(*opened);
  }
  if (auto st = check_outputs(outs, inputs); !st) return report(st.error());
  auto csv = wants_csv(o.format, o.out);
  if (!csv) return report(csv.error());
  auto city = find_city_flag(o.city);
  if (!city) return report(city.error());
  if (auto st = apply_grid(o, *city); !st) return report(st.error());
  auto length = geo::parse_duration(o.window);
  if (!length)
    return report(make_error(length.error().code, "--window: " + length.error().message));
  std::optional<double> until;
  if (!o.until.empty()) {
    auto t = time_flag("--until", o.until, *city);
    if (!t) return report(t.error());
    until = *t;
  }
  geo::Window w;
  auto points = load_events(o, db.get(), *length, until, &w);
  if (!points) return report(points.error());
  if (o.dp_epsilon != 0.0) o.cfg.privacy.dp_epsilon = o.dp_epsilon;
  o.cfg.fdr = !o.no_fdr;
  if (o.weights == "kring") o.cfg.band_m = 0.0;
  auto map = geo::compute_hotspots(*city, *points, w, o.cfg);
  if (!map) return report(map.error());
  io::OutputSet set(inputs);
  if (auto st = set.stage_text(o.out, *csv ? geo::hotspots_csv(*map) : geo::hotspots_geojson(*map));
      !st)
    return report(st.error());
  if (!o.profile_out.empty())
    if (auto st =
            set.stage_text(o.profile_out, profile_csv(geo::weekly_profile(*points, w, *city)));
        !st)
      return report(st.error());
  if (auto st = set.commit(); !st) return report(st.error());
  print_summary(*map, o.out);
  return kExitOk;
}

}  // namespace

void add_hotspots(CLI::App& root, Runner& run) {
  auto o = std::make_shared<HotspotOptions>();
  auto* cmd = root.add_subcommand(
      "hotspots",
      "Map where events concentrate: per-cell counts, rates (events/day), kernel density, "
      "Getis-Ord\n"
      "Gi* z and p and hot/cold classes at 90/95/99 % (Benjamini-Hochberg FDR unless --no-fdr).\n"
      "Cells with 1..k-1 events are suppressed (k-anonymity); --dp-epsilon adds Laplace noise.\n"
      "docs/hotspots.md explains the statistics, docs/privacy.md the guarantees.\n"
      "Example: citysafe hotspots --events events.jsonl --city sao-paulo --window 7d --out "
      "hotspots.geojson\n"
      "         citysafe hotspots --events events.jsonl --window 30d --format csv --out "
      "hotspots.csv\n"
      "         citysafe hotspots --db sqlite://data/citysafe.db --window 24h --out "
      "hotspots.geojson");
  auto* events = cmd->add_option("--events", o->events,
                                 "Events, JSON lines (citysafe simulate-city, import-events)");
  cmd->add_option("--db", o->db,
                  "Or read the window's events from a store: sqlite:///abs/path.db, path.db, "
                  "postgresql://… (citysafe ingest, simulate-city --db)")
      ->excludes(events);
  cmd->add_option("--city", o->city, "City name (cities/NAME.toml) or a .toml file")
      ->capture_default_str();
  cmd->add_option("--window", o->window, "Time window: 24h, 7d, 30d, 90m, 3600s ...")
      ->capture_default_str();
  cmd->add_option("--until", o->until,
                  "Window end, Unix s or ISO 8601 (default: just after the latest event)");
  cmd->add_option("--grid", o->grid, "hex or square (default: the city file's)");
  cmd->add_option("--cell-size", o->cell_size_m,
                  "Hexagon edge / square side, m (default: the city file's, 250)");
  cmd->add_option("--weights", o->weights, "Gi* neighbourhood: kring or band")
      ->capture_default_str();
  cmd->add_option("--k-ring", o->cfg.kring, "k of the k-ring (with --weights kring)")
      ->capture_default_str();
  cmd->add_option("--band", o->cfg.band_m, "Distance band, m (with --weights band)");
  cmd->add_flag("--no-fdr", o->no_fdr, "Classes from nominal p (0.10/0.05/0.01) instead of BH FDR");
  cmd->add_option("--kde-bandwidth", o->cfg.kde_bandwidth_m,
                  "KDE bandwidth, m (default: Silverman/ArcGIS rule)");
  cmd->add_option("--k", o->cfg.privacy.k, "k-anonymity: suppress cells with 1..k-1 events")
      ->capture_default_str();
  cmd->add_option("--dp-epsilon", o->dp_epsilon,
                  "Differential privacy: Laplace noise with epsilon (off when 0)");
  cmd->add_option("--dp-sensitivity", o->cfg.privacy.dp_sensitivity,
                  "Events one person can add to one cell in the window")
      ->capture_default_str();
  cmd->add_option("--seed", o->cfg.privacy.seed, "Seed of the DP noise")->capture_default_str();
  cmd->add_option("--format", o->format, "geojson or csv (default: from --out's extension)");
  cmd->add_option("--out", o->out, "Output file (.geojson or .csv)")->required();
  cmd->add_option("--profile-out", o->profile_out,
                  "Hour-of-day x day-of-week event counts (local time), CSV");
  cmd->callback([o, &run] { run = [o] { return run_hotspots(*o); }; });
}

}  // namespace css::cli

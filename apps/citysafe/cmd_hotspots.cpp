// citysafe hotspots: events → a hotspot map of a city for a time window (css::geo): counts,
// rates, kernel density, Getis-Ord Gi* z and p, hot/cold classes (FDR by default), with
// k-anonymity and optional Laplace noise. GeoJSON (RFC 7946) or CSV; never raw points.
// Events come from a JSON-lines file (--events) or a store (--db: only the window is read).
#include <CLI/CLI.hpp>
#include <array>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli_support.hpp"
#include "css/core/config.hpp"
#include "css/core/file_io.hpp"
#include "css/core/settings.hpp"
#include "css/geo/event_files.hpp"
#include "css/geo/geojson.hpp"
#include "css/geo/hotspots.hpp"
#include "css/geo/settings.hpp"
#include "geo_support.hpp"

namespace css::cli {
namespace {

constexpr std::array kAliases = {
    FlagAlias{"--city", "geo.hotspots.city"},
    FlagAlias{"--window", "geo.hotspots.window"},
    FlagAlias{"--weights", "geo.hotspots.weights"},
    FlagAlias{"--k-ring", "geo.hotspots.k_ring"},
    FlagAlias{"--band", "geo.hotspots.band_m"},
    FlagAlias{"--kde-bandwidth", "geo.hotspots.kde_bandwidth_m"},
    FlagAlias{"--k", "geo.hotspots.k"},
    FlagAlias{"--dp-epsilon", "geo.hotspots.dp_epsilon"},
    FlagAlias{"--dp-sensitivity", "geo.hotspots.dp_sensitivity"},
    FlagAlias{"--seed", "geo.hotspots.seed"},
};

struct HotspotOptions {
  std::filesystem::path events, out, profile_out;
  std::string db, until, format, grid;
  double cell_size_m = 0.0;
  bool no_fdr = false;
  std::string config_file;
  std::vector<std::string> sets;
  std::array<std::optional<std::string>, kAliases.size()> alias_values;
};

std::array<SettingsTable, 1> hotspot_tables() {
  return {SettingsTable{"geo", "src/geo/settings.cpp", "`citysafe hotspots`", geo::geo_settings()}};
}

// The file, then --set, then the flags: later sources override earlier ones.
Result<geo::HotspotSettings> collect(const HotspotOptions& o) {
  const auto tables = hotspot_tables();
  Config cfg(concat_settings(tables));
  if (!o.config_file.empty())
    if (auto st = cfg.load_toml_file(o.config_file); !st) return st.error();
  for (const auto& s : o.sets)
    if (auto st = cfg.set_assignment(s); !st) return st.error();
  if (auto st = apply_aliases(cfg, kAliases, o.alias_values); !st) return st.error();
  if (o.no_fdr)
    if (auto st = cfg.set("geo.hotspots.fdr", "false"); !st) return st.error();
  return geo::hotspot_settings_from(cfg);
}

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

int run_hotspots(const HotspotOptions& o) {
  auto settings = collect(o);
  if (!settings) return report(settings.error());
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
  auto city = find_city_flag(settings->city);
  if (!city) return report(city.error());
  if (auto st = apply_grid(o, *city); !st) return report(st.error());
  auto length = geo::parse_duration(settings->window);
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
  auto map = geo::compute_hotspots(*city, *points, w, settings->config);
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
      "Settings: geo.hotspots.* (`citysafe config`), from --config FILE ([geo.hotspots]), then\n"
      "--set NAME=VALUE, then the flags below, later ones winning.\n"
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
  cmd->add_option("--until", o->until,
                  "Window end, Unix s or ISO 8601 (default: just after the latest event)");
  cmd->add_option("--grid", o->grid, "hex or square (default: the city file's)");
  cmd->add_option("--cell-size", o->cell_size_m,
                  "Hexagon edge / square side, m (default: the city file's, 250)");
  cmd->add_flag("--no-fdr", o->no_fdr,
                "Classes from nominal p (0.10/0.05/0.01) instead of BH FDR (geo.hotspots.fdr)");
  for (std::size_t i = 0; i < kAliases.size(); ++i)
    cmd->add_option(kAliases[i].flag, o->alias_values[i],
                    setting_help(hotspot_tables(), kAliases[i].setting));
  cmd->add_option("--config", o->config_file, "TOML file of geo.hotspots.* settings");
  cmd->add_option("--set", o->sets, "NAME=VALUE of a geo.hotspots.* setting; repeatable");
  cmd->add_option("--format", o->format, "geojson or csv (default: from --out's extension)");
  cmd->add_option("--out", o->out, "Output file (.geojson or .csv)")->required();
  cmd->add_option("--profile-out", o->profile_out,
                  "Hour-of-day x day-of-week event counts (local time), CSV");
  cmd->callback([o, &run] { run = [o] { return run_hotspots(*o); }; });
}

}  // namespace css::cli

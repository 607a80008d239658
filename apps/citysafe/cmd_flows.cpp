// citysafe flows: flow summaries → a flow field per cell (mean velocity, speed, count,
// divergence, curl) for a time window, and optionally flow anomalies of one hour against the
// same hour of previous days (robust z, Benjamini–Hochberg FDR over the hour's tests unless
// --no-fdr). GeoJSON (RFC 7946) or CSV; anomalies as CSV.
// Summaries come from a JSON-lines file (--flows) or a store (--db); a stored summary has no
// position, so its device's comes from --device-positions or its newest positioned event.
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
#include "css/geo/settings.hpp"
#include "geo_support.hpp"

namespace css::cli {
namespace {

constexpr std::array kAliases = {
    FlagAlias{"--city", "geo.flows.city"},
    FlagAlias{"--window", "geo.flows.window"},
    FlagAlias{"--cell-size", "geo.flows.cell_size_m"},
    FlagAlias{"--k", "geo.flows.k"},
    FlagAlias{"--baseline-days", "geo.flows.baseline_days"},
    FlagAlias{"--anomaly-z", "geo.flows.anomaly_z"},
    FlagAlias{"--fdr-q", "geo.flows.fdr_q"},
};

struct FlowOptions {
  std::filesystem::path flows, out, anomalies_out, device_positions;
  std::string db, until, format, anomaly_hour;
  bool no_fdr = false;
  std::string config_file;
  std::vector<std::string> sets;
  std::array<std::optional<std::string>, kAliases.size()> alias_values;
  geo::FlowSettings s;  // collected from the above
};

std::array<SettingsTable, 1> flow_tables() {
  return {SettingsTable{"geo", "src/geo/settings.cpp", "`citysafe flows`", geo::geo_settings()}};
}

// The file, then --set, then the flags: later sources override earlier ones.
Status collect(FlowOptions& o) {
  Config cfg(concat_settings(flow_tables()));
  if (!o.config_file.empty())
    if (auto st = cfg.load_toml_file(o.config_file); !st) return st;
  for (const auto& s : o.sets)
    if (auto st = cfg.set_assignment(s); !st) return st;
  if (auto st = apply_aliases(cfg, kAliases, o.alias_values); !st) return st;
  if (o.no_fdr)
    if (auto st = cfg.set("geo.flows.fdr", "false"); !st) return st;
  auto s = geo::flow_settings_from(cfg);
  if (!s) return s.error();
  o.s = std::move(*s);
  return Ok{};
}

// device,lat,lon CSV → positions (for node flow lines that carry no position).
Result<geo::DevicePositions> read_positions(const std::filesystem::path& path) {
  geo::DevicePositions out;
  if (path.empty()) return out;
  auto bytes = io::read_file(path);
  if (!bytes) return make_error(bytes.error().code, "--device-positions: " + bytes.error().message);
  const std::string text(reinterpret_cast<const char*>(bytes->data()), bytes->size());
  std::size_t line = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t nl = text.find('\n', pos);
    const std::string row =
        text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    pos = nl == std::string::npos ? text.size() : nl + 1;
    if (++line == 1 || row.empty()) continue;
    char dev[65] = {0};
    double lat = 0, lon = 0;
    // Negated bounds: "nan" scans as a number and compares false with both of them.
    if (std::sscanf(row.c_str(), "%64[A-Za-z0-9_.-],%lf,%lf", dev, &lat, &lon) != 3 ||
        !(std::abs(lat) <= 90 && std::abs(lon) <= 180))
      return make_error(ErrorCode::kInvalidArgument,
                        "--device-positions line " + std::to_string(line) +
                            ": expected device,lat,lon with lat in [-90, 90] and lon in "
                            "[-180, 180] deg");
    out[dev] = {lon, lat};
  }
  return out;
}

// Every summary of --flows or --db (the baseline of anomalies reaches back days before the
// window, so the whole store is read; the window is cut by geo).
Result<std::vector<geo::FlowRecord>> load_flows(const FlowOptions& o, store::EventStore* db,
                                                const geo::DevicePositions& positions) {
  if (db == nullptr) {
    auto flows = geo::read_flows_jsonl(o.flows, positions);
    if (!flows) return make_error(flows.error().code, "--flows: " + flows.error().message);
    return flows;
  }
  std::size_t unplaced = 0;
  auto flows = flow_records(*db, positions, &unplaced);
  if (!flows) return make_error(flows.error().code, "--db: " + flows.error().message);
  if (unplaced > 0)
    std::fprintf(stderr,
                 "note: %zu stored flow summaries left out: their device has no position (give "
                 "--device-positions)\n",
                 unplaced);
  return flows;
}

void print_summary(const FlowOptions& o, const geo::FlowField& field, std::size_t n_anomalies,
                   const geo::AnomalyTests& tests) {
  std::printf("%zu flow summaries in the window -> %zu cells (%zu suppressed, k = %d) -> %s",
              field.records_used, field.cells.size(), field.cells_suppressed, o.s.k,
              o.out.string().c_str());
  if (!o.anomalies_out.empty()) {
    char how[64];
    if (!o.s.anomaly.fdr)
      std::snprintf(how, sizeof how, "no FDR correction");
    else
      std::snprintf(how, sizeof how, "BH FDR q = %g", o.s.anomaly.fdr_q);
    std::printf("; %zu anomalies of %zu cell tests (%s) -> %s", n_anomalies, tests.tests, how,
                o.anomalies_out.string().c_str());
  }
  std::printf("\n");
}

int run_flows(FlowOptions& o) {
  if (auto st = collect(o); !st) return report(st.error());
  if (o.flows.empty() == o.db.empty())
    return report(make_error(ErrorCode::kInvalidArgument, "give one of --flows FILE or --db URL"));
  std::vector<OutputArg> outs = {{"--out", o.out}};
  if (!o.anomalies_out.empty()) outs.push_back({"--anomalies-out", o.anomalies_out});
  std::vector<std::filesystem::path> inputs;
  if (!o.flows.empty()) inputs.push_back(o.flows);
  if (!o.device_positions.empty()) inputs.push_back(o.device_positions);
  std::unique_ptr<store::EventStore> db;
  if (!o.db.empty()) {
    auto opened = open_db_flag(o.db, true, &inputs);
    if (!opened) return report(opened.error());
    db = std::move(*opened);
  }
  if (auto st = check_outputs(outs, inputs); !st) return report(st.error());
  auto csv = wants_csv(o.format, o.out);
  if (!csv) return report(csv.error());
  auto city = find_city_flag(o.s.city);
  if (!city) return report(city.error());
  if (o.s.cell_size_m != 0.0) city->cell_size_m = o.s.cell_size_m;
  auto length = geo::parse_duration(o.s.window);
  if (!length)
    return report(make_error(length.error().code, "--window: " + length.error().message));
  auto positions = read_positions(o.device_positions);
  if (!positions) return report(positions.error());
  auto flows = load_flows(o, db.get(), *positions);
  if (!flows) return report(flows.error());
  std::vector<geo::EventPoint> starts;
  for (const auto& f : *flows) starts.push_back({f.start, f.where});
  std::optional<double> until;
  if (!o.until.empty()) {
    auto t = time_flag("--until", o.until, *city);
    if (!t) return report(t.error());
    until = *t;
  }
  const geo::Window w = geo::window_ending(starts, *length, until);
  auto field = geo::flow_field(*city, *flows, w, o.s.k);
  if (!field) return report(field.error());
  io::OutputSet set(inputs);
  if (auto st = set.stage_text(o.out, *csv ? geo::flows_csv(*field) : geo::flows_geojson(*field));
      !st)
    return report(st.error());
  std::size_t n_anomalies = 0;
  geo::AnomalyTests tests;
  if (!o.anomalies_out.empty()) {
    double hour = std::floor((w.end - 1e-6) / 3600.0) * 3600.0;
    if (!o.anomaly_hour.empty()) {
      auto t = time_flag("--anomaly-hour", o.anomaly_hour, *city);
      if (!t) return report(t.error());
      hour = *t;
    }
    auto an = geo::flow_anomalies(*city, *flows, hour, o.s.anomaly, &tests);
    if (!an) return report(an.error());
    n_anomalies = an->size();
    if (auto st = set.stage_text(o.anomalies_out,
                                 geo::anomalies_csv(field->grid, field->projection, *an));
        !st)
      return report(st.error());
  }
  if (auto st = set.commit(); !st) return report(st.error());
  print_summary(o, *field, n_anomalies, tests);
  return kExitOk;
}

}  // namespace

void add_flows(CLI::App& root, Runner& run) {
  auto o = std::make_shared<FlowOptions>();
  auto* cmd = root.add_subcommand(
      "flows",
      "Turn flow summaries into a flow field per cell: mean velocity (m/s east/north), speed,\n"
      "count, divergence and curl (1/s; divergence > 0 = dispersal). With --anomalies-out, cells\n"
      "whose flow in one hour departs from the same hour of previous days: robust z >= 3.5 and,\n"
      "unless --no-fdr, p (normal tail of z, approximate) within the Benjamini-Hochberg FDR\n"
      "cut-off at q = 0.05 over all the hour's cell tests (hundreds of tests, few chance alarms).\n"
      "Settings: geo.flows.* (`citysafe config`), from --config FILE ([geo.flows]), then\n"
      "--set NAME=VALUE, then the flags below, later ones winning.\n"
      "Example: citysafe flows --flows flows.jsonl --city sao-paulo --window 1h --out "
      "flows.geojson\n"
      "           --anomalies-out anomalies.csv --baseline-days 14\n"
      "         citysafe flows --db sqlite://data/citysafe.db --device-positions nodes.csv "
      "--window 24h --out flows.geojson");
  auto* flows = cmd->add_option(
      "--flows", o->flows, "Flow summaries, JSON lines (with lat/lon, or see --device-positions)");
  cmd->add_option("--db", o->db,
                  "Or read the flow summaries from a store: sqlite:///abs/path.db, path.db, "
                  "postgresql://… (citysafe ingest, simulate-city --db)")
      ->excludes(flows);
  cmd->add_option("--device-positions", o->device_positions,
                  "CSV device,lat,lon for summaries without a position (with --db: default is "
                  "the device's newest positioned event)");
  cmd->add_option("--until", o->until,
                  "Window end, Unix s or ISO 8601 (default: just after the latest summary)");
  for (std::size_t i = 0; i < kAliases.size(); ++i)
    cmd->add_option(kAliases[i].flag, o->alias_values[i],
                    setting_help(flow_tables(), kAliases[i].setting));
  cmd->add_option("--config", o->config_file, "TOML file of geo.flows.* settings ([geo.flows])");
  cmd->add_option("--set", o->sets, "NAME=VALUE of a geo.flows.* setting; repeatable");
  cmd->add_option("--format", o->format, "geojson or csv (default: from --out's extension)");
  cmd->add_option("--out", o->out, "Flow field output (.geojson or .csv)")->required();
  cmd->add_option("--anomalies-out", o->anomalies_out, "Flow anomalies, CSV");
  cmd->add_option("--anomaly-hour", o->anomaly_hour,
                  "Start of the hour tested (default: the window's last hour)");
  cmd->add_flag("--no-fdr", o->no_fdr,
                "Flag every |z| >= --anomaly-z, no multiple-testing correction (more chance "
                "alarms; geo.flows.fdr)");
  cmd->callback([o, &run] { run = [o] { return run_flows(*o); }; });
}

}  // namespace css::cli

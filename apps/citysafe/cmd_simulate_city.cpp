// citysafe simulate-city: virtual edge nodes over a city emit events (JSON lines of
// css::Event) and hourly flow summaries, with planted hotspots and daily/weekly rhythms
// (css::geo::simulate_city). Outputs are written all or none; with --db the events and flows
// also go straight into a store, in batched appends (idempotent: a rerun stores duplicates).
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "cli_support.hpp"
#include "css/core/file_io.hpp"
#include "css/core/flow.hpp"
#include "css/geo/event_files.hpp"
#include "css/geo/simulate.hpp"
#include "geo_support.hpp"

namespace css::cli {
namespace {

struct SimOptions {
  std::string city = "sao-paulo";
  geo::SimCityConfig sim;
  std::string start, incident, db;
  std::filesystem::path out, flows_out, truth_out, positions_out;
};

Result<geo::Incident> parse_incident(const std::string& text, double off) {
  // LON,LAT,TIME
  const auto a = text.find(','), b = a == std::string::npos ? a : text.find(',', a + 1);
  auto bad =
      make_error(ErrorCode::kInvalidArgument,
                 "--incident '" + text +
                     "': expected LON,LAT,TIME (e.g. -46.6339,-23.5503,2026-11-20T20:00:00-03:00)");
  if (b == std::string::npos) return bad;
  try {
    std::size_t used = 0;
    const double lon = std::stod(text.substr(0, a), &used);
    if (used != a) return bad;
    const double lat = std::stod(text.substr(a + 1, b - a - 1), &used);
    if (used != b - a - 1) return bad;
    auto t = time_flag("--incident", text.substr(b + 1), off);
    if (!t) return t.error();
    return geo::Incident{{lon, lat}, *t};
  } catch (const std::exception&) {
    return bad;
  }
}

std::string truth_json(const geo::SimCity& s) {
  nlohmann::json h = nlohmann::json::array();
  for (const auto& p : s.hotspots)
    h.push_back(
        {{"name", p.name}, {"lon", p.centre.lon}, {"lat", p.centre.lat}, {"sigma_m", p.sigma_m}});
  nlohmann::json d = nlohmann::json::array();
  for (const auto& [name, where] : s.devices)
    d.push_back({{"device", name}, {"lon", where.lon}, {"lat", where.lat}});
  return nlohmann::json{{"hotspots", h}, {"devices", d}}.dump(1) + "\n";
}

// device,lat,lon: what `citysafe flows --device-positions` reads.
std::string positions_csv(const geo::SimCity& s) {
  std::string out = "device,lat,lon\n";
  char row[160];
  for (const auto& [name, where] : s.devices) {
    std::snprintf(row, sizeof row, "%s,%.17g,%.17g\n", name.c_str(), where.lat, where.lon);
    out += row;
  }
  return out;
}

// The node's flow JSON decoded by the core codec: the same summary ingest would store.
Result<FlowSummary> stored_flow(const geo::FlowRecord& f) {
  return flow_from_json(geo::flow_record_to_json(f, static_cast<std::uint32_t>(f.period * 0.6)));
}

constexpr std::size_t kRecordsPerAppend = 5000;

// Events, then flows, in appends of kRecordsPerAppend records (one transaction each).
Result<store::AppendResult> append_to_store(store::EventStore& db, const geo::SimCity& sim) {
  store::AppendResult total;
  store::Batch batch;
  const auto flush = [&]() -> Status {
    batch.received_at =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    auto r = db.append(batch);
    if (!r) return r.error();
    total.events_stored += r->events_stored;
    total.events_duplicate += r->events_duplicate;
    total.flows_stored += r->flows_stored;
    total.flows_duplicate += r->flows_duplicate;
    batch = {};
    return Ok{};
  };
  for (const auto& e : sim.events) {
    batch.events.push_back(e);
    if (batch.events.size() == kRecordsPerAppend)
      if (auto st = flush(); !st) return st.error();
  }
  for (const auto& f : sim.flows) {
    auto summary = stored_flow(f);
    if (!summary) return summary.error();
    batch.flows.push_back(std::move(*summary));
    if (batch.events.size() + batch.flows.size() >= kRecordsPerAppend)
      if (auto st = flush(); !st) return st.error();
  }
  if (!batch.empty())
    if (auto st = flush(); !st) return st.error();
  return total;
}

int run_simulate(SimOptions& o) {
  if (o.out.empty() && o.db.empty())
    return report(make_error(ErrorCode::kInvalidArgument, "give --out FILE, --db URL or both"));
  std::vector<OutputArg> outs;
  if (!o.out.empty()) outs.push_back({"--out", o.out});
  if (!o.flows_out.empty()) outs.push_back({"--flows-out", o.flows_out});
  if (!o.truth_out.empty()) outs.push_back({"--truth-out", o.truth_out});
  if (!o.positions_out.empty()) outs.push_back({"--positions-out", o.positions_out});
  std::vector<std::filesystem::path> db_file;
  std::unique_ptr<store::EventStore> db;
  if (!o.db.empty()) {
    auto opened = open_db_flag(o.db, false, &db_file);
    if (!opened) return report(opened.error());
    db = std::move(*opened);
  }
  if (auto st = check_outputs(outs, db_file); !st) return report(st.error());
  auto city = find_city_flag(o.city);
  if (!city) return report(city.error());
  if (!o.start.empty()) {
    auto t = time_flag("--start", o.start, city->utc_offset_h);
    if (!t) return report(t.error());
    o.sim.start = *t;
  }
  if (!o.incident.empty()) {
    auto inc = parse_incident(o.incident, city->utc_offset_h);
    if (!inc) return report(inc.error());
    o.sim.incident = *inc;
  }
  o.sim.flows = !o.flows_out.empty() || db != nullptr;
  auto sim = geo::simulate_city(*city, o.sim);
  if (!sim) return report(sim.error());
  io::OutputSet set(db_file);
  if (!o.out.empty()) {
    std::string events;
    for (const auto& e : sim->events) events += to_json(e) + "\n";
    if (auto st = set.stage_text(o.out, events); !st) return report(st.error());
  }
  if (!o.flows_out.empty()) {
    std::string flows;
    for (const auto& f : sim->flows)
      flows += geo::flow_record_to_json(f, static_cast<std::uint32_t>(f.period * 0.6)) + "\n";
    if (auto st = set.stage_text(o.flows_out, flows); !st) return report(st.error());
  }
  if (!o.truth_out.empty())
    if (auto st = set.stage_text(o.truth_out, truth_json(*sim)); !st) return report(st.error());
  if (!o.positions_out.empty())
    if (auto st = set.stage_text(o.positions_out, positions_csv(*sim)); !st)
      return report(st.error());
  std::optional<store::AppendResult> stored;
  if (db) {
    auto r = append_to_store(*db, *sim);
    if (!r) return report(make_error(r.error().code, "--db: " + r.error().message));
    stored = *r;
  }
  if (auto st = set.commit(); !st) return report(st.error());
  std::cout << "simulated " << city->name << ": " << o.sim.devices << " nodes, " << o.sim.days
            << " days, " << sim->hotspots.size() << " planted hotspots -> " << sim->events.size()
            << " events";
  if (!o.out.empty()) std::cout << " (" << o.out.string() << ")";
  if (!o.flows_out.empty())
    std::cout << ", " << sim->flows.size() << " flow summaries (" << o.flows_out.string() << ")";
  if (stored)
    std::cout << "; store " << db->url() << ": " << stored->events_stored << " events and "
              << stored->flows_stored << " flow summaries stored, "
              << stored->events_duplicate + stored->flows_duplicate << " already there";
  std::cout << "\n";
  return kExitOk;
}

}  // namespace

void add_simulate_city(CLI::App& root, Runner& run) {
  auto o = std::make_shared<SimOptions>();
  auto* cmd = root.add_subcommand(
      "simulate-city",
      "Simulate a city of fixed edge nodes reporting risk events (and hourly flow summaries) with\n"
      "planted hotspots and daily/weekly rhythms: the input of `citysafe hotspots` and `flows`.\n"
      "Events go to --out as JSON lines of the event schema (docs/event-schema.md).\n"
      "Example: citysafe simulate-city --city sao-paulo --devices 200 --days 30 --hotspots 5 "
      "--seed 7\n"
      "           --out events.jsonl --flows-out flows.jsonl --truth-out truth.json\n"
      "         citysafe simulate-city --devices 200 --days 30 --db sqlite://data/citysafe.db "
      "--positions-out nodes.csv");
  cmd->add_option("--city", o->city, "City name (cities/NAME.toml) or a .toml file")
      ->capture_default_str();
  cmd->add_option("--devices", o->sim.devices, "Virtual edge nodes")->capture_default_str();
  cmd->add_option("--days", o->sim.days, "Days simulated")->capture_default_str();
  cmd->add_option("--hotspots", o->sim.hotspots,
                  "Planted hotspots: the city's named areas first, then random places")
      ->capture_default_str();
  cmd->add_option("--seed", o->sim.seed, "Random seed (same seed, same output)")
      ->capture_default_str();
  cmd->add_option("--start", o->start,
                  "Start time, Unix s or ISO 8601 (default 2026-11-02T00:00 local, a Monday)");
  cmd->add_option("--events-per-day", o->sim.events_per_device_day,
                  "Events per node and day (mean)")
      ->capture_default_str();
  cmd->add_option("--hotspot-share", o->sim.hotspot_share,
                  "Share of events around hotspots, [0, 1]")
      ->capture_default_str();
  cmd->add_option("--hotspot-sigma", o->sim.hotspot_sigma_m, "Hotspot spread (Gaussian sigma), m")
      ->capture_default_str();
  cmd->add_option("--flow-period", o->sim.flow_period_s, "Flow summary period, s [60, 86400]")
      ->capture_default_str();
  cmd->add_option(
      "--incident", o->incident,
      "LON,LAT,TIME: nodes within 800 m move outward at 2 m/s for one hour (sudden dispersal)");
  cmd->add_option("--out", o->out, "Events, JSON lines (needed unless --db is given)");
  cmd->add_option("--db", o->db,
                  "Also append events and flow summaries to a store (created if absent): "
                  "sqlite:///abs/path.db, path.db, postgresql://…");
  cmd->add_option("--flows-out", o->flows_out,
                  "Flow summaries, JSON lines (node flow JSON + lat/lon)");
  cmd->add_option("--truth-out", o->truth_out,
                  "Planted hotspots and node positions, JSON (for evaluation only)");
  cmd->add_option("--positions-out", o->positions_out,
                  "Node positions, CSV device,lat,lon (for `citysafe flows --device-positions`)");
  cmd->callback([o, &run] { run = [o] { return run_simulate(*o); }; });
}

}  // namespace css::cli

// citysafe simulate-city: virtual edge nodes over a city emit events (JSON lines of
// css::Event) and hourly flow summaries, with planted hotspots and daily/weekly rhythms
// (css::geo::simulate_city). Outputs are written all or none; with --db the events and flows
// also go straight into a store, in batched appends (idempotent: a rerun stores duplicates).
// With --mqtt every virtual node publishes through the edge node's own css::node::Publisher
// (spool, MQTT v5 over TLS, QoS 1, PUBACKs), so a running `citysafe ingest` stores them: the
// integration path of issue 17, as fast as the broker acknowledges.
#include <unistd.h>
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "cli_support.hpp"
#include "css/core/file_io.hpp"
#include "css/core/flow.hpp"
#include "css/geo/event_files.hpp"
#include "css/geo/simulate.hpp"
#include "css/mqtt/broker_address.hpp"
#include "css/mqtt/client.hpp"
#include "css/node/publisher.hpp"
#include "geo_support.hpp"

namespace css::cli {
namespace {

// --mqtt: the broker side of the run.
struct MqttFlags {
  std::string brokers, tls_cert, username, password_file, spool;
  int parallel = 16;        // virtual nodes connected at once
  double timeout_s = 30.0;  // no PUBACK for this long = failure
};

struct SimOptions {
  std::string city = "sao-paulo";
  MqttFlags mqtt;
  geo::SimCityConfig sim;
  std::string start, incident, db;
  std::filesystem::path out, flows_out, truth_out, positions_out;
};

Result<geo::Incident> parse_incident(const std::string& text, const geo::City& city) {
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
    auto t = time_flag("--incident", text.substr(b + 1), city);
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

// The node's flow JSON (plus lat/lon): what --flows-out writes and --mqtt publishes.
std::string flow_json(const geo::FlowRecord& f) {
  return geo::flow_record_to_json(f, static_cast<std::uint32_t>(f.period * 0.6));
}

// The node's flow JSON decoded by the core codec: the same summary ingest would store.
Result<FlowSummary> stored_flow(const geo::FlowRecord& f) {
  return flow_from_json(flow_json(f));
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

// ---- --mqtt: each virtual node publishes through the edge node's Publisher ----

using Clock = std::chrono::steady_clock;

// What one virtual node sends, in order: its events (in time order, so its fresh spool gives
// them the simulator's seq 1..n), then its flow summaries.
struct NodeWork {
  std::vector<const Event*> events;
  std::vector<const geo::FlowRecord*> flows;
  std::size_t total() const { return events.size() + flows.size(); }
};

struct FleetSetup {
  mqtt::Options base;  // brokers, TLS, password; client id (and user) set per node
  bool user_per_node = true;
  std::filesystem::path spool_root;
  bool temp_spool = false;
  int parallel = 16;
  double timeout_s = 30.0;
};

Result<FleetSetup> fleet_setup(const MqttFlags& f) {
  FleetSetup s;
  auto brokers = mqtt::parse_broker_list(f.brokers);
  if (!brokers)
    return make_error(ErrorCode::kInvalidArgument, "--mqtt: " + brokers.error().message);
  s.base.brokers = std::move(*brokers);
  std::error_code ec;
  if (f.tls_cert.empty())
    return make_error(ErrorCode::kInvalidArgument, "--mqtt needs --tls-cert CA.pem (TLS only)");
  if (!std::filesystem::is_regular_file(f.tls_cert, ec))
    return make_error(ErrorCode::kNotFound, "--tls-cert: cannot read '" + f.tls_cert + "'");
  s.base.ca_file = f.tls_cert;
  s.base.username = f.username;
  s.user_per_node = f.username.empty();
  if (!f.password_file.empty()) {
    auto pw = io::read_secret_line(f.password_file, "--password-file");
    if (!pw) return pw.error();
    s.base.password = *pw;
  }
  if (f.parallel < 1 || f.parallel > 256)
    return make_error(ErrorCode::kInvalidArgument, "--mqtt-nodes: expected 1–256");
  if (!(f.timeout_s >= 1 && f.timeout_s <= 3600))
    return make_error(ErrorCode::kInvalidArgument, "--mqtt-timeout: expected 1–3600 s");
  s.parallel = f.parallel;
  s.timeout_s = f.timeout_s;
  s.spool_root = f.spool;
  return s;
}

std::string broker_names(const FleetSetup& s) {
  std::string out;
  for (const auto& b : s.base.brokers) out += (out.empty() ? "" : ",") + b.to_string();
  return out;
}

mqtt::Options node_mqtt(const FleetSetup& s, const std::string& device) {
  mqtt::Options o = s.base;
  o.client_id = device;
  if (s.user_per_node) o.username = device;
  return o;
}

// One connection before the fleet starts: a broker that is down, a wrong CA or a refused
// password fails here, naming the broker, instead of as publishers retrying forever.
Status probe_broker(const FleetSetup& s, const std::string& device) {
  mqtt::Client probe(node_mqtt(s, device));
  if (auto st = probe.connect(); !st)
    return make_error(ErrorCode::kIo, "--mqtt: " + st.error().message);
  probe.disconnect();
  return Ok{};
}

struct LiveNode {
  std::string device;
  const NodeWork* work = nullptr;
  node::RuntimeStats stats;
  std::unique_ptr<node::Publisher> pub;
  std::uint64_t target = 0;  // PUBACKs to wait for: leftovers of the spool + this run
  std::size_t submitted = 0;
};

// Records handed over but not yet acknowledged, per node: bounds the queue and the spool.
constexpr std::size_t kSubmitWindow = 512;

void feed(LiveNode& n) {
  const auto& w = *n.work;
  while (n.submitted < w.total() && n.submitted < n.stats.pubacks.load() + kSubmitWindow) {
    const std::size_t i = n.submitted++;
    if (i < w.events.size()) {
      n.pub->submit_event(*w.events[i]);
    } else {
      n.pub->submit(spool::Kind::kFlow, node::topic_for("flows", n.device),
                    flow_json(*w.flows[i - w.events.size()]));
    }
  }
}

Result<std::unique_ptr<LiveNode>> start_node(const FleetSetup& s, const std::string& device,
                                             const NodeWork& work, node::Log& log) {
  auto n = std::make_unique<LiveNode>();
  n->device = device;
  n->work = &work;
  node::PublisherOptions po;
  po.mqtt = node_mqtt(s, device);
  po.spool_dir = s.spool_root / device;
  po.spool.sync = spool::Sync::kNone;  // the run can be simulated again; kill -9 still safe
  po.device = device;
  po.events_topic = node::topic_for("events", device);
  auto pub = node::Publisher::start(std::move(po), log, n->stats);
  if (!pub) return make_error(ErrorCode::kIo, device + ": " + pub.error().message);
  n->pub = std::move(*pub);
  n->target = n->stats.spool_depth.load() + work.total();
  return n;
}

// Feeds the wave until every node's records are acknowledged. Fails when the broker refuses
// a message (the ACL) or sends no PUBACK for timeout_s.
Status drain_wave(std::vector<std::unique_ptr<LiveNode>>& wave, const FleetSetup& s) {
  auto last_change = Clock::now();
  std::uint64_t last_acked = 0;
  for (;;) {
    std::uint64_t acked = 0, pending = 0, refused = 0;
    for (auto& n : wave) {
      feed(*n);
      const std::uint64_t a = n->stats.pubacks.load();
      acked += a;
      pending += a < n->target ? n->target - a : 0;
      refused += n->stats.refused.load();
    }
    if (refused > 0)
      return make_error(ErrorCode::kIo,
                        "--mqtt: " + broker_names(s) + " refused " + std::to_string(refused) +
                            " message(s): a user may write only citysafesense/+/<user> "
                            "(deploy/mosquitto/acl); see docs/hotspots.md, \"Through MQTT\"");
    if (pending == 0) return Ok{};
    if (acked != last_acked) {
      last_acked = acked;
      last_change = Clock::now();
    } else if (Clock::now() - last_change > std::chrono::duration<double>(s.timeout_s)) {
      return make_error(ErrorCode::kIo, "--mqtt: no PUBACK from " + broker_names(s) + " for " +
                                            std::to_string(static_cast<int>(s.timeout_s)) + " s (" +
                                            std::to_string(pending) +
                                            " messages unacknowledged, kept in the spool)");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

struct FleetResult {
  std::size_t nodes = 0, events = 0, flows = 0;
  double seconds = 0.0;  // wall clock of the publishing
};

std::map<std::string, NodeWork> work_by_node(const geo::SimCity& sim) {
  std::map<std::string, NodeWork> work;
  for (const auto& e : sim.events) work[e.device].events.push_back(&e);
  for (const auto& f : sim.flows) work[f.device].flows.push_back(&f);
  return work;
}

// Waves of `parallel` nodes, each a Publisher with its own spool under spool_root.
Result<FleetResult> publish_fleet(const std::map<std::string, NodeWork>& work,
                                  const FleetSetup& s) {
  FleetResult out;
  node::Log log(false, false);
  auto it = work.begin();
  while (it != work.end()) {
    std::vector<std::unique_ptr<LiveNode>> wave;
    for (; it != work.end() && wave.size() < static_cast<std::size_t>(s.parallel); ++it) {
      auto n = start_node(s, it->first, it->second, log);
      if (!n) return n.error();
      wave.push_back(std::move(*n));
    }
    const Status st = drain_wave(wave, s);
    for (auto& n : wave) n->pub->stop(st ? 2000 : 0);
    if (!st) return st.error();
    for (const auto& n : wave) {
      ++out.nodes;
      out.events += n->work->events.size();
      out.flows += n->work->flows.size();
    }
  }
  return out;
}

// The spool root: --spool, or a fresh folder under $TMPDIR removed after a complete run.
Status prepare_spool(FleetSetup& s) {
  std::error_code ec;
  if (s.spool_root.empty()) {
    s.temp_spool = true;
    s.spool_root = std::filesystem::temp_directory_path(ec) /
                   ("citysafe-simulate-city-" + std::to_string(::getpid()));
    std::filesystem::remove_all(s.spool_root, ec);
  }
  std::filesystem::create_directories(s.spool_root, ec);
  if (ec)
    return make_error(ErrorCode::kIo,
                      "--spool: cannot create '" + s.spool_root.string() + "': " + ec.message());
  return Ok{};
}

Result<FleetResult> run_mqtt(const geo::SimCity& sim, FleetSetup& s) {
  const auto work = work_by_node(sim);
  if (work.empty()) return FleetResult{};
  if (auto st = probe_broker(s, work.begin()->first); !st) return st.error();
  if (auto st = prepare_spool(s); !st) return st.error();
  const auto t0 = Clock::now();
  auto r = publish_fleet(work, s);
  if (r) r->seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  std::error_code ec;
  if (r && s.temp_spool) std::filesystem::remove_all(s.spool_root, ec);
  if (!r)
    return make_error(r.error().code,
                      r.error().message + " (spools: " + s.spool_root.string() + ")");
  return r;
}

int run_simulate(SimOptions& o) {
  if (o.out.empty() && o.db.empty() && o.mqtt.brokers.empty())
    return report(make_error(ErrorCode::kInvalidArgument,
                             "give --out FILE, --db URL, --mqtt HOST:PORT or several"));
  std::optional<FleetSetup> fleet;
  if (!o.mqtt.brokers.empty()) {
    auto f = fleet_setup(o.mqtt);
    if (!f) return report(f.error());
    fleet = std::move(*f);
  } else if (!o.mqtt.tls_cert.empty() || !o.mqtt.username.empty() ||
             !o.mqtt.password_file.empty() || !o.mqtt.spool.empty()) {
    return report(make_error(ErrorCode::kInvalidArgument,
                             "--tls-cert, --username, --password-file and --spool go with --mqtt"));
  }
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
    auto t = time_flag("--start", o.start, *city);
    if (!t) return report(t.error());
    o.sim.start = *t;
  }
  if (!o.incident.empty()) {
    auto inc = parse_incident(o.incident, *city);
    if (!inc) return report(inc.error());
    o.sim.incident = *inc;
  }
  o.sim.flows = !o.flows_out.empty() || db != nullptr || fleet.has_value();
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
    for (const auto& f : sim->flows) flows += flow_json(f) + "\n";
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
  std::optional<FleetResult> published;
  if (fleet) {
    auto r = run_mqtt(*sim, *fleet);
    if (!r) return report(r.error());
    published = *r;
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
  if (published)
    std::cout << "; MQTT " << broker_names(*fleet) << ": " << published->events << " events and "
              << published->flows << " flow summaries acknowledged (PUBACK) from "
              << published->nodes << " nodes in " << std::fixed << std::setprecision(1)
              << published->seconds << " s";
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
      "--positions-out nodes.csv\n"
      "Through the real edge -> MQTT -> ingest path (each node publishes with the edge node's\n"
      "spool + QoS 1 publisher as user sim-node-NNNN unless --username; a running `citysafe\n"
      "ingest` stores the events; the ACL rules are in docs/hotspots.md, \"Through MQTT\"):\n"
      "         citysafe simulate-city --devices 20 --days 2 --hotspots 2 --seed 7 \\\n"
      "           --mqtt localhost:8883 --tls-cert certs/ca.pem --password-file sim.pw");
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
  cmd->add_option("--out", o->out, "Events, JSON lines (needed unless --db or --mqtt is given)");
  cmd->add_option("--db", o->db,
                  "Also append events and flow summaries to a store (created if absent): "
                  "sqlite:///abs/path.db, path.db, postgresql://…");
  cmd->add_option("--flows-out", o->flows_out,
                  "Flow summaries, JSON lines (node flow JSON + lat/lon)");
  cmd->add_option("--mqtt", o->mqtt.brokers,
                  "Publish every node's events and flow summaries to this broker (HOST:PORT[,…] "
                  "failover list), MQTT v5 over TLS, QoS 1, as fast as PUBACKs come; events keep "
                  "their simulated timestamps");
  cmd->add_option("--tls-cert", o->mqtt.tls_cert, "With --mqtt: CA file (PEM) of the broker");
  cmd->add_option("--username", o->mqtt.username,
                  "With --mqtt: one MQTT user for every node (default: each node connects as its "
                  "device id, which the production ACL needs)");
  cmd->add_option("--password-file", o->mqtt.password_file,
                  "With --mqtt: file whose first line is the password of every node");
  cmd->add_option("--spool", o->mqtt.spool,
                  "With --mqtt: spool folder, one sub-folder per node (default: a temporary "
                  "folder, removed after a complete run)");
  cmd->add_option("--mqtt-nodes", o->mqtt.parallel, "With --mqtt: nodes connected at once, 1–256")
      ->capture_default_str();
  cmd->add_option("--mqtt-timeout", o->mqtt.timeout_s,
                  "With --mqtt: fail when no PUBACK came for this long, s")
      ->capture_default_str();
  cmd->add_option("--truth-out", o->truth_out,
                  "Planted hotspots and node positions, JSON (for evaluation only)");
  cmd->add_option("--positions-out", o->positions_out,
                  "Node positions, CSV device,lat,lon (for `citysafe flows --device-positions`)");
  cmd->callback([o, &run] { run = [o] { return run_simulate(*o); }; });
}

}  // namespace css::cli

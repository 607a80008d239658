// citysafe edge: run an edge node (docs/edge.md). Frames from the live simulator, a replayed
// dataset or CSV on stdin go through the pipeline (features → int8 streaming engine →
// detector); events (location coarsened on the node), flow summaries and telemetry are
// journaled in the spool and published over MQTT/TLS with QoS 1. Settings: edge.* and
// detector.* (TOML --config, --set, and the flags below), listed by `citysafe config`.
// SIGINT/SIGTERM stop cleanly (flush, disconnect, exit 0); SIGHUP reloads the model.
#include <CLI/CLI.hpp>
#include <array>
#include <atomic>
#include <csignal>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli_support.hpp"
#include "css/core/config.hpp"
#include "css/core/settings.hpp"
#include "css/edge/settings.hpp"
#include "css/node/env_sensors.hpp"
#include "css/node/hardware_source.hpp"
#include "css/node/health_link.hpp"
#include "css/node/runtime.hpp"
#include "css/node/settings.hpp"

namespace css::cli {
namespace {

constexpr std::array kAliases = {
    FlagAlias{"--model", "edge.model"},
    FlagAlias{"--public-key", "edge.model_public_key"},
    FlagAlias{"--mqtt", "edge.mqtt"},
    FlagAlias{"--tls-cert", "edge.tls_cert"},
    FlagAlias{"--client-cert", "edge.client_cert"},
    FlagAlias{"--client-key", "edge.client_key"},
    FlagAlias{"--username", "edge.username"},
    FlagAlias{"--password-file", "edge.password_file"},
    FlagAlias{"--topic", "edge.topic"},
    FlagAlias{"--device-id", "edge.device_id"},
    FlagAlias{"--spool", "edge.spool"},
    FlagAlias{"--spool-mirror", "edge.spool_mirror"},
    FlagAlias{"--location-precision-m", "edge.location_precision_m"},
    FlagAlias{"--source", "edge.source"},
    FlagAlias{"--imu-driver", "edge.imu_driver"},
    FlagAlias{"--gnss", "edge.gnss"},
    FlagAlias{"--env-sensors", "edge.env_sensors"},
    FlagAlias{"--scenario", "edge.sim_scenario"},
    FlagAlias{"--seed", "edge.sim_seed"},
};

struct EdgeOptions {
  std::string config_file;
  std::vector<std::string> sets;
  std::array<std::optional<std::string>, kAliases.size()> alias_values;
  bool require_signature = false;
  bool fast = false;
  double duration_s = 0.0;
  bool verbose = false;
  bool log_json = false;
  std::string health;  // HOST:PORT of /health and /metrics; empty = no endpoint
};

Result<node::EdgeRun> collect(const EdgeOptions& o) {
  const std::array tables = {
      SettingsTable{"edge", "src/node/settings.cpp", "`citysafe edge`", node::edge_settings()},
      SettingsTable{"detector", "src/edge/settings.cpp", "`citysafe edge`",
                    edge::detector_settings()}};
  Config cfg(concat_settings(tables));
  if (!o.config_file.empty())
    if (auto st = cfg.load_toml_file(o.config_file); !st) return st.error();
  for (const auto& s : o.sets)
    if (auto st = cfg.set_assignment(s); !st) return st.error();
  if (auto st = apply_aliases(cfg, kAliases, o.alias_values); !st) return st.error();
  if (o.require_signature)
    if (auto st = cfg.set_assignment("edge.require_signature=true"); !st) return st.error();
  return node::edge_run_from(cfg);
}

int run_edge(const EdgeOptions& o) {
  auto run = collect(o);
  if (!run) return report(run.error());
  if (!(o.duration_s >= 0.0))
    return report(make_error(ErrorCode::kInvalidArgument, "--duration: must be >= 0"));
  run->sim.fast = o.fast;
  run->sim.duration_s = o.duration_s;
  auto source = node::is_hardware_source(run->source)
                    ? node::make_hardware_source(run->hardware, !o.fast)
                    : node::make_source(run->source, run->sim);
  if (!source) return report(source.error());
  auto limited = node::limit_duration(std::move(*source), o.duration_s);
  std::unique_ptr<node::EnvRig> env;
  if (run->node.telemetry && !run->env_sensors.empty()) {
    auto rig = node::EnvRig::open(run->env_sensors, node::linux_i2c_opener());
    if (!rig) return report(rig.error());
    env = std::move(*rig);
    run->node.env_sensors = env->sensors();
  }
  node::Log log(o.verbose, o.log_json);
  node::RuntimeStats stats;
  std::unique_ptr<node::HealthLink> health;
  if (!o.health.empty()) {
    auto link = node::HealthLink::start(o.health, stats, run->node.publisher.spool_dir,
                                        run->node.model_path.filename().string());
    if (!link) return report(link.error());
    health = std::move(*link);
    log.health("Serving http://" + o.health.substr(0, o.health.rfind(':')) + ":" +
               std::to_string(health->port()) + "/health");
  }
  const SignalFlags flags = install_signal_flags();
  const Status st = node::run_node(run->node, *limited, log, stats, flags.stop, flags.reload);
  // A node refused at start (a bad model, an unusable spool) ends on its one error line.
  if (st || stats.samples.load() > 0)
    log.mqtt("Stopped: " + std::to_string(stats.samples.load()) + " samples, " +
             std::to_string(stats.events.load()) + " events, " +
             std::to_string(stats.publishes.load()) + " publishes, " +
             std::to_string(stats.pubacks.load()) + " pubacks, " +
             std::to_string(stats.spool_depth.load()) + " pending in the spool");
  if (!st) return report(st.error());
  return kExitOk;
}

}  // namespace

void add_edge(CLI::App& root, Runner& run) {
  auto o = std::make_shared<EdgeOptions>();
  auto* cmd = root.add_subcommand(
      "edge",
      "Run an edge node: frames (simulator, replay, stdin) → pipeline → events, flows and\n"
      "telemetry → spool → MQTT over TLS (QoS 1). SIGINT/SIGTERM stop, SIGHUP reloads the model.\n"
      "Example: citysafe edge --model models/default.csm --mqtt broker.local:8883 \\\n"
      "  --tls-cert certs/ca.pem --topic citysafesense/events --device-id pi4-edge-001\n"
      "Real environment station (one-minute telemetry; default sim):\n"
      "  --env-sensors sht31:/dev/i2c-1,pms7003:/dev/ttyUSB0,pir:/dev/gpiochip0@17");
  for (std::size_t i = 0; i < kAliases.size(); ++i)
    cmd->add_option(kAliases[i].flag, o->alias_values[i],
                    std::string("Sets ") + kAliases[i].setting + " (see `citysafe config`)");
  cmd->add_flag("--require-signature", o->require_signature,
                "Refuse to start (exit 2) unless MODEL.sig verifies against --public-key (Ed25519, "
                "`citysafe model sign`); SIGHUP reloads are verified too (edge.require_signature)");
  cmd->add_flag("--fast", o->fast, "Do not pace sim/replay frames to the wall clock");
  cmd->add_option("--duration", o->duration_s, "Stop after S seconds of stream time (0 = never)");
  cmd->add_option("--config", o->config_file, "TOML file of edge.* and detector.* settings");
  cmd->add_option("--set", o->sets, "NAME=VALUE of an edge.* or detector.* setting; repeatable");
  cmd->add_flag("-v,--verbose", o->verbose, "Log every processed window");
  cmd->add_flag("--log-json", o->log_json, "Log one JSON object per line");
  cmd->add_option("--health", o->health,
                  "Serve /health and /metrics on HOST:PORT (e.g. 127.0.0.1:8081; port 0 = any "
                  "free port) and ping the systemd watchdog while inference progresses "
                  "(docs/health.md)");
  cmd->callback([o, &run] { run = [o] { return run_edge(*o); }; });
}

}  // namespace css::cli

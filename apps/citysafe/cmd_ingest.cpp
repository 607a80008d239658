// citysafe ingest: the server side of the broker (docs/ingest.md). Joins the MQTT v5 shared
// subscription $share/<group>/citysafesense/{events,flows,status,telemetry}/+ with a persistent
// session (--mqtt), or consumes a RabbitMQ cluster's quorum queue over AMQP 0-9-1 (--amqp),
// validates every message, stores batches in the EventStore the --db URL names and
// acknowledges a batch only once it is committed. Refused messages go to dead letters with a
// reason. /metrics and /health on --metrics. SIGINT/SIGTERM: commit the open batch, exit 0.
// --report prints what a store holds and exits (no broker).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <array>
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
#include "css/ingest/amqp_worker.hpp"
#include "css/ingest/endpoint.hpp"
#include "css/ingest/settings.hpp"
#include "css/ingest/worker.hpp"
#include "css/mqtt/broker_address.hpp"
#include "css/store/event_store.hpp"
#include "css/store/settings.hpp"
#include "css/store/store_url.hpp"

namespace css::cli {
namespace {

constexpr std::array kAliases = {
    FlagAlias{"--mqtt", "ingest.mqtt"},
    FlagAlias{"--amqp", "ingest.amqp"},
    FlagAlias{"--amqp-queue", "ingest.amqp_queue"},
    FlagAlias{"--amqp-user", "ingest.amqp_user"},
    FlagAlias{"--amqp-password-file", "ingest.amqp_password_file"},
    FlagAlias{"--tls-cert", "ingest.tls_cert"},
    FlagAlias{"--client-cert", "ingest.client_cert"},
    FlagAlias{"--client-key", "ingest.client_key"},
    FlagAlias{"--username", "ingest.username"},
    FlagAlias{"--password-file", "ingest.password_file"},
    FlagAlias{"--db", "store.url"},
    FlagAlias{"--group", "ingest.group"},
    FlagAlias{"--client-id", "ingest.client_id"},
    FlagAlias{"--topic-root", "ingest.topic_root"},
    FlagAlias{"--max-batch", "ingest.max_batch"},
    FlagAlias{"--max-delay-ms", "ingest.max_delay_ms"},
    FlagAlias{"--session-expiry", "ingest.session_expiry_s"},
    FlagAlias{"--metrics", "ingest.metrics"},
};

struct IngestArgs {
  std::string config_file;
  std::vector<std::string> sets;
  std::array<std::optional<std::string>, kAliases.size()> alias_values;
  bool report = false;
  bool verbose = false;
};

// What the command runs with: the ingest.* settings and the store URL.
struct IngestOptions : ingest::IngestSettings {
  std::string db;
  bool verbose = false;
};

std::array<SettingsTable, 2> ingest_tables() {
  return {SettingsTable{"ingest", "src/ingest/settings.cpp", "`citysafe ingest`",
                        ingest::ingest_settings()},
          SettingsTable{"store", "src/store/settings.cpp", "`citysafe ingest`",
                        store::store_settings()}};
}

// The file, then --set, then the flags: later sources override earlier ones.
Result<IngestOptions> collect(const IngestArgs& a) {
  const auto tables = ingest_tables();
  Config cfg(concat_settings(tables));
  if (!a.config_file.empty())
    if (auto st = cfg.load_toml_file(a.config_file); !st) return st.error();
  for (const auto& s : a.sets)
    if (auto st = cfg.set_assignment(s); !st) return st.error();
  if (auto st = apply_aliases(cfg, kAliases, a.alias_values); !st) return st.error();
  IngestOptions o;
  static_cast<ingest::IngestSettings&>(o) = ingest::ingest_settings_from(cfg);
  o.db = cfg.get_string("store.url");
  o.verbose = a.verbose;
  return o;
}

std::string default_client_id(const std::string& group) {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') return "ingest-" + group;
  return "ingest-" + group + "-" + host;
}

Result<ingest::WorkerOptions> worker_options(const IngestOptions& o) {
  if (o.mqtt.empty())
    return make_error(ErrorCode::kInvalidArgument,
                      "--mqtt is required (or --amqp HOST:PORT for a RabbitMQ cluster)");
  if (o.tls_cert.empty()) return make_error(ErrorCode::kInvalidArgument, "--tls-cert is required");
  auto brokers = mqtt::parse_broker_list(o.mqtt);
  if (!brokers) return make_error(brokers.error().code, "--mqtt: " + brokers.error().message);
  auto pw = io::read_secret_line(o.password_file, "--password-file");
  if (!pw) return pw.error();
  ingest::WorkerOptions w;
  w.mqtt.client_id = o.client_id.empty() ? default_client_id(o.group) : o.client_id;
  w.mqtt.brokers = std::move(*brokers);
  w.mqtt.ca_file = o.tls_cert;
  w.mqtt.cert_file = o.client_cert;
  w.mqtt.key_file = o.client_key;
  w.mqtt.username = o.username;
  w.mqtt.password = *pw;
  w.group = o.group;
  w.topic_root = o.topic_root;
  w.max_batch = o.max_batch;
  w.max_batch_delay_ms = o.max_delay_ms;
  w.session_expiry_s = o.session_expiry_s;
  if (auto st = ingest::check_options(w); !st) return st.error();  // before any log line
  return w;
}

Result<ingest::AmqpOptions> amqp_options(const IngestOptions& o) {
  if (!o.mqtt.empty())
    return make_error(ErrorCode::kInvalidArgument,
                      "--mqtt and --amqp exclude each other: one ingest process reads one source");
  if (o.mqtt_only_set)
    return make_error(ErrorCode::kInvalidArgument,
                      "--group, --client-id and --session-expiry are MQTT settings; with --amqp, "
                      "workers share the one --amqp-queue");
  if (o.amqp_queue.empty() || o.amqp_queue.size() > 255)
    return make_error(ErrorCode::kInvalidArgument, "--amqp-queue: must be 1-255 bytes");
  auto nodes = ingest::parse_amqp_nodes(o.amqp, !o.tls_cert.empty());
  if (!nodes) return make_error(nodes.error().code, "--amqp: " + nodes.error().message);
  auto pw = io::read_secret_line(o.amqp_password_file, "--amqp-password-file");
  if (!pw) return pw.error();
  ingest::AmqpOptions a;
  a.nodes = std::move(*nodes);
  a.queue = o.amqp_queue;
  a.username = o.amqp_user;
  a.password = *pw;
  a.ca_file = o.tls_cert;
  a.cert_file = o.client_cert;
  a.key_file = o.client_key;
  a.topic_root = o.topic_root;
  a.max_batch = o.max_batch;
  a.max_batch_delay_ms = o.max_delay_ms;
  return a;
}

void log_line(const std::string& line) {
  std::fprintf(stderr, "citysafe ingest: %s\n", line.c_str());
}

int print_report(const std::string& db) {
  auto s = store::open_store(db, {.read_only = true, .migrate = false, .create = false});
  if (!s) return report(s.error());
  auto st = (*s)->stats();
  if (!st) return report(st.error());
  std::printf("store %s (%s, schema %d)\n", (*s)->url().c_str(), st->backend.c_str(),
              st->schema_version);
  std::printf(
      "  events %llu, flows %llu, telemetry %llu, devices %llu, dead letters %llu\n",
      static_cast<unsigned long long>(st->events), static_cast<unsigned long long>(st->flows),
      static_cast<unsigned long long>(st->telemetry), static_cast<unsigned long long>(st->devices),
      static_cast<unsigned long long>(st->dead_letters));
  for (const auto& [reason, n] : st->dead_letters_by_reason)
    std::printf("  dead letters %-20s %llu\n", reason.c_str(), static_cast<unsigned long long>(n));
  if (auto types = (*s)->counts({}, store::CountBy::kType); types)
    for (const auto& row : *types)
      std::printf("  events %-22s %llu\n", row.key.c_str(),
                  static_cast<unsigned long long>(row.count));
  store::EventQuery newest;
  newest.limit = 10;
  newest.newest_first = true;
  if (auto page = (*s)->events(newest); page && !page->events.empty()) {
    std::printf("  newest events:\n");
    for (const auto& e : page->events)
      std::printf("    %-16s %.3f  %-20s p=%.2f  seq %llu\n", e.device.c_str(), e.timestamp,
                  std::string(to_string(e.event)).c_str(), e.probability,
                  static_cast<unsigned long long>(e.seq));
  }
  if (auto devices = (*s)->device_statuses(); devices)
    for (const auto& d : *devices)
      std::printf("  device %-22s %s\n", d.device.c_str(), d.online ? "online" : "offline");
  return kExitOk;
}

// Runs the worker of the chosen source until SIGINT/SIGTERM.
Status consume(const IngestOptions& o, store::EventStore& db, ingest::IngestMetrics& metrics,
               const std::atomic<bool>& stop) {
  const ingest::LogFn log = o.verbose ? ingest::LogFn(log_line) : ingest::LogFn{};
  if (!o.amqp.empty()) {
    auto a = amqp_options(o);
    if (!a) return a.error();
    log_line("store " + db.url() + ", AMQP queue '" + a->queue + "'");
    ingest::AmqpWorker worker(std::move(*a), db, metrics, log);
    return worker.run(stop);
  }
  auto w = worker_options(o);
  if (!w) return w.error();
  log_line("store " + db.url() + ", group '" + o.group + "', client id '" + w->mqtt.client_id +
           "'");
  ingest::Worker worker(std::move(*w), db, metrics, log);
  return worker.run(stop);
}

int run_ingest(const IngestArgs& args) {
  auto collected = collect(args);
  if (!collected) return report(collected.error());
  const IngestOptions& o = *collected;
  if (args.report) return print_report(o.db);
  // Bad arguments are reported before the store is opened (and possibly created).
  if (!o.amqp.empty()) {
    if (auto a = amqp_options(o); !a) return report(a.error());
  } else if (auto w = worker_options(o); !w) {
    return report(w.error());
  }
  auto db = store::open_store(o.db);
  if (!db) return report(db.error());
  ingest::IngestMetrics metrics;
  std::unique_ptr<http::Server> server;
  if (!o.metrics.empty()) {
    auto started = ingest::serve_metrics(o.metrics, metrics);
    if (!started) return report(started.error());
    server = std::move(*started);
    log_line("serving /metrics and /health on port " + std::to_string(server->port()));
  }
  const SignalFlags flags = install_signal_flags();
  const Status st = consume(o, **db, metrics, flags.stop);
  log_line("stopped: received " + std::to_string(metrics.received.load()) + ", stored " +
           std::to_string(metrics.stored.load()) + ", duplicates " +
           std::to_string(metrics.duplicates.load()) + ", dead letters " +
           std::to_string(metrics.dead_letters_total()));
  if (server) server->stop();
  if (!st) return report(st.error());
  return kExitOk;
}

}  // namespace

void add_ingest(CLI::App& root, Runner& run) {
  auto o = std::make_shared<IngestArgs>();
  auto* cmd = root.add_subcommand(
      "ingest",
      "Store what edge nodes publish: MQTT v5 shared subscription (QoS 1, persistent session)\n"
      "→ strict validation → batches committed to the store before the broker gets its PUBACKs\n"
      "(docs/ingest.md). Refused messages become dead letters with a reason code.\n"
      "SIGINT/SIGTERM commit the open batch and exit 0.\n"
      "Example: citysafe ingest --mqtt broker.local:8883 --tls-cert certs/ca.pem \\\n"
      "  --username ingest --password-file /etc/citysafe/ingest.pw \\\n"
      "  --db sqlite:///var/lib/citysafe/events.db --metrics 127.0.0.1:9108\n"
      "RabbitMQ cluster (docs/scaling.md): consume one replicated quorum queue over AMQP 0-9-1,\n"
      "failing over between the nodes; edge nodes publish MQTT 3.1.1 to any node's MQTT plugin:\n"
      "  citysafe ingest --amqp mq1:5671,mq2:5671,mq3:5671 --tls-cert certs/ca.pem \\\n"
      "  --amqp-user ingest --amqp-password-file /etc/citysafe/amqp.pw --db postgresql://…\n"
      "Report: citysafe ingest --report --db sqlite://data/citysafe.db\n"
      "Settings: ingest.* and store.url (`citysafe config`), from --config FILE ([ingest],\n"
      "[store]), then --set NAME=VALUE, then the flags below, later ones winning:\n"
      "  citysafe ingest --config /etc/citysafe/ingest.toml --set ingest.max_batch=200");
  for (std::size_t i = 0; i < kAliases.size(); ++i)
    cmd->add_option(kAliases[i].flag, o->alias_values[i],
                    setting_help(ingest_tables(), kAliases[i].setting));
  cmd->add_option("--config", o->config_file, "TOML file of ingest.* and store.* settings");
  cmd->add_option("--set", o->sets, "NAME=VALUE of an ingest.* or store.* setting; repeatable");
  cmd->add_flag("--report", o->report, "Print what the --db store holds and exit");
  cmd->add_flag("-v,--verbose", o->verbose, "Log connection changes and store retries");
  cmd->callback([o, &run] { run = [o] { return run_ingest(*o); }; });
}

}  // namespace css::cli

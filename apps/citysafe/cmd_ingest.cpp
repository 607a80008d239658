// citysafe ingest: the server side of the broker (docs/ingest.md). Joins the MQTT v5 shared
// subscription $share/<group>/citysafesense/{events,flows,status,telemetry}/+ with a persistent
// session (--mqtt), or consumes a RabbitMQ cluster's quorum queue over AMQP 0-9-1 (--amqp),
// validates every message, stores batches in the EventStore the --db URL names and
// acknowledges a batch only once it is committed. Refused messages go to dead letters with a
// reason. /metrics and /health on --metrics. SIGINT/SIGTERM: commit the open batch, exit 0.
// --report prints what a store holds and exits (no broker).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "cli_support.hpp"
#include "css/core/file_io.hpp"
#include "css/ingest/amqp_worker.hpp"
#include "css/ingest/endpoint.hpp"
#include "css/ingest/worker.hpp"
#include "css/mqtt/broker_address.hpp"
#include "css/store/event_store.hpp"
#include "css/store/store_url.hpp"

namespace css::cli {
namespace {

struct IngestOptions {
  std::string mqtt, ca, client_cert, client_key, username = "ingest", password_file;
  std::string amqp, amqp_queue = std::string(ingest::kDefaultAmqpQueue), amqp_user = "ingest",
                    amqp_password_file;
  bool mqtt_only_given = false;  // --group, --client-id or --session-expiry on the command line
  std::string db = std::string(store::kDefaultStoreUrl);
  std::string group = "ingest";
  std::string client_id;
  std::string topic_root = std::string(ingest::kDefaultTopicRoot);
  std::string metrics;
  std::size_t max_batch = 1000;
  std::uint32_t max_delay_ms = 20;
  std::uint32_t session_expiry_s = 7 * 24 * 3600;
  bool report = false;
  bool verbose = false;
};

std::string default_client_id(const std::string& group) {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') return "ingest-" + group;
  return "ingest-" + group + "-" + host;
}

Result<ingest::WorkerOptions> worker_options(const IngestOptions& o) {
  if (o.mqtt.empty())
    return make_error(ErrorCode::kInvalidArgument,
                      "--mqtt is required (or --amqp HOST:PORT for a RabbitMQ cluster)");
  if (o.ca.empty()) return make_error(ErrorCode::kInvalidArgument, "--tls-cert is required");
  if (o.max_batch < 1 || o.max_batch > 65535)
    return make_error(ErrorCode::kInvalidArgument, "--max-batch: must be in [1, 65535]");
  auto brokers = mqtt::parse_broker_list(o.mqtt);
  if (!brokers) return make_error(brokers.error().code, "--mqtt: " + brokers.error().message);
  auto pw = io::read_secret_line(o.password_file, "--password-file");
  if (!pw) return pw.error();
  ingest::WorkerOptions w;
  w.mqtt.client_id = o.client_id.empty() ? default_client_id(o.group) : o.client_id;
  w.mqtt.brokers = std::move(*brokers);
  w.mqtt.ca_file = o.ca;
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
  if (o.mqtt_only_given)
    return make_error(ErrorCode::kInvalidArgument,
                      "--group, --client-id and --session-expiry are MQTT settings; with --amqp, "
                      "workers share the one --amqp-queue");
  if (o.max_batch < 1 || o.max_batch > 65535)
    return make_error(ErrorCode::kInvalidArgument, "--max-batch: must be in [1, 65535]");
  if (o.amqp_queue.empty() || o.amqp_queue.size() > 255)
    return make_error(ErrorCode::kInvalidArgument, "--amqp-queue: must be 1-255 bytes");
  auto nodes = ingest::parse_amqp_nodes(o.amqp, !o.ca.empty());
  if (!nodes) return make_error(nodes.error().code, "--amqp: " + nodes.error().message);
  auto pw = io::read_secret_line(o.amqp_password_file, "--amqp-password-file");
  if (!pw) return pw.error();
  ingest::AmqpOptions a;
  a.nodes = std::move(*nodes);
  a.queue = o.amqp_queue;
  a.username = o.amqp_user;
  a.password = *pw;
  a.ca_file = o.ca;
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

int run_ingest(const IngestOptions& o) {
  if (o.report) return print_report(o.db);
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
  auto o = std::make_shared<IngestOptions>();
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
      "Report: citysafe ingest --report --db sqlite://data/citysafe.db");
  cmd->add_option("--mqtt", o->mqtt, "Broker HOST:PORT, or a comma-separated failover list");
  cmd->add_option("--amqp", o->amqp,
                  "Instead of --mqtt: RabbitMQ nodes HOST[:PORT][,HOST[:PORT]...] in failover "
                  "order (port default: 5671 with --tls-cert, else 5672 plain AMQP)");
  cmd->add_option("--amqp-queue", o->amqp_queue,
                  "Quorum queue to declare (idempotent), bind to amq.topic for "
                  "<root>.{events,flows,status,telemetry}.* and consume; workers sharing it "
                  "split the load (default: citysafe-ingest)");
  cmd->add_option("--amqp-user", o->amqp_user, "AMQP user name (default: ingest)");
  cmd->add_option("--amqp-password-file", o->amqp_password_file,
                  "File whose first line is the AMQP password");
  cmd->add_option("--tls-cert", o->ca,
                  "PEM CA that signed the broker certificate (MQTT: required, TLS is always on; "
                  "AMQP: makes it AMQPS with peer verification)");
  cmd->add_option("--client-cert", o->client_cert, "Optional client certificate (PEM)");
  cmd->add_option("--client-key", o->client_key, "Optional client key (PEM)");
  cmd->add_option("--username", o->username, "MQTT user name (default: ingest)");
  cmd->add_option("--password-file", o->password_file, "File whose first line is the password");
  cmd->add_option("--db", o->db,
                  "Store URL: sqlite:///abs/path.db, sqlite://rel/path.db or postgresql://… "
                  "(default: sqlite://data/citysafe.db)");
  auto* group =
      cmd->add_option("--group", o->group,
                      "Shared-subscription group: workers of one group split the messages "
                      "(default: ingest)");
  auto* client_id =
      cmd->add_option("--client-id", o->client_id,
                      "MQTT client id; it names the persistent session, keep it stable across "
                      "restarts and unique per worker (default: ingest-<group>-<hostname>)");
  cmd->add_option("--topic-root", o->topic_root, "First topic level (default: citysafesense)");
  cmd->add_option("--max-batch", o->max_batch,
                  "Messages per store transaction, at most; also the AMQP prefetch (1-65535; "
                  "default: 1000)");
  cmd->add_option("--max-delay-ms", o->max_delay_ms,
                  "ms from a batch's first message to its commit, at most (default: 20)");
  auto* expiry =
      cmd->add_option("--session-expiry", o->session_expiry_s,
                      "s the broker keeps this worker's session and queues its share while it is "
                      "down (default: 604800 = 7 days)");
  cmd->add_option("--metrics", o->metrics,
                  "Serve /metrics and /health on HOST:PORT (e.g. 127.0.0.1:9108; port 0 = any)");
  cmd->add_flag("--report", o->report, "Print what the --db store holds and exit");
  cmd->add_flag("-v,--verbose", o->verbose, "Log connection changes and store retries");
  cmd->callback([o, &run, group, client_id, expiry] {
    o->mqtt_only_given = group->count() + client_id->count() + expiry->count() > 0;
    run = [o] { return run_ingest(*o); };
  });
}

}  // namespace css::cli

// Worker: one ingest process's consumer. It joins the MQTT v5 shared subscription
// $share/<group>/<root>/{events,flows,status,telemetry}/+ with a persistent session (QoS 1,
// clean_start=false, session expiry), validates each message (validate.hpp), appends each batch
// in one store transaction, and only then lets the batch's PUBACKs go (mqtt "held
// acknowledgements"): a message the broker considers delivered is already durable here.
// A crash (kill -9) loses nothing: unacknowledged messages are redelivered to the session (or
// to another worker of the group) and stored once, the repeats counted as duplicates.
//
// Threading: run() blocks the caller; the MQTT network thread only queues messages, and the
// caller's thread validates and commits. Metrics are atomics (metrics.hpp).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "css/core/result.hpp"
#include "css/ingest/metrics.hpp"
#include "css/mqtt/client.hpp"
#include "css/store/event_store.hpp"

namespace css::ingest {

struct WorkerOptions {
  mqtt::Options mqtt;  // client_id (stable across restarts: it names the session), brokers,
                       // TLS, credentials; the session and batch fields are set by the Worker
  std::string group = "ingest";
  std::string topic_root = std::string(kDefaultTopicRoot);
  std::size_t max_batch = 1000;           // messages per transaction, at most
  std::uint32_t max_batch_delay_ms = 20;  // from the first message of a batch to its commit
  std::uint32_t session_expiry_s = 7 * 24 * 3600;  // the broker keeps our queue this long
  std::uint32_t drain_timeout_ms = 2000;           // on stop: wait this long for the open batch
};

// The options run() refuses (kInvalidArgument), for a caller to check before it starts:
// max_batch outside [1, 65535]; a group or topic root that is not one topic level (empty, or
// with '/', '+', '#', a NUL or a space: "a/#" would subscribe to other topics than ours).
Status check_options(const WorkerOptions& options);

// Log lines (connection changes, store errors); may be empty.
using LogFn = std::function<void(const std::string&)>;

class Worker {
 public:
  Worker(WorkerOptions options, store::EventStore& store, IngestMetrics& metrics, LogFn log = {});
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Connects, subscribes and ingests until `stop`; then commits the open batch, lets its
  // acknowledgements go and disconnects. Errors: the broker unreachable at start (kIo), the
  // options (kInvalidArgument); a store fault is retried while running and, left at stop,
  // returned as kIo (those messages stay with the broker).
  Status run(const std::atomic<bool>& stop);

  struct State;

 private:
  std::unique_ptr<State> state_;
};

// The four subscription filters for a group and topic root.
std::array<std::string, 4> subscription_filters(std::string_view group, std::string_view root);

}  // namespace css::ingest

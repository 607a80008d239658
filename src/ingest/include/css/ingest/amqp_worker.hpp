// AmqpWorker: the ingest consumer for a RabbitMQ cluster (docs/ingest.md "AMQP source",
// docs/scaling.md "Past one broker"). Edge nodes publish MQTT 3.1.1 to any node's MQTT plugin;
// the plugin routes each message to the amq.topic exchange with the topic as routing key ('/'
// and '.' swapped). This worker consumes ONE durable quorum queue (replicated over the cluster's
// nodes) over AMQP 0-9-1: it declares the queue idempotently (x-queue-type=quorum), binds it to
// amq.topic for <root>.{events,flows,status,telemetry}.*, consumes with manual acks and a
// prefetch of max_batch, and stores each batch through the same validate -> batch -> store
// path as the MQTT Worker (worker.hpp). Only after the batch's commit does it send one
// basic.ack (multiple=true) for the batch: a message RabbitMQ considers delivered is durable
// here. A lost connection leaves the batch unacknowledged (the worker stores what it had read
// all the same); the worker fails over to the next node of `nodes` (100 ms doubling to 5 s
// between rounds), and RabbitMQ redelivers: stored once (the store's idempotent append by
// id), the repeats counted as duplicates.
//
// TLS: a non-empty ca_file makes it AMQPS (port 5671 by default) with peer and host-name
// verification; otherwise plain AMQP (5672; for loopback or a trusted network only).
// Threading: run() does everything on the caller's thread (rabbitmq-c is not thread-safe).
// No rabbitmq-c type appears here.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "css/core/result.hpp"
#include "css/ingest/metrics.hpp"
#include "css/ingest/worker.hpp"
#include "css/mqtt/broker_address.hpp"
#include "css/store/event_store.hpp"

namespace css::ingest {

inline constexpr std::uint16_t kAmqpPort = 5672;
inline constexpr std::uint16_t kAmqpsPort = 5671;
inline constexpr std::string_view kDefaultAmqpQueue = "citysafe-ingest";

struct AmqpOptions {
  std::vector<mqtt::BrokerAddress> nodes;  // required; tried in order, next one on each failure
  std::string queue = std::string(kDefaultAmqpQueue);
  std::string vhost = "/";
  std::string username = "ingest", password;
  std::string ca_file;              // non-empty: AMQPS, the CA that signed the nodes' certificates
  std::string cert_file, key_file;  // optional client certificate (both or neither)
  std::string topic_root = std::string(kDefaultTopicRoot);
  std::size_t max_batch = 1000;             // messages per transaction and the prefetch, at most
  std::uint32_t max_batch_delay_ms = 20;    // from the first message of a batch to its commit
  std::uint32_t connect_timeout_ms = 5000;  // per node: TCP (+ TLS) + login + queue setup
  std::uint16_t heartbeat_s = 10;           // a silent dead peer is noticed after ~2x this
};

// "host[:port][,host[:port]...]"; the port defaults to 5671 with TLS, 5672 without.
Result<std::vector<mqtt::BrokerAddress>> parse_amqp_nodes(std::string_view text, bool tls);

// The four binding keys for a topic root: "<root>.events.*", ... (MQTT '/' is AMQP '.').
std::array<std::string, 4> amqp_binding_keys(std::string_view root);
// The MQTT topic a routing key came from ('.' and '/' swapped back).
std::string topic_from_routing_key(std::string_view key);

class AmqpWorker {
 public:
  AmqpWorker(AmqpOptions options, store::EventStore& store, IngestMetrics& metrics, LogFn log = {});
  ~AmqpWorker();
  AmqpWorker(const AmqpWorker&) = delete;
  AmqpWorker& operator=(const AmqpWorker&) = delete;

  // Connects, declares, consumes and ingests until `stop`; then commits the open batch, acks it
  // and closes. Errors: options (kInvalidArgument), no node reachable in the first round (kIo);
  // a store fault is retried while running and, left at stop, returned as kIo (those messages
  // stay in the queue).
  Status run(const std::atomic<bool>& stop);

  struct State;

 private:
  std::unique_ptr<State> state_;
};

}  // namespace css::ingest

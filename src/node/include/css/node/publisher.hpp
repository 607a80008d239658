// Publisher: spool first, then MQTT QoS 1, on its own thread so the sensor loop never blocks
// (docs/edge.md, "What survives what").
//
//  - submit_event / submit hand a message over (a bounded queue; never blocks on the network).
//    The publisher thread gives an event its seq = spool.next_seq(), checks validate_event,
//    and appends "topic\n" + payload to the spool (the topic rides along so a restarted node
//    can replay), then publishes.
//  - On PUBACK with reason < 0x80 the record is acked in the spool; a refused PUBACK
//    (>= 0x80) is logged and the record kept (replayed on the next connection).
//  - On every (re)connect the pending records are replayed in seq order (next_batch), at
//    most max_inflight unacknowledged at a time; records already in flight are not re-sent.
//  - Status: "online" retained on citysafesense/status/<device> after each connect and
//    every heartbeat_s; the MQTT will is "offline", retained.
//  - stop(drain_ms): appends what is queued, waits up to drain_ms for the spool to empty,
//    publishes "offline" retained, disconnects. Pending records stay in the spool.
// Errors: start() fails when the spool cannot be opened or the options are invalid (the
// message names --spool / the broker); later failures are logged and counted in stats.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "css/core/event.hpp"
#include "css/core/result.hpp"
#include "css/mqtt/client.hpp"
#include "css/node/stats.hpp"
#include "css/spool/spool.hpp"

namespace css::node {

struct PublisherOptions {
  mqtt::Options mqtt;  // client_id, brokers, TLS, credentials (will and keep_trying are set here)
  std::filesystem::path spool_dir;
  spool::Options spool;
  std::string device;
  std::string events_topic;  // full topic of events, e.g. citysafesense/events/<device>
  double heartbeat_s = 30.0;
  std::size_t max_inflight = 64;
  std::size_t max_queue = 10000;  // submissions past this are dropped and logged
};

class Publisher {
 public:
  static Result<std::unique_ptr<Publisher>> start(PublisherOptions options, Log& log,
                                                  RuntimeStats& stats);
  ~Publisher();  // stop(0)
  Publisher(const Publisher&) = delete;
  Publisher& operator=(const Publisher&) = delete;

  void submit_event(Event event);  // seq is assigned on the publisher thread
  void submit(spool::Kind kind, std::string topic, std::string payload);
  void stop(std::uint32_t drain_ms);

  struct Impl;

 private:
  explicit Publisher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Topic of a kind for a device: citysafesense/<kind>/<device>.
std::string topic_for(std::string_view kind, std::string_view device);

}  // namespace css::node

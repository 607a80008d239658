// BatchCommitter (private to src/ingest): the one batch -> store path that both message sources
// share, the MQTT Worker (worker.cpp) and the AMQP worker (amqp_worker.cpp). It validates each
// message (validate.hpp), appends the batch in one store transaction (one message per
// transaction when the store refuses the batch, so a good event is never lost with a bad one),
// counts it in the metrics and retries a failing store until it takes the batch. A source
// acknowledges a batch to its broker only after commit_until_ok() returned Ok: a message the
// broker considers delivered is already durable here. Redeliveries are stored once (the
// store's idempotent append by id) and counted as duplicates.
//
// Threading: one thread calls commit_until_ok at a time; the metrics are atomics.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "css/core/result.hpp"
#include "css/ingest/metrics.hpp"
#include "css/mqtt/client.hpp"
#include "css/store/event_store.hpp"

namespace css::ingest::detail {

// A message as a source hands it over: its MQTT topic (the AMQP source turns the routing key
// back into one) and its exact payload bytes.
using Incoming = mqtt::Message;

class BatchCommitter {
 public:
  BatchCommitter(std::string topic_root, store::EventStore& store, IngestMetrics& metrics,
                 std::function<void(const std::string&)> log)
      : root_(std::move(topic_root)), store_(store), m_(metrics), log_(std::move(log)) {}

  // Stores `msgs`; on a store fault waits (100 ms doubling to 5 s) and tries again until it
  // succeeds, or returns the fault once `give_up` is set. The messages stay unacknowledged
  // meanwhile, so the broker keeps them.
  Status commit_until_ok(const std::vector<Incoming>& msgs, const std::atomic<bool>& give_up);

  struct Committed;

 private:
  Result<Committed> commit(const std::vector<Incoming>& msgs);
  Result<Committed> commit_one_by_one(const std::vector<Incoming>& msgs, double now);
  void record(const Committed& c);
  void say(const std::string& line) const {
    if (log_) log_(line);
  }

  std::string root_;
  store::EventStore& store_;
  IngestMetrics& m_;
  std::function<void(const std::string&)> log_;
};

}  // namespace css::ingest::detail

// IngestMetrics: the counters one ingest process exposes on /metrics (Prometheus text) and
// /health (docs/ingest.md, "Metrics"). Written by the worker, read by the HTTP thread: every
// member is atomic, no lock. Counters only grow; gauges are the latest value.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

#include "css/ingest/validate.hpp"

namespace css::ingest {

struct IngestMetrics {
  std::atomic<std::uint64_t> received{0};       // messages handed over by the broker
  std::atomic<std::uint64_t> stored{0};         // records newly stored (all kinds)
  std::atomic<std::uint64_t> events_stored{0};  // of which events
  std::atomic<std::uint64_t> duplicates{0};     // records whose key was already stored
  std::atomic<std::uint64_t> batches{0};        // committed transactions
  std::atomic<std::uint64_t> store_errors{0};   // failed commits (the batch is retried)
  std::array<std::atomic<std::uint64_t>, kReasonCount> dead_letters{};  // by Reason
  std::atomic<double> lag_seconds{0.0};       // newest batch: max(commit time - event time)
  std::atomic<double> lag_seconds_sum{0.0};   // sum over stored events, for a mean
  std::atomic<double> last_commit_unix{0.0};  // when the newest batch committed
  std::atomic<bool> broker_connected{false};
  std::atomic<bool> subscribed{false};  // every filter acknowledged once
  std::atomic<bool> store_ok{true};     // false after a failed commit, true after the next one

  std::uint64_t dead_letters_total() const;
};

// Prometheus text exposition format 0.0.4, names prefixed citysafe_ingest_.
std::string to_prometheus(const IngestMetrics& m);
// {"status":"ok"|"degraded","broker_connected":..,"subscribed":..,"store_ok":..,...}
std::string health_json(const IngestMetrics& m);

}  // namespace css::ingest

// Rendering of IngestMetrics (css/ingest/metrics.hpp).
#include "css/ingest/metrics.hpp"

#include <cstdio>
#include <string_view>

namespace css::ingest {
namespace {

std::string num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

void metric(std::string& out, std::string_view name, std::string_view type, std::string_view help,
            const std::string& value) {
  out += "# HELP citysafe_ingest_" + std::string(name) + " " + std::string(help) + "\n";
  out += "# TYPE citysafe_ingest_" + std::string(name) + " " + std::string(type) + "\n";
  out += "citysafe_ingest_" + std::string(name) + " " + value + "\n";
}

}  // namespace

std::uint64_t IngestMetrics::dead_letters_total() const {
  std::uint64_t n = 0;
  for (const auto& c : dead_letters) n += c.load();
  return n;
}

std::string to_prometheus(const IngestMetrics& m) {
  std::string out;
  metric(out, "received_total", "counter", "Messages delivered by the broker.",
         std::to_string(m.received.load()));
  metric(out, "stored_total", "counter", "Records newly stored (events, flows, telemetry, status).",
         std::to_string(m.stored.load()));
  metric(out, "events_stored_total", "counter", "Events newly stored.",
         std::to_string(m.events_stored.load()));
  metric(out, "duplicates_total", "counter", "Records whose key was already stored (redeliveries).",
         std::to_string(m.duplicates.load()));
  metric(out, "batches_total", "counter", "Committed store transactions.",
         std::to_string(m.batches.load()));
  metric(out, "store_errors_total", "counter", "Failed commits (the batch stays unacknowledged).",
         std::to_string(m.store_errors.load()));
  out += "# HELP citysafe_ingest_dead_letters_total Messages refused, by reason.\n";
  out += "# TYPE citysafe_ingest_dead_letters_total counter\n";
  for (std::size_t i = 0; i < kReasonCount; ++i) {
    out += "citysafe_ingest_dead_letters_total{reason=\"" +
           std::string(reason_code(static_cast<Reason>(i))) + "\"} " +
           std::to_string(m.dead_letters[i].load()) + "\n";
  }
  metric(out, "lag_seconds", "gauge", "Newest batch: max seconds from event timestamp to commit.",
         num(m.lag_seconds.load()));
  metric(out, "lag_seconds_sum", "counter", "Sum of event-to-commit seconds over stored events.",
         num(m.lag_seconds_sum.load()));
  metric(out, "last_commit_timestamp_seconds", "gauge", "Unix time of the newest commit.",
         num(m.last_commit_unix.load()));
  metric(out, "broker_connected", "gauge", "1 while connected to the broker.",
         m.broker_connected.load() ? "1" : "0");
  metric(out, "store_ok", "gauge", "0 after a failed commit until the next succeeds.",
         m.store_ok.load() ? "1" : "0");
  return out;
}

std::string health_json(const IngestMetrics& m) {
  const bool ok = m.broker_connected.load() && m.subscribed.load() && m.store_ok.load();
  return std::string("{\"status\":\"") + (ok ? "ok" : "degraded") +
         "\",\"broker_connected\":" + (m.broker_connected.load() ? "true" : "false") +
         ",\"subscribed\":" + (m.subscribed.load() ? "true" : "false") +
         ",\"store_ok\":" + (m.store_ok.load() ? "true" : "false") +
         ",\"received\":" + std::to_string(m.received.load()) +
         ",\"stored\":" + std::to_string(m.stored.load()) +
         ",\"duplicates\":" + std::to_string(m.duplicates.load()) +
         ",\"dead_letters\":" + std::to_string(m.dead_letters_total()) +
         ",\"lag_seconds\":" + num(m.lag_seconds.load()) + "}";
}

}  // namespace css::ingest

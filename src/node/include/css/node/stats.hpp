// RuntimeStats: the edge runtime's counters, for logs and the HTTP /health endpoint.
// Every field is an atomic: the sensor loop and the publisher thread write, anyone reads.
// Log: the runtime's log lines on stderr, quiet by default (docs/edge.md, "Logs"):
//   info (only with verbose):  "[INFO] Window processed — anomaly_prob=0.87"
//   always:                    "[MQTT] Published event to citysafesense/events/<id> (seq N)"
//   warn:                      "[WARN] ..."
// json = true writes one JSON object per line instead: {"level":..,"tag":..,"msg":..}.
// Thread-safe (one mutex around each line).
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

namespace css::node {

struct RuntimeStats {
  std::atomic<std::uint64_t> samples{0};
  std::atomic<std::uint64_t> windows{0};
  std::atomic<std::uint64_t> events{0};     // events built (before the spool)
  std::atomic<std::uint64_t> flows{0};      // flow summaries built
  std::atomic<std::uint64_t> telemetry{0};  // telemetry windows built
  std::atomic<std::uint64_t> publishes{0};  // PUBLISH handed to the client (incl. replays)
  std::atomic<std::uint64_t> pubacks{0};    // PUBACK with reason < 0x80 (spool record acked)
  std::atomic<std::uint64_t> refused{0};    // PUBACK with reason >= 0x80 (kept in the spool)
  std::atomic<std::uint64_t> spool_depth{0};
  std::atomic<std::uint64_t> spool_bytes{0};  // segment files of the primary spool on disk
  std::atomic<std::uint64_t> spool_drops{0};  // records dropped by the bounds policy (caps)
  std::atomic<std::uint64_t> spool_errors{0};
  std::atomic<bool> broker_connected{false};
  std::atomic<double> last_inference_unix_s{0.0};  // wall clock of the last model output
  std::atomic<std::uint64_t> model_reloads{0};
};

class Log {
 public:
  Log(bool verbose, bool json) : verbose_(verbose), json_(json) {}
  bool verbose() const { return verbose_; }
  void info(std::string_view msg) {
    if (verbose_) line("info", "INFO", msg);
  }
  void mqtt(std::string_view msg) { line("info", "MQTT", msg); }
  void health(std::string_view msg) { line("info", "HEALTH", msg); }
  void event(std::string_view msg) { line("info", "EVENT", msg); }
  void warn(std::string_view msg) { line("warn", "WARN", msg); }

 private:
  void line(std::string_view level, std::string_view tag, std::string_view msg);
  bool verbose_, json_;
  std::mutex mu_;
};

}  // namespace css::node

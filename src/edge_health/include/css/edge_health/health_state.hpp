// HealthState: what the edge runtime tells the health endpoint. Every setter is thread-safe
// (counters are atomics; the model name and the spool figures sit under a mutex) and cheap,
// so the pipeline threads call them on their hot path. snapshot() reads everything at once.
//
// Contract (units in names; times are steady_clock so a wall-clock jump changes nothing):
//  - status: "failing" if the last inference (or start, if none yet) is older than
//    failing_after_s; else "degraded" if the broker is disconnected or the spool holds more
//    than degraded_spool_depth records (events waiting: the uplink is not keeping up);
//    else "ok".
//  - Counters only grow; gauges are the last value set.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace css::edge_health {

using Clock = std::chrono::steady_clock;

struct HealthOptions {
  double failing_after_s = 60.0;
  std::uint64_t degraded_spool_depth = 1000;
};

enum class HealthStatus { kOk, kDegraded, kFailing };
const char* to_string(HealthStatus s);

struct Counters {
  std::uint64_t samples = 0, windows = 0, events = 0, publishes = 0, pubacks = 0, spool_drops = 0,
                reconnects = 0;
};

struct HealthSnapshot {
  HealthStatus status = HealthStatus::kOk;
  double uptime_s = 0;
  double last_inference_age_s = -1;  // -1: no inference yet
  bool broker_connected = false;
  std::uint64_t spool_depth = 0, spool_bytes = 0;
  std::string model;
  Counters counters;
};

class HealthState {
 public:
  explicit HealthState(HealthOptions options = {}, Clock::time_point start = Clock::now());

  void add_samples(std::uint64_t n) { samples_ += n; }
  void add_events(std::uint64_t n) { events_ += n; }
  void add_publishes(std::uint64_t n) { publishes_ += n; }
  void add_pubacks(std::uint64_t n) { pubacks_ += n; }
  void add_spool_drops(std::uint64_t n) { spool_drops_ += n; }
  void add_reconnects(std::uint64_t n) { reconnects_ += n; }
  // One window inferred: counts it and resets the inference age.
  void mark_inference(Clock::time_point at = Clock::now());
  void set_broker_connected(bool connected) { broker_connected_ = connected; }
  void set_spool(std::uint64_t depth_records, std::uint64_t bytes);
  void set_model(std::string name);

  HealthSnapshot snapshot(Clock::time_point now = Clock::now()) const;

 private:
  HealthOptions options_;
  Clock::time_point start_;
  std::atomic<std::uint64_t> samples_{0}, windows_{0}, events_{0}, publishes_{0}, pubacks_{0},
      spool_drops_{0}, reconnects_{0};
  std::atomic<bool> broker_connected_{false};
  std::atomic<Clock::rep> last_inference_{0};  // ticks since start_ + 1; 0 = never
  mutable std::mutex mu_;
  std::uint64_t spool_depth_ = 0, spool_bytes_ = 0;
  std::string model_;
};

}  // namespace css::edge_health

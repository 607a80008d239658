#include "css/edge_health/health_state.hpp"

namespace css::edge_health {

const char* to_string(HealthStatus s) {
  switch (s) {
    case HealthStatus::kOk:
      return "ok";
    case HealthStatus::kDegraded:
      return "degraded";
    case HealthStatus::kFailing:
      return "failing";
  }
  return "failing";
}

HealthState::HealthState(HealthOptions options, Clock::time_point start)
    : options_(options), start_(start) {}

void HealthState::mark_inference(Clock::time_point at) {
  ++windows_;
  last_inference_ = (at - start_).count() + 1;
}

void HealthState::set_spool(std::uint64_t depth_records, std::uint64_t bytes) {
  std::lock_guard lock(mu_);
  spool_depth_ = depth_records;
  spool_bytes_ = bytes;
}

void HealthState::set_model(std::string name) {
  std::lock_guard lock(mu_);
  model_ = std::move(name);
}

HealthSnapshot HealthState::snapshot(Clock::time_point now) const {
  using Seconds = std::chrono::duration<double>;
  HealthSnapshot s;
  s.uptime_s = Seconds(now - start_).count();
  const Clock::rep last = last_inference_.load();
  const Clock::time_point reference = last == 0 ? start_ : start_ + Clock::duration(last - 1);
  const double idle_s = Seconds(now - reference).count();
  s.last_inference_age_s = last == 0 ? -1 : idle_s;
  s.broker_connected = broker_connected_.load();
  {
    std::lock_guard lock(mu_);
    s.spool_depth = spool_depth_;
    s.spool_bytes = spool_bytes_;
    s.model = model_;
  }
  s.counters = {samples_.load(), windows_.load(),     events_.load(),    publishes_.load(),
                pubacks_.load(), spool_drops_.load(), reconnects_.load()};
  if (idle_s > options_.failing_after_s)
    s.status = HealthStatus::kFailing;
  else if (!s.broker_connected || s.spool_depth > options_.degraded_spool_depth)
    s.status = HealthStatus::kDegraded;
  return s;
}

}  // namespace css::edge_health

#include "css/sensors/telemetry.hpp"

#include <algorithm>
#include <cmath>

namespace css::sensors {

TelemetryAggregator::TelemetryAggregator(std::string device, double period_s)
    : device_(std::move(device)), period_s_(period_s > 0.0 ? period_s : 60.0) {}

std::optional<TelemetryWindow> TelemetryAggregator::roll(double t_s) {
  const double start = std::floor(t_s / period_s_) * period_s_;
  if (open_ && start == start_s_) return std::nullopt;
  std::optional<TelemetryWindow> done = flush();
  open_ = true;
  start_s_ = start;
  return done;
}

std::optional<TelemetryWindow> TelemetryAggregator::add(double t_s, const EnvReadings& r) {
  if (!std::isfinite(t_s) || (open_ && t_s < start_s_)) {
    ++late_;
    return std::nullopt;
  }
  std::optional<TelemetryWindow> done = roll(t_s);
  for (std::size_t q = 0; q < kQuantityCount; ++q) {
    const double v = r.value[q];
    if (!std::isfinite(v)) continue;
    Acc& a = acc_[q];
    a.min = a.n == 0 ? v : std::min(a.min, v);
    a.max = a.n == 0 ? v : std::max(a.max, v);
    a.sum += v;
    ++a.n;
  }
  return done;
}

std::optional<TelemetryWindow> TelemetryAggregator::add_error(double t_s, std::string_view sensor) {
  if (!std::isfinite(t_s) || (open_ && t_s < start_s_)) {
    ++late_;
    return std::nullopt;
  }
  std::optional<TelemetryWindow> done = roll(t_s);
  ++errors_[std::string(sensor)];
  return done;
}

std::optional<TelemetryWindow> TelemetryAggregator::flush() {
  if (!open_) return std::nullopt;
  open_ = false;
  TelemetryWindow w;
  w.device = device_;
  w.start_s = start_s_;
  w.period_s = period_s_;
  bool any = !errors_.empty();
  for (std::size_t q = 0; q < kQuantityCount; ++q) {
    const Acc& a = acc_[q];
    if (a.n > 0) w.stats[q] = QuantityStats{a.n, a.sum / a.n, a.min, a.max};
    any = any || a.n > 0;
  }
  w.errors = std::move(errors_);
  errors_.clear();
  acc_.fill(Acc{});
  if (!any) return std::nullopt;
  return w;
}

std::optional<TelemetryWindow> EnvStation::poll(double t_s) {
  std::optional<TelemetryWindow> done;
  for (EnvSensor* s : sensors_) {
    auto r = s->sample(t_s);
    auto closed = r.ok() ? aggregator_.add(t_s, *r) : aggregator_.add_error(t_s, s->name());
    if (closed) done = std::move(closed);
  }
  return done;
}

}  // namespace css::sensors

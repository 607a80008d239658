// Flow aggregation (flows.hpp; docs/event-schema.md, "Flows"). The codec is in core
// (src/core/flow_json.cpp).
#include "css/node/flows.hpp"

#include <cmath>
#include <numbers>

namespace css::node {
FlowAggregator::FlowAggregator(std::string device, double stream_start_unix_s, double period_s)
    : device_(std::move(device)), start_unix_(stream_start_unix_s), period_(period_s) {}

std::optional<FlowSummary> FlowAggregator::add_second(const Second& s) {
  const double unix_t = start_unix_ + s.t_s;
  const auto w = static_cast<std::int64_t>(std::floor(unix_t / period_));
  std::optional<FlowSummary> done;
  if (window_ && w < *window_) return std::nullopt;  // late: time never goes back here
  if (window_ && w > *window_) done = flush();
  if (!window_) {
    window_ = w;
    open_ = FlowSummary{};
    open_.device = device_;
    open_.start = static_cast<double>(w) * period_;
    open_.period = period_;
    sum_e_ = sum_n_ = 0.0;
  }
  any_ = true;
  if (s.movement)
    ++open_.seconds[static_cast<std::size_t>(*s.movement)];
  else
    ++open_.unclassified;
  if (s.speed_course) {
    const double rad = s.speed_course->second * std::numbers::pi / 180.0;
    sum_e_ += s.speed_course->first * std::sin(rad);
    sum_n_ += s.speed_course->first * std::cos(rad);
    ++open_.velocity_seconds;
  }
  return done;
}

std::optional<FlowSummary> FlowAggregator::flush() {
  if (!window_ || !any_) return std::nullopt;
  FlowSummary out = open_;
  if (out.velocity_seconds > 0) {
    out.velocity_east = sum_e_ / out.velocity_seconds;
    out.velocity_north = sum_n_ / out.velocity_seconds;
  }
  window_.reset();
  any_ = false;
  return out;
}

}  // namespace css::node

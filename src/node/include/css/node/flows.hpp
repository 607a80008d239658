// Flow aggregation: what moved past a node per period (default 60 s of stream time), as
// aggregates only — no individual trace (docs/event-schema.md, "Flows"; topic
// citysafesense/flows/<device>).
//
// FlowAggregator::add_second is called once per second of stream time with the pipeline's
// movement class at that second (argmax of its class probabilities; nullopt while the model
// has not seen a window) and the GNSS speed/course of that second's last frame (when fixed).
// Velocity: east = speed · sin(course), north = speed · cos(course), course clockwise from
// north (NMEA RMC convention), in m/s; the summary carries the mean over fixed seconds.
// Windows are aligned to multiples of period_s of the stream clock; a window is returned when
// a second falls into a later one; flush() closes the open one. Not thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "css/core/flow.hpp"
#include "css/core/label.hpp"
#include "css/core/result.hpp"

namespace css::node {

// The summary and its codec live in core (css/core/flow.hpp) so the server reads flows
// without the node runtime; these names keep node's callers unchanged.
using FlowSummary = css::FlowSummary;
using css::flow_from_json;
using css::kMaxFlowJsonBytes;
using css::to_json;
using css::validate_flow;

class FlowAggregator {
 public:
  // stream_start_unix_s: Unix time of stream t = 0.
  FlowAggregator(std::string device, double stream_start_unix_s, double period_s = 60.0);
  struct Second {
    double t_s = 0.0;  // stream time
    std::optional<Label> movement;
    std::optional<std::pair<double, double>> speed_course;  // m/s, deg
  };
  std::optional<FlowSummary> add_second(const Second& second);
  std::optional<FlowSummary> flush();

 private:
  std::string device_;
  double start_unix_, period_;
  std::optional<std::int64_t> window_;
  FlowSummary open_;
  double sum_e_ = 0.0, sum_n_ = 0.0;
  bool any_ = false;
};

}  // namespace css::node

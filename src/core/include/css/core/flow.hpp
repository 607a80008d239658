// FlowSummary: what moved past a node per period (default 60 s of stream time), as aggregates
// only — no individual trace (docs/event-schema.md, "Flows"; topic citysafesense/flows/<device>).
// The node builds them (css::node::FlowAggregator); the server stores them (css::store). The
// codec is strict like the event codec: errors name the field; total on any bytes.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "css/core/label.hpp"
#include "css/core/result.hpp"

namespace css {

struct FlowSummary {
  int schema = 1;
  std::string device;
  double start = 0.0;                                // Unix s of the window start
  double period = 60.0;                              // s
  std::array<std::uint32_t, kLabelCount> seconds{};  // per movement class, seconds in class
  std::uint32_t unclassified = 0;                    // seconds before the model had a window
  std::uint32_t velocity_seconds = 0;  // seconds with a GNSS fix (the mean's sample count)
  double velocity_east = 0.0, velocity_north = 0.0;  // m/s, mean over those seconds

  friend bool operator==(const FlowSummary&, const FlowSummary&) = default;
};

inline constexpr std::size_t kMaxFlowJsonBytes = 4096;

Status validate_flow(const FlowSummary& flow);
std::string to_json(const FlowSummary& flow);
// Strict decode (types, ranges, duplicate keys rejected, unknown keys ignored); errors name
// the field. Total on any bytes.
Result<FlowSummary> flow_from_json(std::string_view json);

}  // namespace css

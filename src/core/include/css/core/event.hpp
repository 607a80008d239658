// Event: what an edge node publishes when it detects a risky movement
// (DESIGN §3). The JSON form is the MQTT payload; its codec is strict:
// every field is type- and range-checked and errors name the field.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "css/core/result.hpp"

namespace css {

enum class EventKind : std::uint8_t {
  kSuddenDisplacement,  // snatch: free walking → sudden displacement
  kForcedDisplacement,  // forced movement: stationary → forced movement
};

std::string_view to_string(EventKind kind);
std::optional<EventKind> event_kind_from_string(std::string_view name);

struct Event {
  int schema = 1;
  std::string id;                 // UUID (RFC 4122 text form)
  std::string device;             // [A-Za-z0-9_.-]{1,64}; names hardware
  std::uint64_t seq = 0;          // per-device monotonic sequence number
  double timestamp = 0.0;         // s since Unix epoch (UTC)
  EventKind event = EventKind::kSuddenDisplacement;
  double probability = 0.0;       // [0, 1]
  std::array<double, 3> vector{};  // m/s², movement vector at detection
  std::optional<double> lat;      // deg, [-90, 90], already coarsened on the node
  std::optional<double> lon;      // deg, [-180, 180]
  std::string model;              // "sha256:<64 hex>" of the model that fired
};

// Encode to compact JSON (keys in the order of DESIGN §3).
std::string to_json(const Event& event);
// Strict decode: unknown keys are ignored, everything else is checked.
Result<Event> event_from_json(std::string_view json);

}  // namespace css

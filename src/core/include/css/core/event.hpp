// Event: what an edge node publishes when it detects a risky movement
// (docs/event-schema.md). The JSON form is the MQTT payload; its codec is strict:
// every field is type- and range-checked and errors name the field.
// The wire format, field ranges and error messages are documented in
// docs/event-schema.md; keep the two in step.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "css/core/label.hpp"
#include "css/core/result.hpp"

namespace css {

enum class EventKind : std::uint8_t {
  kSuddenDisplacement,  // snatch: free walking → sudden displacement
  kForcedDisplacement,  // forced movement: stationary → forced movement
};

std::string_view to_string(EventKind kind);
std::optional<EventKind> event_kind_from_string(std::string_view name);
// The event a risky label raises (kSnatch, kForcedMovement); nullopt for normal life.
std::optional<EventKind> event_kind_for_label(Label label);

struct Event {
  int schema = 1;
  std::string id;          // UUID (RFC 4122 text form)
  std::string device;      // [A-Za-z0-9_.-]{1,64}; names hardware
  std::uint64_t seq = 0;   // per-device monotonic sequence number
  double timestamp = 0.0;  // s since Unix epoch (UTC)
  EventKind event = EventKind::kSuddenDisplacement;
  double probability = 0.0;        // [0, 1]
  std::array<double, 3> vector{};  // m/s², movement vector at detection
  std::optional<double> lat;       // deg, [-90, 90], already coarsened on the node
  std::optional<double> lon;       // deg, [-180, 180]
  std::string model;               // "sha256:<64 hex>" of the model that fired

  friend bool operator==(const Event&, const Event&) = default;
};

// Limits of the wire format (docs/event-schema.md).
inline constexpr int kEventSchemaVersion = 1;
inline constexpr std::size_t kMaxEventJsonBytes = 4096;
inline constexpr std::size_t kMaxDeviceIdChars = 64;
inline constexpr double kMaxEventVectorMps2 = 1000.0;
// 2100-01-01T00:00:00Z: later timestamps are clock faults, not events.
inline constexpr double kMaxEventTimestampS = 4102444800.0;

// Checks every field's range and form (what decoding checks after the types).
// Edge nodes call it before publishing; errors name the field.
Status validate_event(const Event& event);

// Encode to compact JSON (keys in the order of docs/event-schema.md). Does not validate:
// call validate_event first if the event did not come from event_from_json.
// For a valid event, event_from_json(to_json(e)) == e exactly.
std::string to_json(const Event& event);
// Strict decode of at most kMaxEventJsonBytes: unknown keys are ignored (so
// newer nodes can add fields), duplicate keys are rejected, everything else
// is checked. Errors: kParse (malformed), kInvalidArgument (missing field,
// wrong type, out of range, too large), kUnsupported (schema version).
Result<Event> event_from_json(std::string_view json);

// RFC 4122 version-4 UUID text (lowercase, 8-4-4-4-12) from 16 random bytes the
// caller supplies (so tests are deterministic and core needs no RNG); sets the
// version and variant bits.
std::string make_uuid_v4(std::span<const std::uint8_t, 16> random_bytes);
// True for canonical UUID text: 8-4-4-4-12 lowercase hex digits (any version).
bool is_uuid_text(std::string_view text);

}  // namespace css

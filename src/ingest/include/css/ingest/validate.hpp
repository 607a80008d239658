// Ingest validation: what one MQTT message (topic + payload bytes, untrusted) becomes on the
// server — an event, a flow summary, a telemetry window, a device status, or a rejection with
// a reason code that lands in the dead-letter table (docs/ingest.md, "Validation").
//
// Contract: classify() is total on any bytes (never throws, never aborts; fuzzed by
// fuzz/ingest_validate_fuzz.cpp) and checks, in this order: the topic is
// <root>/{events,flows,status,telemetry}/<device> with a valid device id; the payload is at
// most kMaxIngestPayloadBytes, valid UTF-8, then the kind's strict codec (css::event_from_json,
// css::flow_from_json, telemetry_from_json, the status words); last, the device named in the
// payload equals the topic's. The first failing check names the reason.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "css/core/event.hpp"
#include "css/core/flow.hpp"
#include "css/core/result.hpp"
#include "css/store/records.hpp"

namespace css::ingest {

inline constexpr std::size_t kMaxIngestPayloadBytes = 16 * 1024;
inline constexpr std::string_view kDefaultTopicRoot = "citysafesense";

enum class TopicKind : std::uint8_t { kEvents, kFlows, kStatus, kTelemetry };
inline constexpr std::array<std::string_view, 4> kTopicKindNames = {"events", "flows", "status",
                                                                    "telemetry"};

// Why a message was refused; the names are the dead letters' reason_code.
enum class Reason : std::uint8_t {
  kUnknownTopic,       // not <root>/<kind>/<device>, unknown kind or bad device id
  kPayloadTooLarge,    // over 16 KiB, or over the kind's own codec limit (4 KiB for events)
  kInvalidUtf8,        // not well-formed UTF-8 (overlong, surrogate, truncated, > U+10FFFF)
  kInvalidJson,        // not JSON, or not a JSON object
  kUnknownEventType,   // an event whose "event" names no EventKind
  kOutOfRange,         // a number outside its documented range
  kInvalidField,       // missing field, wrong type, bad id or device form, duplicate key
  kUnsupportedSchema,  // a schema version this build does not read
  kInvalidStatus,      // a status payload other than "online" / "offline"
  kDeviceMismatch,     // the payload's device differs from the topic's
  kStoreRejected,      // the store's own check refused a record we accepted (a bug guard)
};
inline constexpr std::size_t kReasonCount = 11;
std::string_view reason_code(Reason reason);

struct Rejection {
  Reason reason = Reason::kUnknownTopic;
  std::string detail;  // one line naming what is wrong
};

using Verdict =
    std::variant<Event, FlowSummary, store::TelemetryRecord, store::DeviceStatus, Rejection>;

struct ParsedTopic {
  TopicKind kind = TopicKind::kEvents;
  std::string device;
};
std::optional<ParsedTopic> parse_topic(std::string_view topic,
                                       std::string_view root = kDefaultTopicRoot);

// True for well-formed UTF-8 (RFC 3629).
bool is_valid_utf8(std::string_view bytes);

// Strict decoder of the telemetry payload (docs/event-schema.md "Telemetry", the encoder is
// css::sensors::to_json): types, ranges, duplicate keys and min <= mean <= max checked;
// unknown keys and quantities ignored; the stored JSON keeps known quantities only.
Result<store::TelemetryRecord> telemetry_from_json(std::string_view json);

// `received_at` (Unix s) becomes a status's last_seen.
Verdict classify(std::string_view topic, std::string_view payload, double received_at,
                 std::string_view root = kDefaultTopicRoot);

// Adds a verdict to `batch`: the record, or a dead letter with its topic, payload and reason.
void add_to_batch(store::Batch& batch, Verdict verdict, std::string_view topic,
                  std::string_view payload, double received_at);
store::DeadLetter dead_letter(const Rejection& rejection, std::string_view topic,
                              std::string_view payload, double received_at);

}  // namespace css::ingest

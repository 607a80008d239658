// Topic parsing, UTF-8 and the per-kind codecs behind classify() (css/ingest/validate.hpp).
#include "css/ingest/validate.hpp"

#include <algorithm>
#include <utility>

#include "css/core/device_id.hpp"

namespace css::ingest {
namespace {

constexpr std::array<std::string_view, kReasonCount> kReasonCodes = {
    "unknown_topic",      "payload_too_large", "invalid_utf8",  "invalid_json",
    "unknown_event_type", "out_of_range",      "invalid_field", "unsupported_schema",
    "invalid_status",     "device_mismatch",   "store_rejected"};

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

// The codecs report through ErrorCode and documented messages (docs/event-schema.md, the
// table of errors); the reason code is read from both. tests/unit/ingest pins every mapping.
Reason reason_of(const Error& e) {
  const std::string_view m = e.message;
  if (e.code == ErrorCode::kUnsupported) return Reason::kUnsupportedSchema;
  if (contains(m, "duplicate")) return Reason::kInvalidField;
  if (e.code == ErrorCode::kParse) return Reason::kInvalidJson;
  if (contains(m, "unknown event kind")) return Reason::kUnknownEventType;
  if (contains(m, "bytes, over the") || contains(m, "larger than")) return Reason::kPayloadTooLarge;
  if (contains(m, "unsupported version")) return Reason::kUnsupportedSchema;
  if (contains(m, " is outside ") || contains(m, "out of range") || contains(m, "exceed") ||
      contains(m, "within ±"))
    return Reason::kOutOfRange;
  return Reason::kInvalidField;
}

Rejection reject(Reason r, std::string detail) {
  return Rejection{r, std::move(detail)};
}

Rejection mismatch(std::string_view payload_device, const ParsedTopic& t) {
  return reject(Reason::kDeviceMismatch, "payload device '" + std::string(payload_device) +
                                             "' differs from the topic's device '" + t.device +
                                             "'");
}

Verdict decode_status(std::string_view payload, const ParsedTopic& t, double received_at) {
  if (payload != "online" && payload != "offline") {
    return reject(Reason::kInvalidStatus, "status payload must be 'online' or 'offline' (got " +
                                              std::to_string(payload.size()) + " bytes)");
  }
  return store::DeviceStatus{t.device, payload == "online", received_at, std::string(payload)};
}

template <typename Record>
Verdict checked(Result<Record> r, const std::string& device, const ParsedTopic& t) {
  if (!r) return reject(reason_of(r.error()), r.error().message);
  if (device != t.device) return mismatch(device, t);
  return std::move(*r);
}

Verdict decode(std::string_view payload, const ParsedTopic& t, double received_at) {
  switch (t.kind) {
    case TopicKind::kEvents: {
      auto e = event_from_json(payload);
      const std::string device = e ? e->device : "";
      return checked(std::move(e), device, t);
    }
    case TopicKind::kFlows: {
      auto f = flow_from_json(payload);
      if (f) {
        if (auto ok = validate_flow(*f); !ok)
          return reject(reason_of(ok.error()), ok.error().message);
      }
      const std::string device = f ? f->device : "";
      return checked(std::move(f), device, t);
    }
    case TopicKind::kTelemetry: {
      auto w = telemetry_from_json(payload);
      const std::string device = w ? w->device : "";
      return checked(std::move(w), device, t);
    }
    case TopicKind::kStatus:
      return decode_status(payload, t, received_at);
  }
  return reject(Reason::kUnknownTopic, "unknown topic kind");
}

}  // namespace

std::string_view reason_code(Reason reason) {
  const auto i = static_cast<std::size_t>(reason);
  return i < kReasonCodes.size() ? kReasonCodes[i] : "unknown";
}

std::optional<ParsedTopic> parse_topic(std::string_view topic, std::string_view root) {
  if (topic.size() <= root.size() + 1 || topic.substr(0, root.size()) != root ||
      topic[root.size()] != '/')
    return std::nullopt;
  const std::string_view rest = topic.substr(root.size() + 1);
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const std::string_view kind = rest.substr(0, slash);
  const std::string_view device = rest.substr(slash + 1);
  if (!valid_device_id(device)) return std::nullopt;  // also refuses a further '/'
  for (std::size_t i = 0; i < kTopicKindNames.size(); ++i) {
    if (kind == kTopicKindNames[i])
      return ParsedTopic{static_cast<TopicKind>(i), std::string(device)};
  }
  return std::nullopt;
}

bool is_valid_utf8(std::string_view bytes) {
  std::size_t i = 0;
  const std::size_t n = bytes.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    std::uint32_t cp = 0, min = 0;
    if ((c & 0xE0) == 0xC0) {
      len = 2, cp = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3, cp = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4, cp = c & 0x07, min = 0x10000;
    } else {
      return false;
    }
    if (n - i < len) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(bytes[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

Verdict classify(std::string_view topic, std::string_view payload, double received_at,
                 std::string_view root) {
  const auto t = parse_topic(topic, root);
  if (!t) {
    return reject(Reason::kUnknownTopic, "topic is not " + std::string(root) +
                                             "/{events,flows,status,telemetry}/<device id>");
  }
  if (payload.size() > kMaxIngestPayloadBytes) {
    return reject(Reason::kPayloadTooLarge, "payload is " + std::to_string(payload.size()) +
                                                " bytes, over the 16384-byte limit");
  }
  if (!is_valid_utf8(payload)) return reject(Reason::kInvalidUtf8, "payload is not valid UTF-8");
  return decode(payload, *t, received_at);
}

store::DeadLetter dead_letter(const Rejection& r, std::string_view topic, std::string_view payload,
                              double received_at) {
  store::DeadLetter d;
  d.received_at = received_at;
  d.topic = std::string(topic.substr(0, store::kMaxTopicChars));
  d.reason_code = std::string(reason_code(r.reason));
  d.reason = r.detail.substr(0, 1024);
  std::replace(d.reason.begin(), d.reason.end(), '\n', ' ');
  d.payload = std::string(payload.substr(0, store::kMaxDeadLetterPayloadBytes));
  d.payload_size = payload.size();
  return d;
}

void add_to_batch(store::Batch& batch, Verdict verdict, std::string_view topic,
                  std::string_view payload, double received_at) {
  if (auto* e = std::get_if<Event>(&verdict)) {
    batch.events.push_back(std::move(*e));
  } else if (auto* f = std::get_if<FlowSummary>(&verdict)) {
    batch.flows.push_back(std::move(*f));
  } else if (auto* w = std::get_if<store::TelemetryRecord>(&verdict)) {
    batch.telemetry.push_back(std::move(*w));
  } else if (auto* s = std::get_if<store::DeviceStatus>(&verdict)) {
    batch.statuses.push_back(std::move(*s));
  } else {
    batch.dead_letters.push_back(
        dead_letter(std::get<Rejection>(verdict), topic, payload, received_at));
  }
}

}  // namespace css::ingest

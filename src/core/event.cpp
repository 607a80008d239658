// Event helpers and range validation; the JSON codec is in event_json.cpp so
// that only one translation unit sees nlohmann/json.
#include <cmath>
#include <string>

#include "css/core/device_id.hpp"
#include "css/core/event.hpp"
#include "text_format.hpp"

namespace css {
namespace {

using detail::format_number;
using detail::quote;

constexpr std::string_view kSuddenName = "sudden_displacement";
constexpr std::string_view kForcedName = "forced_displacement";

bool is_lower_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

bool is_device_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

Error invalid(std::string message) {
  return make_error(ErrorCode::kInvalidArgument, std::move(message));
}

// "field 'probability': 1.7 is outside [0, 1]"; NaN/inf fail the same way.
Status check_range(std::string_view field, double value, double lo, double hi) {
  if (std::isfinite(value) && value >= lo && value <= hi) return Ok{};
  return invalid("field '" + std::string(field) + "': " + format_number(value) + " is outside [" +
                 format_number(lo) + ", " + format_number(hi) + "]");
}

Status check_timestamp(double t) {
  if (std::isfinite(t) && t > 0.0 && t < kMaxEventTimestampS) return Ok{};
  return invalid("field 'timestamp': " + format_number(t) + " is outside (0, " +
                 format_number(kMaxEventTimestampS) + ") s since the Unix epoch");
}

Status check_device(const std::string& device) {
  if (valid_device_id(device)) return Ok{};
  return invalid("field 'device': " + quote(device) + " must match [A-Za-z0-9_.-]{1,64}");
}

Status check_model(const std::string& model) {
  constexpr std::string_view kPrefix = "sha256:";
  bool ok = model.size() == kPrefix.size() + 64 && model.starts_with(kPrefix);
  for (std::size_t i = kPrefix.size(); ok && i < model.size(); ++i) ok = is_lower_hex(model[i]);
  if (ok) return Ok{};
  return invalid("field 'model': " + quote(model) + " must be 'sha256:' + 64 lowercase hex digits");
}

}  // namespace

bool valid_device_id(std::string_view id) {
  if (id.empty() || id.size() > kMaxDeviceIdChars) return false;
  for (const char c : id)
    if (!is_device_char(c)) return false;
  return true;
}

std::string_view to_string(EventKind kind) {
  switch (kind) {
    case EventKind::kSuddenDisplacement:
      return kSuddenName;
    case EventKind::kForcedDisplacement:
      return kForcedName;
  }
  return "unknown";
}

std::optional<EventKind> event_kind_from_string(std::string_view name) {
  if (name == kSuddenName) return EventKind::kSuddenDisplacement;
  if (name == kForcedName) return EventKind::kForcedDisplacement;
  return std::nullopt;
}

std::optional<EventKind> event_kind_for_label(Label label) {
  switch (label) {
    case Label::kSnatch:
      return EventKind::kSuddenDisplacement;
    case Label::kForcedMovement:
      return EventKind::kForcedDisplacement;
    default:
      return std::nullopt;
  }
}

bool is_uuid_text(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool dash_here = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash_here ? text[i] != '-' : !is_lower_hex(text[i])) return false;
  }
  return true;
}

std::string make_uuid_v4(std::span<const std::uint8_t, 16> random_bytes) {
  static constexpr std::string_view kHex = "0123456789abcdef";
  std::array<std::uint8_t, 16> b{};
  std::copy(random_bytes.begin(), random_bytes.end(), b.begin());
  // RFC 4122 §4.4: version 4 in the high nibble of octet 6, variant 10xx in octet 8.
  b[6] = static_cast<std::uint8_t>((b[6] & 0x0fU) | 0x40U);
  b[8] = static_cast<std::uint8_t>((b[8] & 0x3fU) | 0x80U);
  std::string out;
  out.reserve(36);
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[b[i] >> 4U];
    out += kHex[b[i] & 0xfU];
  }
  return out;
}

Status validate_event(const Event& e) {
  if (e.schema != kEventSchemaVersion) {
    return make_error(ErrorCode::kUnsupported, "unsupported schema version " +
                                                   std::to_string(e.schema) + " (expected " +
                                                   std::to_string(kEventSchemaVersion) + ")");
  }
  if (!is_uuid_text(e.id)) {
    return invalid("field 'id': " + quote(e.id) +
                   " is not a UUID (8-4-4-4-12 lowercase hex digits)");
  }
  if (auto s = check_device(e.device); !s) return s;
  if (auto s = check_timestamp(e.timestamp); !s) return s;
  if (!event_kind_from_string(to_string(e.event)))
    return invalid("field 'event': unknown event kind");
  if (auto s = check_range("probability", e.probability, 0.0, 1.0); !s) return s;
  for (std::size_t i = 0; i < e.vector.size(); ++i) {
    const std::string field = "vector[" + std::to_string(i) + "]";
    if (auto s = check_range(field, e.vector[i], -kMaxEventVectorMps2, kMaxEventVectorMps2); !s) {
      return s;
    }
  }
  if (e.lat.has_value() != e.lon.has_value()) {
    return invalid(e.lat ? "field 'lat' given without 'lon'" : "field 'lon' given without 'lat'");
  }
  if (e.lat) {
    if (auto s = check_range("lat", *e.lat, -90.0, 90.0); !s) return s;
    if (auto s = check_range("lon", *e.lon, -180.0, 180.0); !s) return s;
  }
  return check_model(e.model);
}

}  // namespace css

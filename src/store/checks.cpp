// Shared input checks (checks.hpp).
#include "checks.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <ctime>

#include "css/core/device_id.hpp"
#include "css/store/cursor.hpp"

namespace css::store {
namespace {

Error invalid(const std::string& what) {
  return make_error(ErrorCode::kInvalidArgument, what);
}

bool valid_reason_code(std::string_view code) {
  if (code.empty() || code.size() > kMaxReasonCodeChars) return false;
  for (char c : code)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

bool valid_time(double t) {
  return t >= 0.0 && t <= kMaxEventTimestampS;
}

Status check_telemetry(const TelemetryRecord& t, std::size_t i) {
  const std::string where = "telemetry[" + std::to_string(i) + "]";
  if (!valid_device_id(t.device))
    return invalid(where + " device: must match [A-Za-z0-9_.-]{1,64}");
  if (!valid_time(t.start)) return invalid(where + " start: out of range");
  if (!(t.period_s > 0.0 && t.period_s <= 86400.0))
    return invalid(where + " period_s: out of range");
  if (t.quantities_json.size() > kMaxTelemetryJsonBytes ||
      t.errors_json.size() > kMaxTelemetryJsonBytes)
    return invalid(where + ": JSON larger than 16 KiB");
  return Ok{};
}

Status check_status(const DeviceStatus& s, std::size_t i) {
  const std::string where = "statuses[" + std::to_string(i) + "]";
  if (!valid_device_id(s.device))
    return invalid(where + " device: must match [A-Za-z0-9_.-]{1,64}");
  if (!valid_time(s.last_seen)) return invalid(where + " last_seen: out of range");
  return Ok{};
}

Status check_dead_letter(const DeadLetter& d, std::size_t i) {
  const std::string where = "dead_letters[" + std::to_string(i) + "]";
  if (!valid_reason_code(d.reason_code))
    return invalid(where + " reason_code: must match [a-z0-9_]{1,32}");
  if (!valid_time(d.received_at)) return invalid(where + " received_at: out of range");
  return Ok{};
}

}  // namespace

Status check_batch(const Batch& b) {
  if (!valid_time(b.received_at)) return invalid("batch received_at: out of range");
  for (std::size_t i = 0; i < b.events.size(); ++i)
    if (auto st = validate_event(b.events[i]); !st)
      return invalid("events[" + std::to_string(i) + "]: " + st.error().message);
  for (std::size_t i = 0; i < b.flows.size(); ++i)
    if (auto st = validate_flow(b.flows[i]); !st)
      return invalid("flows[" + std::to_string(i) + "]: " + st.error().message);
  for (std::size_t i = 0; i < b.telemetry.size(); ++i)
    if (auto st = check_telemetry(b.telemetry[i], i); !st) return st;
  for (std::size_t i = 0; i < b.statuses.size(); ++i)
    if (auto st = check_status(b.statuses[i], i); !st) return st;
  for (std::size_t i = 0; i < b.dead_letters.size(); ++i)
    if (auto st = check_dead_letter(b.dead_letters[i], i); !st) return st;
  return Ok{};
}

DeadLetter bounded(const DeadLetter& d) {
  DeadLetter out = d;
  out.payload_size = d.payload_size ? d.payload_size : d.payload.size();
  if (out.payload.size() > kMaxDeadLetterPayloadBytes)
    out.payload.resize(kMaxDeadLetterPayloadBytes);
  if (out.topic.size() > kMaxTopicChars) out.topic.resize(kMaxTopicChars);
  if (out.reason.size() > kMaxReasonChars) out.reason.resize(kMaxReasonChars);
  return out;
}

std::string bounded_status_payload(const std::string& payload) {
  return payload.size() > kMaxDeadLetterPayloadBytes ? payload.substr(0, kMaxDeadLetterPayloadBytes)
                                                     : payload;
}

Status check_filter(const EventFilter& f) {
  if (f.from && !std::isfinite(*f.from)) return invalid("filter 'from': not a finite time");
  if (f.to && !std::isfinite(*f.to)) return invalid("filter 'to': not a finite time");
  if (f.from && f.to && *f.from > *f.to) return invalid("filter: 'from' is after 'to'");
  if (f.device && !valid_device_id(*f.device))
    return invalid("filter 'device': must match [A-Za-z0-9_.-]{1,64}");
  if (f.bbox) {
    const auto& b = *f.bbox;
    if (!(b.min_lat >= -90 && b.max_lat <= 90 && b.min_lat <= b.max_lat))
      return invalid("filter 'bbox': latitudes must satisfy -90 <= min_lat <= max_lat <= 90");
    if (!(b.min_lon >= -180 && b.max_lon <= 180 && b.min_lon <= b.max_lon))
      return invalid(
          "filter 'bbox': longitudes must satisfy -180 <= min_lon <= max_lon <= 180 (split a box "
          "across the antimeridian in two)");
  }
  return Ok{};
}

Status check_limit(std::size_t limit) {
  if (limit < 1 || limit > kMaxQueryLimit)
    return invalid("limit " + std::to_string(limit) + ": must be in [1, " +
                   std::to_string(kMaxQueryLimit) + "]");
  return Ok{};
}

Result<std::optional<EventCursor>> check_event_query(const EventQuery& q) {
  if (auto st = check_filter(q.filter); !st) return st.error();
  if (auto st = check_limit(q.limit); !st) return st.error();
  if (!q.after) return std::optional<EventCursor>{};
  auto cursor = decode_cursor(*q.after);
  if (!cursor) return cursor.error();
  return std::optional<EventCursor>{std::move(cursor.value())};
}

Status check_grid(const GridQuery& q) {
  if (auto st = check_filter(q.filter); !st) return st;
  if (!(q.cell_deg > 0.0 && q.cell_deg <= 90.0))
    return invalid("grid cell_deg: must be in (0, 90]");
  if (!(q.bucket_s >= 1.0 && q.bucket_s <= 366.0 * 86400.0))
    return invalid("grid bucket_s: must be in [1, 31622400]");
  return Ok{};
}

Status check_window(const WindowQuery& q) {
  if (q.from && !std::isfinite(*q.from)) return invalid("window 'from': not a finite time");
  if (q.to && !std::isfinite(*q.to)) return invalid("window 'to': not a finite time");
  if (q.device && !valid_device_id(*q.device))
    return invalid("window 'device': must match [A-Za-z0-9_.-]{1,64}");
  return check_limit(q.limit);
}

void finish_page(EventPage& page, std::size_t limit) {
  if (page.events.size() <= limit) return;
  page.events.pop_back();
  const Event& last = page.events.back();
  page.next_cursor = encode_cursor({last.timestamp, last.id});
}

std::int64_t count_bucket_seconds(CountBy by) {
  switch (by) {
    case CountBy::kHour:
    case CountBy::kHourOfDay:
      return 3600;
    case CountBy::kDay:
      return 86400;
    case CountBy::kType:
    case CountBy::kDevice:
      break;
  }
  return 0;
}

std::string count_key(CountBy by, std::int64_t bucket) {
  char buf[32];
  if (by == CountBy::kHourOfDay) {
    std::snprintf(buf, sizeof buf, "%02d", static_cast<int>(((bucket % 24) + 24) % 24));
    return buf;
  }
  const std::time_t t = static_cast<std::time_t>(bucket * count_bucket_seconds(by));
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(buf, sizeof buf, by == CountBy::kDay ? "%Y-%m-%d" : "%Y-%m-%dT%H:00:00Z", &tm);
  return buf;
}

}  // namespace css::store

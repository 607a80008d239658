// Input checks and helpers every backend shares (private to css_store), so that a bad filter or
// record gives the same error, word for word, on SQLite and PostgreSQL.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "css/core/result.hpp"
#include "css/store/cursor.hpp"
#include "css/store/records.hpp"

namespace css::store {

inline constexpr std::size_t kMaxTelemetryJsonBytes = 16 * 1024;
inline constexpr std::size_t kMaxReasonChars = 1024;

// Every record of the batch, before any SQL runs; errors name the record kind and index.
Status check_batch(const Batch& batch);
// The dead letter as stored: payload, reason and topic cut to their bounds, payload_size set.
DeadLetter bounded(const DeadLetter& letter);
// The status payload as stored: cut to kMaxDeadLetterPayloadBytes.
std::string bounded_status_payload(const std::string& payload);

Status check_filter(const EventFilter& filter);
Status check_limit(std::size_t limit);
// An event page query's filter, limit and cursor; the decoded cursor (none on a first page).
Result<std::optional<EventCursor>> check_event_query(const EventQuery& query);
// The keyset condition's comparison after the cursor: "<" newest first, else ">".
inline const char* after_cursor_op(const EventQuery& query) {
  return query.newest_first ? "<" : ">";
}
Status check_grid(const GridQuery& query);
Status check_window(const WindowQuery& query);

// An event page fetched with LIMIT limit + 1: drops the extra row and sets next_cursor to the
// last kept event when there was one (keyset paging, the same on every backend).
void finish_page(EventPage& page, std::size_t limit);

// Time buckets for CountBy::kHour / kDay / kHourOfDay, and the key text of a bucket.
std::int64_t count_bucket_seconds(CountBy by);  // 0 for kType / kDevice
std::string count_key(CountBy by, std::int64_t bucket);

}  // namespace css::store

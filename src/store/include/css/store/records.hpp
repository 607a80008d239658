// The records css::store keeps besides events, and what queries over them return.
// Everything here is an aggregate or a message an edge node chose to publish: no raw sensor
// sample has a record type, so none can be stored (docs/storage.md, "Privacy").
// Times are seconds since the Unix epoch (UTC) as doubles, like the wire formats.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "css/core/event.hpp"
#include "css/core/flow.hpp"

namespace css::store {

// One environment-station window (docs/event-schema.md, "Telemetry"), kept as the JSON the
// node sent for its quantity statistics: the server stores them, it does not interpret them.
// Key: (device, start).
struct TelemetryRecord {
  std::string device;
  double start = 0.0;                  // Unix s of the window start
  double period_s = 60.0;              // s
  std::string quantities_json = "{}";  // {"temperature_c":{"n":..,"mean":..,"min":..,"max":..},..}
  std::string errors_json = "{}";      // sensor name → failed reads in the window

  friend bool operator==(const TelemetryRecord&, const TelemetryRecord&) = default;
};

// The last thing heard from a device on citysafesense/status/<device> (heartbeat or the
// broker's last will). One row per device; an update older than the stored one is ignored.
struct DeviceStatus {
  std::string device;
  bool online = false;
  double last_seen = 0.0;    // Unix s the status was received
  std::string last_payload;  // the status payload as received (bounded like dead letters)

  friend bool operator==(const DeviceStatus&, const DeviceStatus&) = default;
};

// Payload bytes kept per dead letter; longer payloads are cut and `payload_size` keeps the
// original length. 16 KiB = the ingest's payload limit, so an oversize payload keeps its head.
inline constexpr std::size_t kMaxDeadLetterPayloadBytes = 16 * 1024;
inline constexpr std::size_t kMaxReasonCodeChars = 32;
inline constexpr std::size_t kMaxTopicChars = 512;

// A message ingest refused, with why. `reason_code` is a short machine name chosen by ingest
// ([a-z0-9_]{1,32}, e.g. "invalid_json", "device_mismatch"); every stored dead letter also
// increments a per-reason counter that retention never resets.
struct DeadLetter {
  std::int64_t id = 0;  // assigned by the store (ignored on append)
  double received_at = 0.0;
  std::string topic;
  std::string reason_code;
  std::string reason;   // one line of text for people
  std::string payload;  // raw bytes (may be invalid UTF-8), at most kMaxDeadLetterPayloadBytes
  std::size_t payload_size = 0;  // original size; > payload.size() when cut (0 on append = size)

  friend bool operator==(const DeadLetter&, const DeadLetter&) = default;
};

// One transaction's worth of records (EventStore::append). Either all of it is stored or none.
struct Batch {
  std::vector<Event> events;
  std::vector<FlowSummary> flows;
  std::vector<TelemetryRecord> telemetry;
  std::vector<DeviceStatus> statuses;
  std::vector<DeadLetter> dead_letters;
  double received_at = 0.0;  // Unix s; stored with each event (lag = received_at − timestamp)

  bool empty() const {
    return events.empty() && flows.empty() && telemetry.empty() && statuses.empty() &&
           dead_letters.empty();
  }
};

// What append did. A record whose key is already stored counts as a duplicate and leaves the
// stored row untouched, even when its content differs: the first write wins (an event id is
// a UUID the node minted once; a second, different body under it is a replay or a fault, and
// overwriting would let a late copy rewrite history). Status updates older than the stored
// one count as stale.
struct AppendResult {
  std::size_t events_stored = 0, events_duplicate = 0;
  std::size_t flows_stored = 0, flows_duplicate = 0;
  std::size_t telemetry_stored = 0, telemetry_duplicate = 0;
  std::size_t statuses_updated = 0, statuses_stale = 0;
  std::size_t dead_letters_stored = 0;
};

// ---- queries ---------------------------------------------------------------------------

// Longitude/latitude box in degrees, edges included. min_lon <= max_lon (a box across the
// antimeridian is two queries). Events without a position never match a box.
struct BoundingBox {
  double min_lon = -180.0, min_lat = -90.0, max_lon = 180.0, max_lat = 90.0;
};

// Filters shared by event queries and aggregates; every member narrows, unset = all.
// Time is half-open: from <= timestamp < to.
struct EventFilter {
  std::optional<double> from;
  std::optional<double> to;
  std::optional<EventKind> type;
  std::optional<BoundingBox> bbox;
  std::optional<std::string> device;
};

inline constexpr std::size_t kDefaultQueryLimit = 1000;
inline constexpr std::size_t kMaxQueryLimit = 10000;

// Events in (timestamp, id) order, ascending or newest first. Pagination is by keyset: pass
// the previous page's next_cursor as `after` (opaque text, css/store/cursor.hpp); pages never
// repeat or skip an event that was stored before the first page was read.
struct EventQuery {
  EventFilter filter;
  std::size_t limit = kDefaultQueryLimit;  // 1..kMaxQueryLimit
  std::optional<std::string> after;        // cursor from the previous page
  bool newest_first = false;
};

struct EventPage {
  std::vector<Event> events;
  std::optional<std::string> next_cursor;  // set when more events may follow
};

// Counts per grid cell × time bucket. Cell (i, j) covers lat in [i·cell_deg, (i+1)·cell_deg)
// and lon in [j·cell_deg, (j+1)·cell_deg); bucket b covers [b·bucket_s, (b+1)·bucket_s).
// Events without a position are left out.
struct GridQuery {
  EventFilter filter;
  double cell_deg = 0.01;  // (0, 90]; 0.01° ≈ 1.1 km of latitude
  double bucket_s = 3600;  // >= 1
};

struct GridCount {
  std::int64_t lat_index = 0, lon_index = 0;  // cell south-west corner = index · cell_deg
  std::int64_t bucket = 0;                    // bucket start = bucket · bucket_s
  std::uint64_t count = 0;
  friend bool operator==(const GridCount&, const GridCount&) = default;
};

// The API's stats: counts grouped by one key.
enum class CountBy : std::uint8_t {
  kType,       // key = event type name ("sudden_displacement")
  kDevice,     // key = device id
  kHour,       // key = "YYYY-MM-DDTHH:00:00Z" (UTC hour)
  kDay,        // key = "YYYY-MM-DD" (UTC day)
  kHourOfDay,  // key = "00".."23" (UTC), across days
};

struct CountRow {
  std::string key;
  std::uint64_t count = 0;
  friend bool operator==(const CountRow&, const CountRow&) = default;
};

// Flows and telemetry by window start (half-open), optionally one device; ascending by
// (start, device).
struct WindowQuery {
  std::optional<double> from, to;
  std::optional<std::string> device;
  std::size_t limit = kDefaultQueryLimit;  // 1..kMaxQueryLimit
};

// What retention removed (EventStore::delete_older_than).
struct RetentionResult {
  std::size_t events = 0, flows = 0, telemetry = 0, statuses = 0, dead_letters = 0;
};

// Row counts and counters for `citysafe store info` and /metrics.
struct StoreStats {
  std::string backend;  // "sqlite" | "postgresql"
  int schema_version = 0;
  std::uint64_t events = 0, flows = 0, telemetry = 0, devices = 0, dead_letters = 0;
  std::map<std::string, std::uint64_t> dead_letters_by_reason;  // cumulative counters
  std::optional<double> oldest_event, newest_event;             // timestamps
};

}  // namespace css::store

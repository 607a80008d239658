// SQLite migrations (schema.hpp). Never edit a released migration: add the next one.
#include "schema.hpp"

#include <array>

namespace css::store::sqlite {
namespace {

// v1: events only (the first release). The UNIQUE id (the node-minted UUID) is what makes
// appends idempotent. The table is a rowid table in arrival order, not keyed by the UUID: node
// ids are random, and a UUID-keyed table (and every index carrying the 36-character key)
// dirtied pages all over the file on each batch — 2.5× slower appends (docs/storage.md).
constexpr std::string_view kV1 = R"sql(
CREATE TABLE events (
  rid         INTEGER PRIMARY KEY,
  id          TEXT NOT NULL UNIQUE,
  device      TEXT NOT NULL,
  seq         INTEGER NOT NULL,
  ts          REAL NOT NULL,
  type        TEXT NOT NULL,
  probability REAL NOT NULL,
  vx REAL NOT NULL, vy REAL NOT NULL, vz REAL NOT NULL,
  lat REAL, lon REAL,
  model       TEXT NOT NULL,
  schema      INTEGER NOT NULL
);
CREATE INDEX events_ts ON events (ts, id);
CREATE INDEX events_device_ts ON events (device, ts, id);
CREATE INDEX events_type_ts ON events (type, ts, id);
)sql";

// v2: when each event arrived (ingest lag), and the other record kinds.
constexpr std::string_view kV2 = R"sql(
ALTER TABLE events ADD COLUMN received_at REAL;
CREATE TABLE flows (
  device           TEXT NOT NULL,
  start            REAL NOT NULL,
  period           REAL NOT NULL,
  velocity_seconds INTEGER NOT NULL,
  velocity_east    REAL NOT NULL,
  velocity_north   REAL NOT NULL,
  body             TEXT NOT NULL,
  PRIMARY KEY (device, start)
) WITHOUT ROWID;
CREATE INDEX flows_start ON flows (start, device);
CREATE TABLE telemetry (
  device     TEXT NOT NULL,
  start      REAL NOT NULL,
  period_s   REAL NOT NULL,
  quantities TEXT NOT NULL,
  errors     TEXT NOT NULL,
  PRIMARY KEY (device, start)
) WITHOUT ROWID;
CREATE INDEX telemetry_start ON telemetry (start, device);
CREATE TABLE device_status (
  device       TEXT PRIMARY KEY,
  online       INTEGER NOT NULL,
  last_seen    REAL NOT NULL,
  last_payload BLOB NOT NULL
);
CREATE TABLE dead_letters (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  received_at  REAL NOT NULL,
  topic        TEXT NOT NULL,
  reason_code  TEXT NOT NULL,
  reason       TEXT NOT NULL,
  payload      BLOB NOT NULL,
  payload_size INTEGER NOT NULL
);
CREATE INDEX dead_letters_received ON dead_letters (received_at);
CREATE TABLE dead_letter_counters (
  reason_code TEXT PRIMARY KEY,
  count       INTEGER NOT NULL
);
)sql";

constexpr std::array kMigrations{
    Migration{1, "events", kV1},
    Migration{2, "events.received_at; flows, telemetry, device status, dead letters", kV2},
};

}  // namespace

std::span<const Migration> migrations() {
  return kMigrations;
}

}  // namespace css::store::sqlite

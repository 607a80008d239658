// PostgreSQL migrations (pg_schema.hpp). Never edit a released migration: add the next one.
// Text keys are COLLATE "C" so that ordering (pages, counts by device) is bytewise, as on SQLite.
#include "pg_schema.hpp"

#include <array>

namespace css::store::pg {
namespace {

// v1: events only, keyed by the node-minted UUID (the key makes appends idempotent).
constexpr std::string_view kV1 = R"sql(
CREATE TABLE schema_migrations (
  version    integer PRIMARY KEY,
  summary    text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE events (
  id          text COLLATE "C" PRIMARY KEY,
  device      text COLLATE "C" NOT NULL,
  seq         bigint NOT NULL,
  ts          double precision NOT NULL,
  type        text COLLATE "C" NOT NULL,
  probability double precision NOT NULL,
  vx double precision NOT NULL, vy double precision NOT NULL, vz double precision NOT NULL,
  lat double precision, lon double precision,
  model       text COLLATE "C" NOT NULL,
  schema      integer NOT NULL
);
CREATE INDEX events_ts ON events (ts, id);
CREATE INDEX events_device_ts ON events (device, ts, id);
CREATE INDEX events_type_ts ON events (type, ts, id);
)sql";

// v2: when each event arrived (ingest lag); the position as a PostGIS geography with a GiST
// index (bounding-box queries); the other record kinds. The geography is generated from
// lat/lon, so no writer can let the two disagree.
constexpr std::string_view kV2 = R"sql(
CREATE EXTENSION IF NOT EXISTS postgis;
ALTER TABLE events ADD COLUMN received_at double precision;
ALTER TABLE events ADD COLUMN geog geography(Point, 4326) GENERATED ALWAYS AS (
  CASE WHEN lat IS NOT NULL AND lon IS NOT NULL
       THEN geography(ST_SetSRID(ST_MakePoint(lon, lat), 4326)) END) STORED;
CREATE INDEX events_geog ON events USING gist (geog);
CREATE TABLE flows (
  device           text COLLATE "C" NOT NULL,
  start            double precision NOT NULL,
  period           double precision NOT NULL,
  velocity_seconds bigint NOT NULL,
  velocity_east    double precision NOT NULL,
  velocity_north   double precision NOT NULL,
  body             text NOT NULL,
  PRIMARY KEY (device, start)
);
CREATE INDEX flows_start ON flows (start, device);
CREATE TABLE telemetry (
  device     text COLLATE "C" NOT NULL,
  start      double precision NOT NULL,
  period_s   double precision NOT NULL,
  quantities text NOT NULL,
  errors     text NOT NULL,
  PRIMARY KEY (device, start)
);
CREATE INDEX telemetry_start ON telemetry (start, device);
CREATE TABLE device_status (
  device       text COLLATE "C" PRIMARY KEY,
  online       boolean NOT NULL,
  last_seen    double precision NOT NULL,
  last_payload bytea NOT NULL
);
CREATE TABLE dead_letters (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  received_at  double precision NOT NULL,
  topic        text NOT NULL,
  reason_code  text COLLATE "C" NOT NULL,
  reason       text NOT NULL,
  payload      bytea NOT NULL,
  payload_size bigint NOT NULL
);
CREATE INDEX dead_letters_received ON dead_letters (received_at);
CREATE TABLE dead_letter_counters (
  reason_code text COLLATE "C" PRIMARY KEY,
  count       bigint NOT NULL
);
)sql";

constexpr std::array kMigrations{
    Migration{1, "events", kV1},
    Migration{2,
              "events.received_at and geography (GiST); flows, telemetry, device status, dead "
              "letters",
              kV2},
};

}  // namespace

std::span<const Migration> migrations() {
  return kMigrations;
}

}  // namespace css::store::pg

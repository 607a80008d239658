// SQLite appends and retention (sqlite_store.hpp): one transaction per batch; keys decide
// duplicates (INSERT … ON CONFLICT DO NOTHING), so a replayed batch changes nothing.
#include <string>

#include "../checks.hpp"
#include "sqlite_store.hpp"

namespace css::store::sqlite {
namespace {

constexpr const char* kInsertEvent =
    "INSERT INTO events (id, device, seq, ts, type, probability, vx, vy, vz, lat, lon, model, "
    "schema, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) "
    "ON CONFLICT (id) DO NOTHING";
constexpr const char* kInsertFlow =
    "INSERT INTO flows (device, start, period, velocity_seconds, velocity_east, velocity_north, "
    "body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (device, start) DO NOTHING";
constexpr const char* kInsertTelemetry =
    "INSERT INTO telemetry (device, start, period_s, quantities, errors) VALUES (?1, ?2, ?3, ?4, "
    "?5) ON CONFLICT (device, start) DO NOTHING";
// A status older than the stored one (messages can arrive out of order) leaves it as it is.
constexpr const char* kUpsertStatus =
    "INSERT INTO device_status (device, online, last_seen, last_payload) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT (device) DO UPDATE SET online = excluded.online, last_seen = excluded.last_seen, "
    "last_payload = excluded.last_payload WHERE excluded.last_seen >= device_status.last_seen";
constexpr const char* kInsertDeadLetter =
    "INSERT INTO dead_letters (received_at, topic, reason_code, reason, payload, payload_size) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
constexpr const char* kCountDeadLetter =
    "INSERT INTO dead_letter_counters (reason_code, count) VALUES (?1, 1) "
    "ON CONFLICT (reason_code) DO UPDATE SET count = count + 1";

// Runs an insert; true when it changed a row.
Result<bool> insert(Db& db, Stmt& st) {
  if (auto r = st.run(); !r) return r.error();
  return db.changes() > 0;
}

void count(bool stored, std::size_t& yes, std::size_t& no) {
  ++(stored ? yes : no);
}

Status insert_events(Db& db, const Batch& b, AppendResult& out) {
  auto st = db.prepare(kInsertEvent);
  if (!st) return st.error();
  for (const Event& e : b.events) {
    st->bind(1, e.id);
    st->bind(2, e.device);
    st->bind(3, static_cast<std::int64_t>(e.seq));
    st->bind(4, e.timestamp);
    st->bind(5, to_string(e.event));
    st->bind(6, e.probability);
    for (int i = 0; i < 3; ++i) st->bind(7 + i, e.vector[static_cast<std::size_t>(i)]);
    st->bind(10, e.lat);
    st->bind(11, e.lon);
    st->bind(12, e.model);
    st->bind(13, static_cast<std::int64_t>(e.schema));
    st->bind(14, b.received_at);
    auto done = insert(db, *st);
    if (!done) return done.error();
    count(*done, out.events_stored, out.events_duplicate);
  }
  return Ok{};
}

Status insert_flows(Db& db, const Batch& b, AppendResult& out) {
  auto st = db.prepare(kInsertFlow);
  if (!st) return st.error();
  for (const FlowSummary& f : b.flows) {
    st->bind(1, f.device);
    st->bind(2, f.start);
    st->bind(3, f.period);
    st->bind(4, static_cast<std::int64_t>(f.velocity_seconds));
    st->bind(5, f.velocity_east);
    st->bind(6, f.velocity_north);
    st->bind(7, to_json(f));
    auto done = insert(db, *st);
    if (!done) return done.error();
    count(*done, out.flows_stored, out.flows_duplicate);
  }
  return Ok{};
}

Status insert_telemetry(Db& db, const Batch& b, AppendResult& out) {
  auto st = db.prepare(kInsertTelemetry);
  if (!st) return st.error();
  for (const TelemetryRecord& t : b.telemetry) {
    st->bind(1, t.device);
    st->bind(2, t.start);
    st->bind(3, t.period_s);
    st->bind(4, t.quantities_json);
    st->bind(5, t.errors_json);
    auto done = insert(db, *st);
    if (!done) return done.error();
    count(*done, out.telemetry_stored, out.telemetry_duplicate);
  }
  return Ok{};
}

Status insert_statuses(Db& db, const Batch& b, AppendResult& out) {
  auto st = db.prepare(kUpsertStatus);
  if (!st) return st.error();
  for (const DeviceStatus& s : b.statuses) {
    st->bind(1, s.device);
    st->bind(2, static_cast<std::int64_t>(s.online ? 1 : 0));
    st->bind(3, s.last_seen);
    st->bind_blob(4, bounded_status_payload(s.last_payload));
    auto done = insert(db, *st);
    if (!done) return done.error();
    count(*done, out.statuses_updated, out.statuses_stale);
  }
  return Ok{};
}

Status insert_dead_letters(Db& db, const Batch& b, AppendResult& out) {
  for (const DeadLetter& raw : b.dead_letters) {
    const DeadLetter d = bounded(raw);
    auto st = db.prepare(kInsertDeadLetter);
    if (!st) return st.error();
    st->bind(1, d.received_at);
    st->bind(2, d.topic);
    st->bind(3, d.reason_code);
    st->bind(4, d.reason);
    st->bind_blob(5, d.payload);
    st->bind(6, static_cast<std::int64_t>(d.payload_size));
    if (auto r = st->run(); !r) return r.error();
    auto counter = db.prepare(kCountDeadLetter);
    if (!counter) return counter.error();
    counter->bind(1, d.reason_code);
    if (auto r = counter->run(); !r) return r.error();
    ++out.dead_letters_stored;
  }
  return Ok{};
}

Result<std::size_t> delete_where(Db& db, const std::string& sql, double cutoff) {
  auto st = db.prepare(sql);
  if (!st) return st.error();
  st->bind(1, cutoff);
  if (auto r = st->run(); !r) return r.error();
  return static_cast<std::size_t>(db.changes());
}

}  // namespace

Result<AppendResult> SqliteStore::append(const Batch& batch) {
  if (auto st = check_batch(batch); !st) return st.error();
  if (batch.empty()) return AppendResult{};
  return in_transaction(db(), [&] { return append_in_transaction(batch); });
}

Result<AppendResult> SqliteStore::append_in_transaction(const Batch& batch) {
  AppendResult out;
  using Part = Status (*)(Db&, const Batch&, AppendResult&);
  constexpr Part kParts[] = {insert_events, insert_flows, insert_telemetry, insert_statuses,
                             insert_dead_letters};
  for (Part part : kParts)
    if (auto st = part(db(), batch, out); !st) return st.error();
  return out;
}

Result<RetentionResult> SqliteStore::delete_older_than(double cutoff) {
  if (!(cutoff >= 0.0 && cutoff <= kMaxEventTimestampS))
    return make_error(ErrorCode::kInvalidArgument, "retention cutoff: out of range");
  return in_transaction(db(), [&]() -> Result<RetentionResult> {
    RetentionResult r;
    const std::pair<const char*, std::size_t*> parts[] = {
        {"DELETE FROM events WHERE ts < ?1", &r.events},
        {"DELETE FROM flows WHERE start < ?1", &r.flows},
        {"DELETE FROM telemetry WHERE start < ?1", &r.telemetry},
        {"DELETE FROM device_status WHERE last_seen < ?1", &r.statuses},
        {"DELETE FROM dead_letters WHERE received_at < ?1", &r.dead_letters},
    };
    for (const auto& [sql, n] : parts) {
      auto d = delete_where(db(), sql, cutoff);
      if (!d) return d.error();
      *n = *d;
    }
    return r;
  });
}

}  // namespace css::store::sqlite

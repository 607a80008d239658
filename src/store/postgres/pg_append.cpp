// PostgreSQL appends and retention (pg_store.hpp). A batch is one transaction. Events go in as
// one prepared multi-row upsert: each column is one array parameter, unnested server-side,
// ON CONFLICT (id) DO NOTHING, RETURNING the ids stored (the rest were duplicates). Rows are
// sorted by id first: two writers with overlapping batches then lock keys in the same order
// and cannot deadlock each other.
#include <algorithm>
#include <string>
#include <vector>

#include "../checks.hpp"
#include "pg_store.hpp"

namespace css::store::pg {
namespace {

// One array parameter in PostgreSQL's literal form: {"a","b",NULL}.
class ArrayText {
 public:
  void add(std::string_view element) {
    text_ += text_.empty() ? "{\"" : ",\"";
    for (char c : element) {
      if (c == '"' || c == '\\') text_ += '\\';
      text_ += c;
    }
    text_ += '"';
  }
  void add(double v) { add(number_text(v)); }
  void add(std::int64_t v) { add(std::to_string(v)); }
  void add(const std::optional<double>& v) {
    if (v) {
      add(*v);
    } else {
      text_ += text_.empty() ? "{NULL" : ",NULL";
    }
  }
  std::string done() const { return text_.empty() ? "{}" : text_ + "}"; }

 private:
  std::string text_;
};

constexpr const char* kInsertEvents =
    "INSERT INTO events (id, device, seq, ts, type, probability, vx, vy, vz, lat, lon, model, "
    "schema, received_at) SELECT u.*, $14::double precision FROM unnest($1::text[], $2::text[], "
    "$3::bigint[], $4::double precision[], $5::text[], $6::double precision[], "
    "$7::double precision[], $8::double precision[], $9::double precision[], "
    "$10::double precision[], $11::double precision[], $12::text[], $13::integer[]) AS u "
    "ON CONFLICT (id) DO NOTHING RETURNING 1";
constexpr const char* kInsertFlow =
    "INSERT INTO flows (device, start, period, velocity_seconds, velocity_east, velocity_north, "
    "body) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (device, start) DO NOTHING";
constexpr const char* kInsertTelemetry =
    "INSERT INTO telemetry (device, start, period_s, quantities, errors) VALUES ($1, $2, $3, $4, "
    "$5) ON CONFLICT (device, start) DO NOTHING";
// A status older than the stored one (messages can arrive out of order) leaves it as it is.
constexpr const char* kUpsertStatus =
    "INSERT INTO device_status (device, online, last_seen, last_payload) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (device) DO UPDATE SET online = excluded.online, last_seen = excluded.last_seen, "
    "last_payload = excluded.last_payload WHERE excluded.last_seen >= device_status.last_seen";
constexpr const char* kInsertDeadLetter =
    "INSERT INTO dead_letters (received_at, topic, reason_code, reason, payload, payload_size) "
    "VALUES ($1, $2, $3, $4, $5, $6)";
constexpr const char* kCountDeadLetter =
    "INSERT INTO dead_letter_counters (reason_code, count) VALUES ($1, 1) "
    "ON CONFLICT (reason_code) DO UPDATE SET count = dead_letter_counters.count + 1";

void count(bool stored, std::size_t& yes, std::size_t& no) {
  ++(stored ? yes : no);
}

void insert_events(PgStore& s, pqxx::transaction_base& tx, const Batch& b, AppendResult& out) {
  if (b.events.empty()) return;
  std::vector<const Event*> sorted;
  for (const Event& e : b.events) sorted.push_back(&e);
  std::sort(sorted.begin(), sorted.end(), [](auto* x, auto* y) { return x->id < y->id; });
  ArrayText cols[13];
  for (const Event* e : sorted) {
    cols[0].add(e->id);
    cols[1].add(e->device);
    cols[2].add(static_cast<std::int64_t>(e->seq));
    cols[3].add(e->timestamp);
    cols[4].add(to_string(e->event));
    cols[5].add(e->probability);
    for (std::size_t i = 0; i < 3; ++i) cols[6 + i].add(e->vector[i]);
    cols[9].add(e->lat);
    cols[10].add(e->lon);
    cols[11].add(pg_text(e->model));
    cols[12].add(static_cast<std::int64_t>(e->schema));
  }
  Params p;
  for (const ArrayText& c : cols) p.add_raw(c.done());
  p.add(b.received_at);
  const std::size_t stored = s.run(tx, kInsertEvents, p).size();
  out.events_stored += stored;
  out.events_duplicate += b.events.size() - stored;
}

void insert_flows(PgStore& s, pqxx::transaction_base& tx, const Batch& b, AppendResult& out) {
  for (const FlowSummary& f : b.flows) {
    Params p;
    p.add(f.device);
    p.add(f.start);
    p.add(f.period);
    p.add(static_cast<std::int64_t>(f.velocity_seconds));
    p.add(f.velocity_east);
    p.add(f.velocity_north);
    p.add(to_json(f));
    count(s.run(tx, kInsertFlow, p).affected_rows() > 0, out.flows_stored, out.flows_duplicate);
  }
}

void insert_telemetry(PgStore& s, pqxx::transaction_base& tx, const Batch& b, AppendResult& out) {
  for (const TelemetryRecord& t : b.telemetry) {
    Params p;
    p.add(t.device);
    p.add(t.start);
    p.add(t.period_s);
    p.add(t.quantities_json);
    p.add(t.errors_json);
    count(s.run(tx, kInsertTelemetry, p).affected_rows() > 0, out.telemetry_stored,
          out.telemetry_duplicate);
  }
}

void insert_statuses(PgStore& s, pqxx::transaction_base& tx, const Batch& b, AppendResult& out) {
  for (const DeviceStatus& st : b.statuses) {
    Params p;
    p.add(st.device);
    p.add(std::string_view(st.online ? "true" : "false"));
    p.add(st.last_seen);
    p.add_bytes(bounded_status_payload(st.last_payload));
    count(s.run(tx, kUpsertStatus, p).affected_rows() > 0, out.statuses_updated,
          out.statuses_stale);
  }
}

void insert_dead_letters(PgStore& s, pqxx::transaction_base& tx, const Batch& b,
                         AppendResult& out) {
  for (const DeadLetter& raw : b.dead_letters) {
    const DeadLetter d = bounded(raw);
    Params p;
    p.add(d.received_at);
    p.add(d.topic);
    p.add(d.reason_code);
    p.add(d.reason);
    p.add_bytes(d.payload);
    p.add(static_cast<std::int64_t>(d.payload_size));
    s.run(tx, kInsertDeadLetter, p);
    Params c;
    c.add(d.reason_code);
    s.run(tx, kCountDeadLetter, c);
    ++out.dead_letters_stored;
  }
}

}  // namespace

Result<AppendResult> PgStore::append(const Batch& batch) {
  if (auto st = check_batch(batch); !st) return st.error();
  if (batch.empty()) return AppendResult{};
  return transact<AppendResult>("append", [&](pqxx::transaction_base& tx) {
    AppendResult out;
    insert_events(*this, tx, batch, out);
    insert_flows(*this, tx, batch, out);
    insert_telemetry(*this, tx, batch, out);
    insert_statuses(*this, tx, batch, out);
    insert_dead_letters(*this, tx, batch, out);
    return out;
  });
}

Result<RetentionResult> PgStore::delete_older_than(double cutoff) {
  if (!(cutoff >= 0.0 && cutoff <= kMaxEventTimestampS))
    return make_error(ErrorCode::kInvalidArgument, "retention cutoff: out of range");
  return transact<RetentionResult>("retention", [&](pqxx::transaction_base& tx) {
    RetentionResult r;
    const std::pair<const char*, std::size_t*> parts[] = {
        {"DELETE FROM events WHERE ts < $1", &r.events},
        {"DELETE FROM flows WHERE start < $1", &r.flows},
        {"DELETE FROM telemetry WHERE start < $1", &r.telemetry},
        {"DELETE FROM device_status WHERE last_seen < $1", &r.statuses},
        {"DELETE FROM dead_letters WHERE received_at < $1", &r.dead_letters},
    };
    for (const auto& [sql, n] : parts) {
      Params p;
      p.add(cutoff);
      *n = run(tx, sql, p).affected_rows();
    }
    return r;
  });
}

}  // namespace css::store::pg

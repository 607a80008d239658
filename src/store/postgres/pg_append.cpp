// PostgreSQL appends and retention (pg_store.hpp). A batch is one transaction. Events, flow
// summaries and telemetry each go in as one prepared multi-row upsert: each column is one array
// parameter, unnested server-side, ON CONFLICT DO NOTHING, RETURNING a row per record stored
// (the rest were duplicates). Rows are sorted by key first (stably: of two records with one key
// in a batch, the first wins, as row by row): two writers with overlapping batches then lock
// keys in the same order and cannot deadlock each other.
#include <algorithm>
#include <span>
#include <string>
#include <tuple>
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
constexpr const char* kInsertFlows =
    "INSERT INTO flows (device, start, period, velocity_seconds, velocity_east, velocity_north, "
    "body) SELECT * FROM unnest($1::text[], $2::double precision[], $3::double precision[], "
    "$4::bigint[], $5::double precision[], $6::double precision[], $7::text[]) "
    "ON CONFLICT (device, start) DO NOTHING RETURNING 1";
constexpr const char* kInsertTelemetry =
    "INSERT INTO telemetry (device, start, period_s, quantities, errors) SELECT * FROM "
    "unnest($1::text[], $2::double precision[], $3::double precision[], $4::text[], $5::text[]) "
    "ON CONFLICT (device, start) DO NOTHING RETURNING 1";
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

// The records in key order; equal keys keep their batch order.
template <typename T, typename Key>
std::vector<const T*> sorted_by(const std::vector<T>& rows, Key key) {
  std::vector<const T*> out;
  out.reserve(rows.size());
  for (const T& r : rows) out.push_back(&r);
  std::stable_sort(out.begin(), out.end(), [&](auto* x, auto* y) { return key(*x) < key(*y); });
  return out;
}

// The columns as the statement's first parameters.
Params column_params(std::span<const ArrayText> cols) {
  Params p;
  for (const ArrayText& c : cols) p.add_raw(c.done());
  return p;
}

void insert_events(PgStore& s, pqxx::transaction_base& tx, const Batch& b, AppendResult& out) {
  if (b.events.empty()) return;
  ArrayText cols[13];
  for (const Event* e :
       sorted_by(b.events, [](const Event& e) { return std::string_view(e.id); })) {
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
  Params p = column_params(cols);
  p.add(b.received_at);
  const std::size_t stored = s.run(tx, kInsertEvents, p).size();
  out.events_stored += stored;
  out.events_duplicate += b.events.size() - stored;
}

// Text goes through pg_text as Params::add would take it (valid UTF-8, no NUL).
void insert_flows(PgStore& s, pqxx::transaction_base& tx, const Batch& b, AppendResult& out) {
  if (b.flows.empty()) return;
  ArrayText cols[7];
  const auto key = [](const FlowSummary& f) { return std::tie(f.device, f.start); };
  for (const FlowSummary* f : sorted_by(b.flows, key)) {
    cols[0].add(pg_text(f->device));
    cols[1].add(f->start);
    cols[2].add(f->period);
    cols[3].add(static_cast<std::int64_t>(f->velocity_seconds));
    cols[4].add(f->velocity_east);
    cols[5].add(f->velocity_north);
    cols[6].add(pg_text(to_json(*f)));
  }
  const std::size_t stored = s.run(tx, kInsertFlows, column_params(cols)).size();
  out.flows_stored += stored;
  out.flows_duplicate += b.flows.size() - stored;
}

void insert_telemetry(PgStore& s, pqxx::transaction_base& tx, const Batch& b, AppendResult& out) {
  if (b.telemetry.empty()) return;
  ArrayText cols[5];
  const auto key = [](const TelemetryRecord& t) { return std::tie(t.device, t.start); };
  for (const TelemetryRecord* t : sorted_by(b.telemetry, key)) {
    cols[0].add(pg_text(t->device));
    cols[1].add(t->start);
    cols[2].add(t->period_s);
    cols[3].add(pg_text(t->quantities_json));
    cols[4].add(pg_text(t->errors_json));
  }
  const std::size_t stored = s.run(tx, kInsertTelemetry, column_params(cols)).size();
  out.telemetry_stored += stored;
  out.telemetry_duplicate += b.telemetry.size() - stored;
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

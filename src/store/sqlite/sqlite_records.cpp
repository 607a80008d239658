// SQLite reads of flows, telemetry, device status, dead letters and the store's stats
// (sqlite_store.hpp).
#include <string>
#include <vector>

#include "../checks.hpp"
#include "sqlite_store.hpp"

namespace css::store::sqlite {
namespace {

// " WHERE start >= ?1 AND …" for a window query; binds in order.
struct WindowWhere {
  std::string sql;
  std::vector<std::pair<int, double>> numbers;
  std::optional<std::pair<int, std::string>> device;
};

WindowWhere window_where(const WindowQuery& q) {
  WindowWhere w;
  int n = 0;
  const auto add = [&](const std::string& cond) {
    w.sql += (w.sql.empty() ? " WHERE " : " AND ") + cond;
  };
  if (q.from) {
    add("start >= ?" + std::to_string(++n));
    w.numbers.emplace_back(n, *q.from);
  }
  if (q.to) {
    add("start < ?" + std::to_string(++n));
    w.numbers.emplace_back(n, *q.to);
  }
  if (q.device) {
    add("device = ?" + std::to_string(++n));
    w.device.emplace(n, *q.device);
  }
  return w;
}

void bind(Stmt& st, const WindowWhere& w) {
  for (const auto& [i, v] : w.numbers) st.bind(i, v);
  if (w.device) st.bind(w.device->first, w.device->second);
}

template <typename F>
Status rows(Db& db, const std::string& sql, const WindowWhere* w, F&& row) {
  auto st = db.prepare(sql);
  if (!st) return st.error();
  if (w) bind(*st, *w);
  for (;;) {
    auto step = st->step();
    if (!step) return step.error();
    if (*step == Step::kDone) return Ok{};
    if (auto r = row(*st); !r) return r;
  }
}

Result<std::uint64_t> scalar(Db& db, const std::string& sql) {
  std::uint64_t v = 0;
  auto st = rows(db, sql, nullptr, [&](const Stmt& s) -> Status {
    v = static_cast<std::uint64_t>(s.get_int(0));
    return Ok{};
  });
  if (!st) return st.error();
  return v;
}

}  // namespace

Result<std::vector<FlowSummary>> SqliteStore::flows(const WindowQuery& q) {
  if (auto st = check_window(q); !st) return st.error();
  const WindowWhere w = window_where(q);
  std::vector<FlowSummary> out;
  auto st = rows(
      db(),
      "SELECT body FROM flows" + w.sql + " ORDER BY start, device LIMIT " + std::to_string(q.limit),
      &w, [&](const Stmt& s) -> Status {
        auto f = flow_from_json(s.get_text(0));
        if (!f) return db().error("stored flow unreadable: " + f.error().message);
        out.push_back(std::move(*f));
        return Ok{};
      });
  if (!st) return st.error();
  return out;
}

Result<std::vector<TelemetryRecord>> SqliteStore::telemetry(const WindowQuery& q) {
  if (auto st = check_window(q); !st) return st.error();
  const WindowWhere w = window_where(q);
  std::vector<TelemetryRecord> out;
  auto st = rows(db(),
                 "SELECT device, start, period_s, quantities, errors FROM telemetry" + w.sql +
                     " ORDER BY start, device LIMIT " + std::to_string(q.limit),
                 &w, [&](const Stmt& s) -> Status {
                   out.push_back({s.get_text(0), s.get_double(1), s.get_double(2), s.get_text(3),
                                  s.get_text(4)});
                   return Ok{};
                 });
  if (!st) return st.error();
  return out;
}

Result<std::vector<DeviceStatus>> SqliteStore::device_statuses() {
  std::vector<DeviceStatus> out;
  auto st = rows(
      db(), "SELECT device, online, last_seen, last_payload FROM device_status ORDER BY device",
      nullptr, [&](const Stmt& s) -> Status {
        out.push_back({s.get_text(0), s.get_int(1) != 0, s.get_double(2), s.get_text(3)});
        return Ok{};
      });
  if (!st) return st.error();
  return out;
}

Result<std::vector<DeadLetter>> SqliteStore::dead_letters(std::size_t limit,
                                                          std::optional<std::int64_t> before_id) {
  if (auto st = check_limit(limit); !st) return st.error();
  const std::string sql =
      "SELECT id, received_at, topic, reason_code, reason, payload, payload_size FROM "
      "dead_letters WHERE id < ?1 ORDER BY id DESC LIMIT " +
      std::to_string(limit);
  auto stmt = db().prepare(sql);
  if (!stmt) return stmt.error();
  stmt->bind(1, before_id.value_or(INT64_MAX));
  std::vector<DeadLetter> out;
  for (;;) {
    auto step = stmt->step();
    if (!step) return step.error();
    if (*step == Step::kDone) break;
    const Stmt& s = *stmt;
    out.push_back({s.get_int(0), s.get_double(1), s.get_text(2), s.get_text(3), s.get_text(4),
                   s.get_text(5), static_cast<std::size_t>(s.get_int(6))});
  }
  return out;
}

Result<StoreStats> SqliteStore::stats() {
  StoreStats out;
  out.backend = "sqlite";
  auto v = schema_version();
  if (!v) return v.error();
  out.schema_version = *v;
  const std::pair<const char*, std::uint64_t*> counts[] = {
      {"SELECT count(*) FROM events", &out.events},
      {"SELECT count(*) FROM flows", &out.flows},
      {"SELECT count(*) FROM telemetry", &out.telemetry},
      {"SELECT count(*) FROM device_status", &out.devices},
      {"SELECT count(*) FROM dead_letters", &out.dead_letters},
  };
  for (const auto& [sql, n] : counts) {
    auto c = scalar(db(), sql);
    if (!c) return c.error();
    *n = *c;
  }
  auto st = rows(db(), "SELECT reason_code, count FROM dead_letter_counters ORDER BY reason_code",
                 nullptr, [&](const Stmt& s) -> Status {
                   out.dead_letters_by_reason[s.get_text(0)] =
                       static_cast<std::uint64_t>(s.get_int(1));
                   return Ok{};
                 });
  if (!st) return st.error();
  st = rows(db(), "SELECT min(ts), max(ts) FROM events", nullptr, [&](const Stmt& s) -> Status {
    out.oldest_event = s.get_optional_double(0);
    out.newest_event = s.get_optional_double(1);
    return Ok{};
  });
  if (!st) return st.error();
  return out;
}

}  // namespace css::store::sqlite

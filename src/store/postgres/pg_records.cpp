// PostgreSQL reads of flows, telemetry, device status, dead letters and the store's stats
// (pg_store.hpp).
#include <string>
#include <vector>

#include "../checks.hpp"
#include "pg_store.hpp"

namespace css::store::pg {
namespace {

// " WHERE start >= $1 AND …" for a window query, with its parameters.
std::string window_where(const WindowQuery& q, Params& p) {
  std::string sql;
  const auto add = [&](const std::string& cond) {
    sql += (sql.empty() ? " WHERE " : " AND ") + cond + p.next();
  };
  if (q.from) {
    add("start >= ");
    p.add(*q.from);
  }
  if (q.to) {
    add("start < ");
    p.add(*q.to);
  }
  if (q.device) {
    add("device = ");
    p.add(std::string_view(*q.device));
  }
  return sql;
}

// The limit as the next parameter (the SQL text then does not depend on it: one prepared
// statement per filter combination, not one per limit).
std::string limit_param(std::size_t limit, Params& p) {
  const std::string placeholder = p.next();
  p.add(static_cast<std::int64_t>(limit));
  return placeholder;
}

std::string bytes_of(const pqxx::field& f) {
  const pqxx::binarystring b(f);
  return b.str();
}

}  // namespace

Result<std::vector<FlowSummary>> PgStore::flows(const WindowQuery& q) {
  if (auto st = check_window(q); !st) return st.error();
  Params p;
  const std::string where = window_where(q, p);
  const std::string sql =
      "SELECT body FROM flows" + where + " ORDER BY start, device LIMIT " + limit_param(q.limit, p);
  return transact<std::vector<FlowSummary>>("flow query", [&](pqxx::transaction_base& tx) {
    std::vector<FlowSummary> out;
    for (const auto& r : run(tx, sql, p)) {
      auto f = flow_from_json(r[0].as<std::string>());
      if (!f) throw StoreFault(ErrorCode::kIo, "stored flow unreadable: " + f.error().message);
      out.push_back(std::move(*f));
    }
    return out;
  });
}

Result<std::vector<TelemetryRecord>> PgStore::telemetry(const WindowQuery& q) {
  if (auto st = check_window(q); !st) return st.error();
  Params p;
  const std::string where = window_where(q, p);
  const std::string sql = "SELECT device, start, period_s, quantities, errors FROM telemetry" +
                          where + " ORDER BY start, device LIMIT " + limit_param(q.limit, p);
  return transact<std::vector<TelemetryRecord>>("telemetry query", [&](pqxx::transaction_base& tx) {
    std::vector<TelemetryRecord> out;
    for (const auto& r : run(tx, sql, p))
      out.push_back({r[0].as<std::string>(), r[1].as<double>(), r[2].as<double>(),
                     r[3].as<std::string>(), r[4].as<std::string>()});
    return out;
  });
}

Result<std::vector<DeviceStatus>> PgStore::device_statuses() {
  return transact<std::vector<DeviceStatus>>("status query", [&](pqxx::transaction_base& tx) {
    std::vector<DeviceStatus> out;
    const auto rows =
        run(tx, "SELECT device, online, last_seen, last_payload FROM device_status ORDER BY device",
            Params{});
    for (const auto& r : rows)
      out.push_back({r[0].as<std::string>(), r[1].as<bool>(), r[2].as<double>(), bytes_of(r[3])});
    return out;
  });
}

Result<std::vector<DeadLetter>> PgStore::dead_letters(std::size_t limit,
                                                      std::optional<std::int64_t> before_id) {
  if (auto st = check_limit(limit); !st) return st.error();
  Params p;
  p.add(static_cast<std::int64_t>(before_id.value_or(INT64_MAX)));
  const std::string sql =
      "SELECT id, received_at, topic, reason_code, reason, payload, payload_size FROM "
      "dead_letters WHERE id < $1 ORDER BY id DESC LIMIT $2";
  p.add(static_cast<std::int64_t>(limit));
  return transact<std::vector<DeadLetter>>("dead letter query", [&](pqxx::transaction_base& tx) {
    std::vector<DeadLetter> out;
    for (const auto& r : run(tx, sql, p))
      out.push_back({r[0].as<std::int64_t>(), r[1].as<double>(), r[2].as<std::string>(),
                     r[3].as<std::string>(), r[4].as<std::string>(), bytes_of(r[5]),
                     static_cast<std::size_t>(r[6].as<long long>())});
    return out;
  });
}

Result<StoreStats> PgStore::stats() {
  auto v = schema_version();
  if (!v) return v.error();
  return transact<StoreStats>("stats", [&](pqxx::transaction_base& tx) {
    StoreStats out;
    out.backend = "postgresql";
    out.schema_version = *v;
    const auto r = run(tx,
                       "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM flows), "
                       "(SELECT count(*) FROM telemetry), (SELECT count(*) FROM device_status), "
                       "(SELECT count(*) FROM dead_letters), (SELECT min(ts) FROM events), "
                       "(SELECT max(ts) FROM events)",
                       Params{})[0];
    std::uint64_t* counts[] = {&out.events, &out.flows, &out.telemetry, &out.devices,
                               &out.dead_letters};
    for (int i = 0; i < 5; ++i) *counts[i] = r[i].as<unsigned long long>();
    if (!r[5].is_null()) out.oldest_event = r[5].as<double>();
    if (!r[6].is_null()) out.newest_event = r[6].as<double>();
    for (const auto& c :
         run(tx, "SELECT reason_code, count FROM dead_letter_counters ORDER BY reason_code",
             Params{}))
      out.dead_letters_by_reason[c[0].as<std::string>()] = c[1].as<unsigned long long>();
    return out;
  });
}

}  // namespace css::store::pg

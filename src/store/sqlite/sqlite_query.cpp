// SQLite event queries and aggregates (sqlite_store.hpp). SQL text is assembled only from
// fixed fragments; every value is a bound parameter.
#include <cmath>
#include <string>
#include <vector>

#include "../checks.hpp"
#include "css/store/cursor.hpp"
#include "sqlite_store.hpp"

namespace css::store::sqlite {
namespace {

// A bound value: a number or text.
struct Param {
  Param(double v) : number(v) {}                               // NOLINT: implicit by design
  Param(std::string v) : is_text(true), text(std::move(v)) {}  // NOLINT: implicit by design
  bool is_text = false;
  double number = 0.0;
  std::string text;
};

struct Where {
  std::string sql;  // " WHERE …" or empty
  std::vector<Param> params;

  void add(const std::string& condition) { sql += (sql.empty() ? " WHERE " : " AND ") + condition; }
  std::string next() { return "?" + std::to_string(params.size() + 1); }
  void add(const std::string& lhs, const char* op, Param value) {
    add(lhs + " " + op + " " + next());
    params.push_back(std::move(value));
  }
};

Where where_of(const EventFilter& f) {
  Where w;
  if (f.from) w.add("ts", ">=", *f.from);
  if (f.to) w.add("ts", "<", *f.to);
  if (f.type) w.add("type", "=", std::string(to_string(*f.type)));
  if (f.device) w.add("device", "=", *f.device);
  if (f.bbox) {
    w.add("lat", ">=", f.bbox->min_lat);
    w.add("lat", "<=", f.bbox->max_lat);
    w.add("lon", ">=", f.bbox->min_lon);
    w.add("lon", "<=", f.bbox->max_lon);
  }
  return w;
}

void bind_all(Stmt& st, const std::vector<Param>& params) {
  for (std::size_t i = 0; i < params.size(); ++i) {
    const int index = static_cast<int>(i + 1);
    if (params[i].is_text)
      st.bind(index, params[i].text);
    else
      st.bind(index, params[i].number);
  }
}

constexpr const char* kEventColumns =
    "SELECT id, device, seq, ts, type, probability, vx, vy, vz, lat, lon, model, schema FROM "
    "events";

Event event_of(const Stmt& st) {
  Event e;
  e.id = st.get_text(0);
  e.device = st.get_text(1);
  e.seq = static_cast<std::uint64_t>(st.get_int(2));
  e.timestamp = st.get_double(3);
  e.event = event_kind_from_string(st.get_text(4)).value_or(EventKind::kSuddenDisplacement);
  e.probability = st.get_double(5);
  for (int i = 0; i < 3; ++i) e.vector[static_cast<std::size_t>(i)] = st.get_double(6 + i);
  e.lat = st.get_optional_double(9);
  e.lon = st.get_optional_double(10);
  e.model = st.get_text(11);
  e.schema = static_cast<int>(st.get_int(12));
  return e;
}

// Runs a query and calls row(stmt) for every row.
template <typename F>
Status for_each_row(Db& db, const std::string& sql, const std::vector<Param>& params, F&& row) {
  auto st = db.prepare(sql);
  if (!st) return st.error();
  bind_all(*st, params);
  for (;;) {
    auto step = st->step();
    if (!step) return step.error();
    if (*step == Step::kDone) return Ok{};
    row(*st);
  }
}

}  // namespace

Result<EventPage> SqliteStore::events(const EventQuery& q) {
  auto after = check_event_query(q);
  if (!after) return after.error();
  Where w = where_of(q.filter);
  if (const auto& cursor = after.value()) {
    const std::string a = w.next();
    w.params.push_back(cursor->timestamp);
    const std::string b = w.next();
    w.params.push_back(cursor->id);
    w.add("(ts, id) " + std::string(after_cursor_op(q)) + " (" + a + ", " + b + ")");
  }
  const std::string dir = q.newest_first ? " DESC" : "";
  // One row more than asked tells whether another page follows.
  const std::string sql = kEventColumns + w.sql + " ORDER BY ts" + dir + ", id" + dir + " LIMIT " +
                          std::to_string(q.limit + 1);
  EventPage page;
  page.events.reserve(q.limit + 1);
  auto st =
      for_each_row(db(), sql, w.params, [&](const Stmt& s) { page.events.push_back(event_of(s)); });
  if (!st) return st.error();
  finish_page(page, q.limit);
  return page;
}

Result<std::vector<GridCount>> SqliteStore::grid_counts(const GridQuery& q) {
  if (auto st = check_grid(q); !st) return st.error();
  Where w = where_of(q.filter);
  w.add("lat IS NOT NULL AND lon IS NOT NULL");
  const std::string c = w.next();
  w.params.push_back(q.cell_deg);
  const std::string b = w.next();
  w.params.push_back(q.bucket_s);
  const std::string sql = "SELECT CAST(floor(lat / " + c + ") AS INTEGER) AS i, CAST(floor(lon / " +
                          c + ") AS INTEGER) AS j, CAST(floor(ts / " + b +
                          ") AS INTEGER) AS k, count(*) FROM events" + w.sql +
                          " GROUP BY k, i, j ORDER BY k, i, j";
  std::vector<GridCount> out;
  auto st = for_each_row(db(), sql, w.params, [&](const Stmt& s) {
    out.push_back(
        {s.get_int(0), s.get_int(1), s.get_int(2), static_cast<std::uint64_t>(s.get_int(3))});
  });
  if (!st) return st.error();
  return out;
}

Result<std::vector<CountRow>> SqliteStore::counts(const EventFilter& filter, CountBy by) {
  if (auto st = check_filter(filter); !st) return st.error();
  Where w = where_of(filter);
  std::string key;
  if (by == CountBy::kType || by == CountBy::kDevice) {
    key = by == CountBy::kType ? "type" : "device";
  } else {
    key = "CAST(floor(ts / " + w.next() + ") AS INTEGER)";
    w.params.push_back(static_cast<double>(count_bucket_seconds(by)));
    if (by == CountBy::kHourOfDay) key += " % 24";
  }
  const std::string sql =
      "SELECT " + key + " AS k, count(*) FROM events" + w.sql + " GROUP BY k ORDER BY k";
  std::vector<CountRow> out;
  const bool text_key = by == CountBy::kType || by == CountBy::kDevice;
  auto st = for_each_row(db(), sql, w.params, [&](const Stmt& s) {
    out.push_back({text_key ? s.get_text(0) : count_key(by, s.get_int(0)),
                   static_cast<std::uint64_t>(s.get_int(1))});
  });
  if (!st) return st.error();
  return out;
}

}  // namespace css::store::sqlite

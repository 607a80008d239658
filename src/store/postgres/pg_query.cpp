// PostgreSQL event queries and aggregates (pg_store.hpp). SQL text is assembled only from fixed
// fragments; every value is a bound parameter. A bounding box narrows through the GiST index on
// the geography column first, then exactly on lat/lon (box edges included, as on SQLite).
#include <cmath>
#include <string>
#include <vector>

#include "../checks.hpp"
#include "css/store/cursor.hpp"
#include "pg_store.hpp"

namespace css::store::pg {
namespace {

struct Where {
  std::string sql;  // " WHERE …" or empty
  Params params;

  void add(const std::string& condition) { sql += (sql.empty() ? " WHERE " : " AND ") + condition; }
  template <typename T>
  void add(const std::string& lhs, const char* op, const T& value) {
    add(lhs + " " + op + " " + params.next());
    params.add(value);
  }
};

// Points whose geocentric (x, y, z) bounds equal the box's: its corners, plus the latitude 0
// and the longitudes -180, -90, 0, 90, 180 where the box spans them (where cos/sin of lat or lon
// peak). The GiST index compares geocentric boxes, so "geog && these points" keeps every point
// inside the lat/lon box; a polygon would not (its edges are great circles, which bow toward
// the pole and leave out points near the box's equator-side edge).
std::string box_points_wkt(const BoundingBox& b) {
  std::vector<double> lats = {b.min_lat, b.max_lat};
  if (b.min_lat < 0 && b.max_lat > 0) lats.push_back(0);
  std::vector<double> lons = {b.min_lon, b.max_lon};
  for (double l : {-180.0, -90.0, 0.0, 90.0, 180.0})
    if (b.min_lon < l && l < b.max_lon) lons.push_back(l);
  std::string wkt = "SRID=4326;MULTIPOINT(";
  for (double lat : lats)
    for (double lon : lons) {
      if (wkt.back() != '(') wkt += ',';
      wkt += number_text(lon) + " " + number_text(lat);
    }
  return wkt + ")";
}

Where where_of(const EventFilter& f) {
  Where w;
  if (f.from) w.add("ts", ">=", *f.from);
  if (f.to) w.add("ts", "<", *f.to);
  if (f.type) w.add("type", "=", to_string(*f.type));
  if (f.device) w.add("device", "=", std::string_view(*f.device));
  if (f.bbox) {
    w.add("geog && " + w.params.next() + "::geography");
    w.params.add(box_points_wkt(*f.bbox));
    w.add("lat", ">=", f.bbox->min_lat);
    w.add("lat", "<=", f.bbox->max_lat);
    w.add("lon", ">=", f.bbox->min_lon);
    w.add("lon", "<=", f.bbox->max_lon);
  }
  return w;
}

std::optional<double> optional_double(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return f.as<double>();
}

constexpr const char* kEventColumns =
    "SELECT id, device, seq, ts, type, probability, vx, vy, vz, lat, lon, model, schema FROM "
    "events";

Event event_of(const pqxx::row& r) {
  Event e;
  e.id = r[0].as<std::string>();
  e.device = r[1].as<std::string>();
  e.seq = static_cast<std::uint64_t>(r[2].as<long long>());
  e.timestamp = r[3].as<double>();
  e.event = event_kind_from_string(r[4].as<std::string>()).value_or(EventKind::kSuddenDisplacement);
  e.probability = r[5].as<double>();
  for (std::size_t i = 0; i < 3; ++i) e.vector[i] = r[static_cast<int>(6 + i)].as<double>();
  e.lat = optional_double(r[9]);
  e.lon = optional_double(r[10]);
  e.model = r[11].as<std::string>();
  e.schema = r[12].as<int>();
  return e;
}

}  // namespace

Result<EventPage> PgStore::events(const EventQuery& q) {
  auto after = check_event_query(q);
  if (!after) return after.error();
  Where w = where_of(q.filter);
  if (const auto& cursor = after.value()) {
    const std::string a = w.params.next();
    w.params.add(cursor->timestamp);
    const std::string b = w.params.next();
    w.params.add(std::string_view(cursor->id));
    w.add("(ts, id) " + std::string(after_cursor_op(q)) + " (" + a + "::double precision, " + b +
          "::text)");
  }
  const std::string dir = q.newest_first ? " DESC" : "";
  // One row more than asked tells whether another page follows.
  // The limit is a parameter: SQL text (and so the prepared statement) depends only on which
  // filters are set, a bounded set per connection.
  const std::string limit = w.params.next();
  w.params.add(static_cast<std::int64_t>(q.limit + 1));
  const std::string sql =
      kEventColumns + w.sql + " ORDER BY ts" + dir + ", id" + dir + " LIMIT " + limit;
  auto rows = transact<pqxx::result>(
      "event query", [&](pqxx::transaction_base& tx) { return run(tx, sql, w.params); });
  if (!rows) return rows.error();
  EventPage page;
  for (const auto& r : *rows) page.events.push_back(event_of(r));
  finish_page(page, q.limit);
  return page;
}

Result<std::vector<GridCount>> PgStore::grid_counts(const GridQuery& q) {
  if (auto st = check_grid(q); !st) return st.error();
  Where w = where_of(q.filter);
  w.add("lat IS NOT NULL AND lon IS NOT NULL");
  const std::string c = w.params.next() + "::double precision";
  w.params.add(q.cell_deg);
  const std::string b = w.params.next() + "::double precision";
  w.params.add(q.bucket_s);
  const std::string sql = "SELECT floor(lat / " + c + ")::bigint AS i, floor(lon / " + c +
                          ")::bigint AS j, floor(ts / " + b +
                          ")::bigint AS k, count(*) FROM events" + w.sql +
                          " GROUP BY k, i, j ORDER BY k, i, j";
  auto rows = transact<pqxx::result>(
      "grid query", [&](pqxx::transaction_base& tx) { return run(tx, sql, w.params); });
  if (!rows) return rows.error();
  std::vector<GridCount> out;
  for (const auto& r : *rows)
    out.push_back({r[0].as<long long>(), r[1].as<long long>(), r[2].as<long long>(),
                   r[3].as<unsigned long long>()});
  return out;
}

Result<std::vector<CountRow>> PgStore::counts(const EventFilter& filter, CountBy by) {
  if (auto st = check_filter(filter); !st) return st.error();
  Where w = where_of(filter);
  const bool text_key = by == CountBy::kType || by == CountBy::kDevice;
  std::string key;
  if (text_key) {
    key = by == CountBy::kType ? "type" : "device";
  } else {
    key = "floor(ts / " + w.params.next() + "::double precision)::bigint";
    w.params.add(static_cast<double>(count_bucket_seconds(by)));
    if (by == CountBy::kHourOfDay) key = "((" + key + " % 24) + 24) % 24";
  }
  const std::string sql =
      "SELECT " + key + " AS k, count(*) FROM events" + w.sql + " GROUP BY k ORDER BY k";
  auto rows = transact<pqxx::result>(
      "count query", [&](pqxx::transaction_base& tx) { return run(tx, sql, w.params); });
  if (!rows) return rows.error();
  std::vector<CountRow> out;
  for (const auto& r : *rows)
    out.push_back({text_key ? r[0].as<std::string>() : count_key(by, r[0].as<long long>()),
                   r[1].as<unsigned long long>()});
  return out;
}

}  // namespace css::store::pg

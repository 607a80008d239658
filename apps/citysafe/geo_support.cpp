#include "geo_support.hpp"

#include <cstdlib>
#include <iostream>
#include <tuple>

#include "css/geo/csv_import.hpp"
#include "css/geo/store_flows.hpp"
#include "css/store/store_url.hpp"

namespace css::cli {

std::vector<std::filesystem::path> city_search_dirs() {
  std::vector<std::filesystem::path> dirs;
  if (const char* env = std::getenv("CSS_CITIES_DIR"); env != nullptr && *env != '\0')
    dirs.emplace_back(env);
  dirs.emplace_back("cities");
#ifdef CSS_DEFAULT_CITIES_DIR
  dirs.emplace_back(CSS_DEFAULT_CITIES_DIR);
#endif
  return dirs;
}

Result<geo::City> find_city_flag(const std::string& name_or_path) {
  auto c = geo::find_city(name_or_path, city_search_dirs());
  if (!c) return make_error(c.error().code, "--city: " + c.error().message);
  if (!c->zone_note.empty())
    std::cerr << "citysafe: warning: --city " << name_or_path << ": " << c->zone_note << "\n";
  return c;
}

Result<double> time_flag(const char* flag, const std::string& text, double utc_offset_h) {
  auto t = geo::parse_time_text(text, utc_offset_h);
  if (!t) return make_error(t.error().code, std::string(flag) + ": " + t.error().message);
  return t;
}

Result<double> time_flag(const char* flag, const std::string& text, const geo::City& city) {
  auto t = geo::parse_time_text(text, city);
  if (!t) return make_error(t.error().code, std::string(flag) + ": " + t.error().message);
  return t;
}

Result<bool> wants_csv(const std::string& format, const std::filesystem::path& out) {
  if (format == "csv") return true;
  if (format == "geojson") return false;
  if (!format.empty())
    return make_error(ErrorCode::kInvalidArgument,
                      "--format: '" + format + "': expected geojson or csv");
  return out.extension() == ".csv";
}

Result<std::unique_ptr<store::EventStore>> open_db_flag(const std::string& url, bool read_only,
                                                        std::vector<std::filesystem::path>* file) {
  auto parsed = store::parse_store_url(url);
  if (!parsed) return make_error(parsed.error().code, "--db: " + parsed.error().message);
  if (parsed->backend == store::Backend::kSqlite && parsed->path != ":memory:")
    file->emplace_back(parsed->path);
  store::OpenOptions opt;
  if (read_only) opt = {.read_only = true, .migrate = false, .create = false};
  auto db = store::open_store(url, opt);
  if (!db) return make_error(db.error().code, "--db: " + db.error().message);
  return db;
}

Result<std::optional<double>> newest_positioned_event(store::EventStore& db) {
  store::EventQuery q;
  q.filter.bbox = store::BoundingBox{};  // any box leaves out events without a position
  q.limit = 1;
  q.newest_first = true;
  auto page = db.events(q);
  if (!page) return page.error();
  if (page->events.empty()) return std::optional<double>{};
  return std::optional<double>{page->events.front().timestamp};
}

Result<std::vector<geo::EventPoint>> event_points(store::EventStore& db, double from, double to) {
  store::EventQuery q;
  q.filter.from = from;
  q.filter.to = to;
  q.filter.bbox = store::BoundingBox{};
  q.limit = store::kMaxQueryLimit;
  std::vector<geo::EventPoint> out;
  for (;;) {
    auto page = db.events(q);
    if (!page) return page.error();
    for (const auto& e : page->events)
      if (e.lat && e.lon) out.push_back({e.timestamp, {*e.lon, *e.lat}});
    if (!page->next_cursor) return out;
    q.after = page->next_cursor;
  }
}

namespace {

// Flow queries page by window start only: the next page starts at the last start seen and
// skips the (start, device) keys already read. A page full of one start cannot advance.
Result<std::vector<FlowSummary>> all_flows(store::EventStore& db) {
  store::WindowQuery q;
  q.limit = store::kMaxQueryLimit;
  std::vector<FlowSummary> out;
  for (;;) {
    auto page = db.flows(q);
    if (!page) return page.error();
    const std::size_t before = out.size();
    for (auto& f : *page)
      if (out.empty() ||
          std::tie(f.start, f.device) > std::tie(out.back().start, out.back().device))
        out.push_back(std::move(f));
    if (page->size() < q.limit) return out;
    if (out.size() == before)
      return make_error(ErrorCode::kUnsupported,
                        "--db: more than " + std::to_string(q.limit) +
                            " flow summaries start at the same second; cannot page past them");
    q.from = out.back().start;
  }
}

}  // namespace

Result<std::vector<geo::FlowRecord>> flow_records(store::EventStore& db,
                                                  const geo::DevicePositions& positions,
                                                  std::size_t* unplaced) {
  auto rows = all_flows(db);
  if (!rows) return rows.error();
  return geo::place_flows(db, *rows, positions, unplaced);
}

}  // namespace css::cli

// What the geo subcommands (simulate-city, hotspots, flows, import-events) share: finding a
// city by name, reading a time flag, writing one text output in the format its flag asks, and
// reading events and flow summaries from a store (--db URL) instead of JSON-lines files.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "css/core/result.hpp"
#include "css/geo/city.hpp"
#include "css/geo/event_files.hpp"
#include "css/store/event_store.hpp"

namespace css::cli {

// --city NAME|FILE.toml: looked up in $CSS_CITIES_DIR, ./cities and the source tree's cities/.
Result<geo::City> find_city_flag(const std::string& name_or_path);
std::vector<std::filesystem::path> city_search_dirs();

// A time flag: Unix seconds or ISO 8601 (a time without a zone is in `utc_offset_h`).
Result<double> time_flag(const char* flag, const std::string& text, double utc_offset_h);
// The same in the city's time zone (daylight saving time counts).
Result<double> time_flag(const char* flag, const std::string& text, const geo::City& city);

// --format geojson|csv, or from the output's extension when empty (.csv → csv, else geojson).
Result<bool> wants_csv(const std::string& format, const std::filesystem::path& out);

// --db URL: the store, for queries only (must exist) or for appends (created, migrated).
// The SQLite file, if any, is returned in `file` so outputs can be checked against it.
Result<std::unique_ptr<store::EventStore>> open_db_flag(const std::string& url, bool read_only,
                                                        std::vector<std::filesystem::path>* file);

// Unix s of the newest event with a position, if any (what window_ending needs as its end).
Result<std::optional<double>> newest_positioned_event(store::EventStore& db);

// Every event with a position and from <= timestamp < to, page after page (keyset order).
Result<std::vector<geo::EventPoint>> event_points(store::EventStore& db, double from, double to);

// Every flow summary in the store, with the position of its device: from `positions` when it
// names the device, else the device's newest positioned event (the rule of the API's
// /api/v1/flows: a node's events carry its coarsened position). Summaries of devices with
// neither are left out and counted in `unplaced`.
Result<std::vector<geo::FlowRecord>> flow_records(store::EventStore& db,
                                                  const geo::DevicePositions& positions,
                                                  std::size_t* unplaced);

}  // namespace css::cli

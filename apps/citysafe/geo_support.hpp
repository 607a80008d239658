// What the geo subcommands (simulate-city, hotspots, flows, import-events) share: finding a
// city by name, reading a time flag, and writing one text output in the format its flag asks.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "css/core/result.hpp"
#include "css/geo/city.hpp"

namespace css::cli {

// --city NAME|FILE.toml: looked up in $CSS_CITIES_DIR, ./cities and the source tree's cities/.
Result<geo::City> find_city_flag(const std::string& name_or_path);
std::vector<std::filesystem::path> city_search_dirs();

// A time flag: Unix seconds or ISO 8601 (a time without a zone is in `utc_offset_h`).
Result<double> time_flag(const char* flag, const std::string& text, double utc_offset_h);

// --format geojson|csv, or from the output's extension when empty (.csv → csv, else geojson).
Result<bool> wants_csv(const std::string& format, const std::filesystem::path& out);

}  // namespace css::cli

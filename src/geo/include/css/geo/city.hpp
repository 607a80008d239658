// City: what geo needs to know about a place, read from cities/<name>.toml (docs/cities.md):
// centre (the projection's origin), bounding box (the study area), time zone, default grid
// and named areas. A city file is untrusted text: every key is checked and errors name the
// file, the key and what was expected; unknown keys are errors too (a typo must not pass
// silently).
//
// Time: `utc_offset_h` is the fixed offset used for hour-of-day / day-of-week profiles and
// baselines; `time_zone` (an IANA name) is carried for display. A city whose zone observes
// daylight saving time gets hours off by one in that season — a documented limit.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "css/core/result.hpp"
#include "css/geo/grid.hpp"
#include "css/geo/projection.hpp"

namespace css::geo {

struct NamedArea {
  std::string name;
  LonLat centre;
  double radius_m = 0.0;
  std::string source;  // where the coordinates come from
};

struct City {
  std::string name;  // e.g. "São Paulo"
  LonLat centre;
  LonLat bbox_min, bbox_max;  // south-west and north-east corners
  std::string time_zone;      // IANA, e.g. "America/Sao_Paulo"
  double utc_offset_h = 0.0;  // local = UTC + offset
  GridKind grid = GridKind::kHex;
  double cell_size_m = 250.0;
  std::vector<NamedArea> areas;

  bool contains(LonLat p) const {
    return p.lon >= bbox_min.lon && p.lon <= bbox_max.lon && p.lat >= bbox_min.lat &&
           p.lat <= bbox_max.lat;
  }
};

Result<City> city_from_toml(std::string_view text, std::string_view source_name);
Result<City> load_city_file(const std::filesystem::path& path);
// `name_or_path`: a path to a .toml file, or a name looked up as <dir>/<name>.toml in
// `search_dirs` (the CLI passes $CSS_CITIES_DIR, ./cities and the source tree's cities/).
Result<City> find_city(std::string_view name_or_path,
                       const std::vector<std::filesystem::path>& search_dirs);
// The file find_city() loads, for a caller that loads it later (citysafe serve's API).
Result<std::filesystem::path> find_city_file(std::string_view name_or_path,
                                             const std::vector<std::filesystem::path>& search_dirs);

// The study area on the city's plane: the envelope of the bounding box's projection.
struct StudyArea {
  LocalProjection projection;
  Xy min, max;
};
StudyArea study_area(const City& city);

}  // namespace css::geo

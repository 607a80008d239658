// City: what geo needs to know about a place, read from cities/<name>.toml (docs/cities.md):
// centre (the projection's origin), bounding box (the study area), time zone, default grid
// and named areas. A city file is untrusted text: every key is checked and errors name the
// file, the key and what was expected; unknown keys are errors too (a typo must not pass
// silently).
//
// Time: `time_zone` (an IANA name) is looked up in the system tz database when a city FILE is
// loaded (load_city_file / find_city; TimeZone, time_zone.hpp), so hour-of-day / day-of-week
// follow daylight saving time. `utc_offset_h` is the fallback when the database lacks the zone
// (`zone_note` then says so, for the caller to warn) and the offset of a City parsed from text
// alone (city_from_toml reads no other file). A corrupt zone file is an error naming it.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "css/core/result.hpp"
#include "css/geo/grid.hpp"
#include "css/geo/projection.hpp"
#include "css/geo/time_zone.hpp"

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
  LonLat bbox_min, bbox_max;     // south-west and north-east corners
  std::string time_zone;         // IANA, e.g. "America/Sao_Paulo"
  double utc_offset_h = 0.0;     // local = UTC + offset, when `zone` is empty
  std::optional<TimeZone> zone;  // from the tz database (load_city_file)
  std::string zone_note;         // why `zone` is empty although time_zone is set
  GridKind grid = GridKind::kHex;
  double cell_size_m = 250.0;
  std::vector<NamedArea> areas;

  bool contains(LonLat p) const {
    return p.lon >= bbox_min.lon && p.lon <= bbox_max.lon && p.lat >= bbox_min.lat &&
           p.lat <= bbox_max.lat;
  }
  // Local = UTC + offset_h(t) at Unix time t.
  double offset_h(double t) const;
  // The Unix time of a local wall-clock time (seconds counted as if local were UTC); see
  // TimeZone::to_utc for gaps and repeated hours.
  double to_utc(double local) const;
};

Result<City> city_from_toml(std::string_view text, std::string_view source_name);
// Reads the file and looks its time_zone up in `zoneinfo_dir` (attach_zone).
Result<City> load_city_file(const std::filesystem::path& path,
                            const std::filesystem::path& zoneinfo_dir = default_zoneinfo_dir());
// Sets city.zone from the tz database, or city.zone_note when the database lacks the zone.
// Errors: an invalid zone name, a corrupt zone file (named).
Status attach_zone(City& city, const std::filesystem::path& zoneinfo_dir);
// `name_or_path`: a path to a .toml file, or a name looked up as <dir>/<name>.toml in
// `search_dirs` (the CLI passes $CSS_CITIES_DIR, ./cities and the source tree's cities/).
Result<City> find_city(std::string_view name_or_path,
                       const std::vector<std::filesystem::path>& search_dirs,
                       const std::filesystem::path& zoneinfo_dir = default_zoneinfo_dir());
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

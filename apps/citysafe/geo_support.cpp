#include "geo_support.hpp"

#include <cstdlib>

#include "css/geo/csv_import.hpp"

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
  return c;
}

Result<double> time_flag(const char* flag, const std::string& text, double utc_offset_h) {
  auto t = geo::parse_time_text(text, utc_offset_h);
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

}  // namespace css::cli

// City TOML loader (city.hpp). The only file in geo that includes toml++.
#include "css/geo/city.hpp"

#include <toml++/toml.h>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

namespace css::geo {
namespace {

class Reader {
 public:
  Reader(const toml::table& t, std::string where) : t_(t), where_(std::move(where)) {}

  Error bad(std::string_view key, std::string_view what) const {
    return make_error(ErrorCode::kInvalidArgument,
                      where_ + ": key '" + std::string(key) + "': " + std::string(what));
  }
  Result<double> number(std::string_view key, double lo, double hi) const {
    seen_.insert(std::string(key));
    const toml::node* n = t_.get(key);
    if (n == nullptr) return bad(key, "missing");
    std::optional<double> v = n->value<double>();  // integers convert
    if (!n->is_number() || !v) return bad(key, "expected a number");
    if (!(*v >= lo && *v <= hi)) return bad(key, "out of range [" + fmt(lo) + ", " + fmt(hi) + "]");
    return *v;
  }
  Result<std::string> string(std::string_view key, bool required = true) const {
    seen_.insert(std::string(key));
    const toml::node* n = t_.get(key);
    if (n == nullptr) return required ? Result<std::string>(bad(key, "missing")) : std::string();
    if (!n->is_string()) return bad(key, "expected a string");
    return std::string(*n->value<std::string_view>());
  }
  const toml::node* node(std::string_view key) const {
    seen_.insert(std::string(key));
    return t_.get(key);
  }
  Status no_unknown_keys() const {
    for (const auto& [k, v] : t_)
      if (!seen_.contains(std::string(k.str()))) return bad(k.str(), "unknown key");
    return Ok{};
  }

 private:
  static std::string fmt(double v) {
    std::ostringstream o;
    o << v;
    return o.str();
  }
  const toml::table& t_;
  std::string where_;
  mutable std::set<std::string> seen_;
};

Result<LonLat> lon_lat(const Reader& r, std::string_view lon_key, std::string_view lat_key) {
  auto lon = r.number(lon_key, -180, 180);
  if (!lon) return lon.error();
  auto lat = r.number(lat_key, -85, 85);
  if (!lat) return lat.error();
  return LonLat{*lon, *lat};
}

Status read_grid(const Reader& top, const std::string& src, City& c) {
  const toml::node* g = top.node("grid");
  if (g == nullptr) return Ok{};  // defaults: 250 m hexagons
  if (!g->is_table()) return top.bad("grid", "expected a table");
  Reader r(*g->as_table(), src + " [grid]");
  auto kind = r.string("kind", false);
  if (!kind) return kind.error();
  if (*kind == "square") {
    c.grid = GridKind::kSquare;
  } else if (kind->empty() || *kind == "hex") {
    c.grid = GridKind::kHex;
  } else {
    return r.bad("kind", "expected \"hex\" or \"square\"");
  }
  if (r.node("cell_size_m") != nullptr) {
    auto s = r.number("cell_size_m", 10, 100000);
    if (!s) return s.error();
    c.cell_size_m = *s;
  }
  return r.no_unknown_keys();
}

Status read_areas(const Reader& top, const std::string& src, City& c) {
  const toml::node* a = top.node("area");
  if (a == nullptr) return Ok{};
  const toml::array* arr = a->as_array();
  if (arr == nullptr || !arr->is_array_of_tables())
    return top.bad("area", "expected [[area]] tables");
  for (std::size_t i = 0; i < arr->size(); ++i) {
    Reader r(*arr->get(i)->as_table(), src + " [[area]] #" + std::to_string(i + 1));
    NamedArea na;
    auto name = r.string("name");
    if (!name) return name.error();
    if (name->empty() || name->size() > 200) return r.bad("name", "expected 1–200 characters");
    na.name = *name;
    auto p = lon_lat(r, "lon", "lat");
    if (!p) return p.error();
    na.centre = *p;
    auto rad = r.number("radius_m", 1, 50000);
    if (!rad) return rad.error();
    na.radius_m = *rad;
    auto source = r.string("source");
    if (!source) return source.error();
    na.source = *source;
    if (auto st = r.no_unknown_keys(); !st) return st;
    c.areas.push_back(std::move(na));
  }
  return Ok{};
}

Status check_bbox(const Reader& r, const City& c) {
  if (!(c.bbox_min.lon < c.bbox_max.lon && c.bbox_min.lat < c.bbox_max.lat))
    return r.bad("bbox", "expected min_lon < max_lon and min_lat < max_lat");
  if (!c.contains(c.centre)) return r.bad("centre", "outside the bounding box");
  if (c.bbox_max.lon - c.bbox_min.lon > 10 || c.bbox_max.lat - c.bbox_min.lat > 10)
    return r.bad("bbox", "larger than 10° (a city, not a country: the plane is local)");
  return Ok{};
}

}  // namespace

Result<City> city_from_toml(std::string_view text, std::string_view source_name) {
  const std::string src(source_name);
  toml::table t;
  try {
    t = toml::parse(text, source_name);
  } catch (const toml::parse_error& e) {
    return make_error(ErrorCode::kParse, src + ":" + std::to_string(e.source().begin.line) + ": " +
                                             std::string(e.description()));
  }
  Reader r(t, src);
  City c;
  auto name = r.string("name");
  if (!name) return name.error();
  c.name = *name;
  auto centre = lon_lat(r, "centre_lon", "centre_lat");
  if (!centre) return centre.error();
  c.centre = *centre;
  auto lo = lon_lat(r, "min_lon", "min_lat");
  if (!lo) return lo.error();
  auto hi = lon_lat(r, "max_lon", "max_lat");
  if (!hi) return hi.error();
  c.bbox_min = *lo, c.bbox_max = *hi;
  if (auto st = check_bbox(r, c); !st) return st.error();
  auto tz = r.string("time_zone");
  if (!tz) return tz.error();
  c.time_zone = *tz;
  auto off = r.number("utc_offset_h", -12, 14);
  if (!off) return off.error();
  c.utc_offset_h = *off;
  if (auto st = read_grid(r, src, c); !st) return st.error();
  if (auto st = read_areas(r, src, c); !st) return st.error();
  if (auto st = r.no_unknown_keys(); !st) return st.error();
  return c;
}

Status attach_zone(City& c, const std::filesystem::path& zoneinfo_dir) {
  c.zone.reset();
  c.zone_note.clear();
  auto z = TimeZone::load(c.time_zone, zoneinfo_dir);
  if (z) {
    c.zone = std::move(*z);
    return Ok{};
  }
  if (z.error().code != ErrorCode::kNotFound) return z.error();
  char off[32];
  std::snprintf(off, sizeof off, "%g", c.utc_offset_h);
  c.zone_note =
      z.error().message + "; using the fixed utc_offset_h = " + off + " (no daylight saving time)";
  return Ok{};
}

// Beyond ±31 700 years (or NaN) the zone is not asked: the integer conversion would overflow.
constexpr double kZoneLimitS = 1e12;

double City::offset_h(double t) const {
  if (!zone || !(std::abs(t) < kZoneLimitS)) return utc_offset_h;
  return zone->offset_s(static_cast<std::int64_t>(std::floor(t))) / 3600.0;
}

double City::to_utc(double local) const {
  if (!zone || !(std::abs(local) < kZoneLimitS)) return local - utc_offset_h * 3600.0;
  const double whole = std::floor(local);
  return static_cast<double>(zone->to_utc(static_cast<std::int64_t>(whole))) + (local - whole);
}

Result<City> load_city_file(const std::filesystem::path& path,
                            const std::filesystem::path& zoneinfo_dir) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorCode::kNotFound, "city file '" + path.string() + "' not found");
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return make_error(ErrorCode::kIo, "cannot read city file '" + path.string() + "'");
  if (ss.str().size() > (1u << 20))
    return make_error(ErrorCode::kInvalidArgument,
                      "city file '" + path.string() + "' exceeds 1 MiB");
  auto c = city_from_toml(ss.str(), path.string());
  if (!c) return c;
  if (auto st = attach_zone(*c, zoneinfo_dir); !st)
    return make_error(st.error().code, path.string() + ": time_zone: " + st.error().message);
  return c;
}

Result<std::filesystem::path> find_city_file(
    std::string_view name_or_path, const std::vector<std::filesystem::path>& search_dirs) {
  const std::filesystem::path p(name_or_path);
  if (p.extension() == ".toml") return p;
  const bool plain =
      !name_or_path.empty() && std::all_of(name_or_path.begin(), name_or_path.end(), [](char ch) {
        return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_';
      });
  if (!plain)
    return make_error(ErrorCode::kInvalidArgument,
                      "city '" + std::string(name_or_path) +
                          "': expected a name such as sao-paulo or a path to a .toml file");
  std::string tried;
  for (const auto& d : search_dirs) {
    const auto f = d / (std::string(name_or_path) + ".toml");
    std::error_code ec;
    if (std::filesystem::is_regular_file(f, ec)) return f;
    tried += (tried.empty() ? "" : ", ") + f.string();
  }
  return make_error(ErrorCode::kNotFound, "city '" + std::string(name_or_path) +
                                              "' not found (looked for " + tried + ")");
}

Result<City> find_city(std::string_view name_or_path,
                       const std::vector<std::filesystem::path>& search_dirs,
                       const std::filesystem::path& zoneinfo_dir) {
  auto file = find_city_file(name_or_path, search_dirs);
  if (!file) return file.error();
  return load_city_file(*file, zoneinfo_dir);
}

StudyArea study_area(const City& c) {
  StudyArea s{LocalProjection(c.centre), {1e300, 1e300}, {-1e300, -1e300}};
  // The box's edges are curves on the plane: sample them.
  for (int i = 0; i <= 16; ++i) {
    const double f = i / 16.0;
    const double lon = c.bbox_min.lon + f * (c.bbox_max.lon - c.bbox_min.lon);
    const double lat = c.bbox_min.lat + f * (c.bbox_max.lat - c.bbox_min.lat);
    for (LonLat q : {LonLat{lon, c.bbox_min.lat}, LonLat{lon, c.bbox_max.lat},
                     LonLat{c.bbox_min.lon, lat}, LonLat{c.bbox_max.lon, lat}}) {
      const Xy xy = s.projection.forward(q);
      s.min.x = std::min(s.min.x, xy.x), s.min.y = std::min(s.min.y, xy.y);
      s.max.x = std::max(s.max.x, xy.x), s.max.y = std::max(s.max.y, xy.y);
    }
  }
  return s;
}

}  // namespace css::geo

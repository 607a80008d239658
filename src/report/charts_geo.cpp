// Flow fields and hotspot maps from GeoJSON (charts.hpp). Positions are drawn in metres east and
// north of the collection's mean position (equirectangular: fine at city scale).
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "css/report/charts.hpp"
#include "json_support.hpp"

namespace css::report {
namespace {

using detail::field_error;
using detail::json;
using detail::number_at;

constexpr std::size_t kMaxFeatures = 200000;

struct LonLat {
  double lon;
  double lat;
};

Result<LonLat> position(const json& p, std::string_view source, const std::string& at) {
  if (!p.is_array() || p.size() < 2)
    return field_error(source, at, "expected a position [lon, lat]");
  auto lon = number_at(p[0], source, at + "[0]");
  auto lat = number_at(p[1], source, at + "[1]");
  if (!lon) return lon.error();
  if (!lat) return lat.error();
  if (*lon < -180 || *lon > 180 || *lat < -90 || *lat > 90)
    return field_error(source, at, "expected lon in [-180, 180] and lat in [-90, 90]");
  return LonLat{*lon, *lat};
}

Result<const json*> features(const json& root, std::string_view source) {
  if (!root.is_object() || detail::string_member(root, "type") != "FeatureCollection" ||
      !root.contains("features") || !root["features"].is_array())
    return field_error(source, "type", "expected a GeoJSON FeatureCollection with \"features\"");
  if (root["features"].size() > kMaxFeatures)
    return field_error(source, "features", "more than 200000 features");
  return &root["features"];
}

// The numeric property `name` of a feature, if present.
const json* property(const json& feature, const char* name) {
  if (!feature.contains("properties") || !feature["properties"].is_object()) return nullptr;
  const auto& p = feature["properties"];
  return p.contains(name) ? &p[name] : nullptr;
}

struct Local {
  double lat0 = 0;
  double lon0 = 0;
  double x(const LonLat& p) const {
    return (p.lon - lon0) * 111320.0 * std::cos(lat0 * M_PI / 180.0);
  }
  double y(const LonLat& p) const { return (p.lat - lat0) * 110540.0; }
};

Local centre(const std::vector<LonLat>& pts) {
  Local l;
  for (const auto& p : pts) l.lat0 += p.lat, l.lon0 += p.lon;
  if (!pts.empty())
    l.lat0 /= static_cast<double>(pts.size()), l.lon0 /= static_cast<double>(pts.size());
  return l;
}

std::string fixed(double v, int d) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", d, v);
  return buf;
}

// Where a flow arrow starts: a Point, or the mean vertex of a cell Polygon's outer ring (the
// closing vertex not counted) as `citysafe flows` writes them.
Result<LonLat> flow_anchor(const json& f, std::string_view source, const std::string& where) {
  const std::string type = f.is_object() && f.contains("geometry") && f["geometry"].is_object()
                               ? detail::string_member(f["geometry"], "type")
                               : "";
  if (type != "Point" && type != "Polygon")
    return field_error(source, where + ".geometry", "expected a Point or a Polygon");
  const json coords = f["geometry"].value("coordinates", json());
  if (type == "Point") return position(coords, source, where + ".geometry.coordinates");
  if (!coords.is_array() || coords.empty() || !coords[0].is_array() || coords[0].size() < 4)
    return field_error(source, where + ".geometry.coordinates", "expected a closed ring");
  LonLat sum{};
  const std::size_t n = coords[0].size() - 1;
  for (std::size_t k = 0; k < n; ++k) {
    auto q = position(coords[0][k], source,
                      where + ".geometry.coordinates[0][" + std::to_string(k) + "]");
    if (!q) return q.error();
    sum.lon += q->lon / static_cast<double>(n);
    sum.lat += q->lat / static_cast<double>(n);
  }
  return sum;
}

}  // namespace

Result<Figure> flows_figure(std::string_view text, std::string_view source) {
  auto root = detail::parse_json(text, source);
  if (!root) return root.error();
  auto feats = features(*root, source);
  if (!feats) return feats.error();
  std::vector<LonLat> at;
  std::vector<double> vx;
  std::vector<double> vy;
  for (std::size_t i = 0; i < (*feats)->size(); ++i) {
    const json& f = (**feats)[i];
    const std::string where = "features[" + std::to_string(i) + "]";
    auto p = flow_anchor(f, source, where);
    if (!p) return p.error();
    // `citysafe flows` writes east_mps/north_mps on cell polygons; vx/vy on points also read.
    const bool geo_names = property(f, "east_mps") != nullptr;
    const char* ux = geo_names ? "east_mps" : "vx";
    const char* uy = geo_names ? "north_mps" : "vy";
    const json* u = property(f, ux);
    const json* v = property(f, uy);
    if (u == nullptr || v == nullptr)
      return field_error(source, where + ".properties",
                         "expected numbers vx and vy, or east_mps and north_mps (m/s)");
    auto uu = number_at(*u, source, where + ".properties." + ux);
    auto vv = number_at(*v, source, where + ".properties." + uy);
    if (!uu) return uu.error();
    if (!vv) return vv.error();
    at.push_back(*p);
    vx.push_back(*uu);
    vy.push_back(*vv);
  }
  if (at.empty()) return field_error(source, "features", "no flow vectors");
  const Local l = centre(at);
  Quiver q;
  double max_speed = 0;
  for (std::size_t i = 0; i < at.size(); ++i) {
    q.x.push_back(l.x(at[i]));
    q.y.push_back(l.y(at[i]));
    q.u.push_back(vx[i]);
    q.v.push_back(vy[i]);
    max_speed = std::max(max_speed, std::hypot(vx[i], vy[i]));
  }
  // The longest arrow spans a tenth of the field (or 50 m for a single point).
  double span = 0;
  for (std::size_t i = 0; i < q.x.size(); ++i)
    span = std::max({span, std::fabs(q.x[i]), std::fabs(q.y[i])});
  q.scale = max_speed > 0 ? std::max(span, 250.0) * 0.2 / max_speed : 1.0;
  q.label = "mean velocity (longest " + fixed(max_speed, 2) + " m/s)";
  Axes a;
  a.title = "Flow field: " + std::to_string(at.size()) + " cells";
  a.xlabel = "east (m)";
  a.ylabel = "north (m)";
  a.quiver = std::move(q);
  a.equal_aspect = true;
  Figure f;
  f.width_pt = 520;
  f.height_pt = 460;
  f.panels.push_back(std::move(a));
  return f;
}

Result<Figure> hotspots_figure(std::string_view text, std::string_view source) {
  auto root = detail::parse_json(text, source);
  if (!root) return root.error();
  auto feats = features(*root, source);
  if (!feats) return feats.error();
  struct Cell {
    std::vector<LonLat> ring;
    double value;
  };
  std::vector<Cell> cells;
  std::vector<LonLat> all;
  std::string value_name;
  for (std::size_t i = 0; i < (*feats)->size(); ++i) {
    const json& f = (**feats)[i];
    const std::string where = "features[" + std::to_string(i) + "]";
    if (!f.is_object() || !f.contains("geometry") || !f["geometry"].is_object())
      return field_error(source, where + ".geometry", "expected a Polygon");
    const json& g = f["geometry"];
    const std::string type = detail::string_member(g, "type");
    const json coords = g.value("coordinates", json());
    const json* ring = nullptr;
    if (type == "Polygon" && coords.is_array() && !coords.empty()) ring = &coords[0];
    if (type == "MultiPolygon" && coords.is_array() && !coords.empty() && coords[0].is_array() &&
        !coords[0].empty())
      ring = &coords[0][0];
    if (ring == nullptr || !ring->is_array() || ring->size() < 3 || ring->size() > 10000)
      return field_error(source, where + ".geometry",
                         "expected a Polygon with a ring of ≥ 3 positions");
    Cell c{{}, 0.0};
    for (std::size_t k = 0; k < ring->size(); ++k) {
      auto p = position((*ring)[k], source,
                        where + ".geometry.coordinates[0][" + std::to_string(k) + "]");
      if (!p) return p.error();
      c.ring.push_back(*p);
      all.push_back(*p);
    }
    const json* v = nullptr;
    for (const char* name : {"z", "count", "class"}) {
      v = property(f, name);
      if (v != nullptr) {
        if (value_name.empty()) value_name = name;
        break;
      }
    }
    if (v == nullptr)
      return field_error(source, where + ".properties", "expected a number z, count or class");
    auto num = number_at(*v, source, where + ".properties");
    if (!num) return num.error();
    c.value = *num;
    cells.push_back(std::move(c));
  }
  if (cells.empty()) return field_error(source, "features", "no hotspot cells");
  const Local l = centre(all);
  PolygonMap map;
  map.colorbar_label = value_name == "z" ? "Getis–Ord z" : value_name;
  double hottest = cells.front().value;
  for (const auto& c : cells) {
    PolygonMap::Polygon p;
    for (const auto& q : c.ring) p.x.push_back(l.x(q)), p.y.push_back(l.y(q));
    p.value = c.value;
    hottest = std::max(hottest, c.value);
    map.polygons.push_back(std::move(p));
  }
  Axes a;
  a.title = "Hotspots: " + std::to_string(cells.size()) + " cells, max " + value_name + " " +
            fixed(hottest, 2);
  a.xlabel = "east (m)";
  a.ylabel = "north (m)";
  a.polygons = std::move(map);
  a.equal_aspect = true;
  Figure f;
  f.width_pt = 540;
  f.height_pt = 460;
  f.panels.push_back(std::move(a));
  return f;
}

}  // namespace css::report

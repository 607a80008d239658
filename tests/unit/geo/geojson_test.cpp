// GeoJSON output passes an RFC 7946 structural check; CSV has one row per published cell.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "css/geo/geojson.hpp"
#include "css/geo/simulate.hpp"

namespace css::geo {
namespace {

using nlohmann::json;

// RFC 7946: FeatureCollection of Features; Polygon coordinates are arrays of linear rings of
// ≥ 4 positions [lon, lat], first == last, exterior ring counter-clockwise; no "crs".
void check_rfc7946(const json& fc, const City& city, const std::vector<std::string>& props) {
  ASSERT_EQ(fc.at("type"), "FeatureCollection");
  ASSERT_FALSE(fc.contains("crs"));
  ASSERT_TRUE(fc.at("features").is_array());
  for (const auto& f : fc.at("features")) {
    ASSERT_EQ(f.at("type"), "Feature");
    ASSERT_EQ(f.at("geometry").at("type"), "Polygon");
    const auto& rings = f.at("geometry").at("coordinates");
    ASSERT_EQ(rings.size(), 1u);
    const auto& ring = rings[0];
    ASSERT_GE(ring.size(), 4u);
    ASSERT_EQ(ring.front(), ring.back());
    double twice_area = 0;
    for (std::size_t i = 0; i + 1 < ring.size(); ++i) {
      ASSERT_EQ(ring[i].size(), 2u);
      const double lon = ring[i][0], lat = ring[i][1];
      // lon first: São Paulo's longitudes (≈ −46.6) and latitudes (≈ −23.6) cannot be swapped.
      EXPECT_GT(lon, city.bbox_min.lon - 0.01);
      EXPECT_LT(lon, city.bbox_max.lon + 0.01);
      EXPECT_GT(lat, city.bbox_min.lat - 0.01);
      EXPECT_LT(lat, city.bbox_max.lat + 0.01);
      twice_area += static_cast<double>(ring[i][0]) * static_cast<double>(ring[i + 1][1]) -
                    static_cast<double>(ring[i + 1][0]) * static_cast<double>(ring[i][1]);
    }
    EXPECT_GT(twice_area, 0.0) << "exterior ring must be counter-clockwise";
    for (const auto& p : props) EXPECT_TRUE(f.at("properties").contains(p)) << p;
  }
}

TEST(GeoJson, HotspotMapIsRfc7946AndHoldsOnlyAggregates) {
  const City city = *load_city_file(std::string(CSS_SOURCE_DIR) + "/cities/sao-paulo.toml");
  SimCityConfig cfg;
  cfg.days = 7;
  cfg.flows = true;
  cfg.devices = 60;
  const SimCity sim = *simulate_city(city, cfg);
  std::vector<EventPoint> pts;
  for (const auto& e : sim.events) pts.push_back({e.timestamp, {*e.lon, *e.lat}});
  const HotspotMap m =
      *compute_hotspots(city, pts, {cfg.start, cfg.start + 7 * 86400.0}, HotspotConfig{});
  const json fc = json::parse(hotspots_geojson(m));
  ASSERT_EQ(fc.at("features").size(), m.cells.size());
  check_rfc7946(fc, city, {"count", "rate", "z", "p", "class"});
  EXPECT_EQ(fc.at("metadata").at("k_anonymity"), 5);
  for (const auto& f : fc.at("features")) {
    const double count = f.at("properties").at("count");
    EXPECT_TRUE(count == 0 || count >= 5);
  }
  const std::string csv = hotspots_csv(m);
  EXPECT_EQ(static_cast<std::size_t>(std::count(csv.begin(), csv.end(), '\n')), m.cells.size() + 1);

  const FlowField ff = *flow_field(city, sim.flows, {cfg.start, cfg.start + 86400.0});
  ASSERT_FALSE(ff.cells.empty());
  check_rfc7946(json::parse(flows_geojson(ff)), city,
                {"count", "east_mps", "speed_mps", "divergence_per_s", "curl_per_s"});
}

}  // namespace
}  // namespace css::geo

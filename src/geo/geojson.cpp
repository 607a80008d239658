// GeoJSON and CSV writers (geojson.hpp).
#include "css/geo/geojson.hpp"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace css::geo {
namespace {

using nlohmann::json;

double round_to(double v, double scale) {
  return std::round(v * scale) / scale;
}

json ring_of(const Grid& g, const LocalProjection& proj, Cell c) {
  json ring = json::array();
  for (const Xy p : g.corners(c)) {
    const LonLat q = proj.inverse(p);
    ring.push_back({round_to(q.lon, 1e7), round_to(q.lat, 1e7)});
  }
  ring.push_back(ring.front());  // closed
  return json::array({ring});
}

json collection(json features, json meta) {
  return {{"type", "FeatureCollection"},
          {"features", std::move(features)},
          {"metadata", std::move(meta)}};
}

std::string num(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string p_text(double p) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", p);
  return buf;
}

}  // namespace

std::string hotspots_geojson(const HotspotMap& m) {
  json features = json::array();
  for (const auto& c : m.cells) {
    features.push_back(
        {{"type", "Feature"},
         {"id", m.grid.cell_text(c.cell)},
         {"geometry",
          {{"type", "Polygon"}, {"coordinates", ring_of(m.grid, m.projection, c.cell)}}},
         {"properties",
          {{"cell", m.grid.cell_text(c.cell)},
           {"count", c.count},
           {"rate", round_to(c.rate_per_day, 1e6)},
           {"density_km2", round_to(c.density_per_km2, 1e4)},
           {"z", round_to(c.z, 1e6)},
           {"p", c.p},
           {"bin", c.bin},
           {"class", std::string(gi_class_name(c.bin))}}}});
  }
  json meta = {{"window_start", m.window.start},
               {"window_end", m.window.end},
               {"grid", m.grid.kind() == GridKind::kHex ? "hex" : "square"},
               {"cell_size_m", m.grid.size_m()},
               {"weights", m.config.band_m > 0 ? "distance_band" : "k_ring"},
               {"k_ring", m.config.kring},
               {"band_m", m.config.band_m},
               {"fdr", m.config.fdr},
               {"p_cutoffs", {{"90", m.cutoffs.p90}, {"95", m.cutoffs.p95}, {"99", m.cutoffs.p99}}},
               {"kde_bandwidth_m", round_to(m.bandwidth_m, 1e3)},
               {"k_anonymity", m.config.privacy.k},
               {"cells_total", m.cells_total},
               {"cells_suppressed", m.cells_suppressed},
               {"events_used", m.events_used},
               {"rate_unit", "events per day"}};
  if (m.config.privacy.dp_epsilon)
    meta["dp"] = {{"epsilon", *m.config.privacy.dp_epsilon},
                  {"sensitivity", m.config.privacy.dp_sensitivity}};
  return collection(std::move(features), std::move(meta)).dump() + "\n";
}

std::string hotspots_csv(const HotspotMap& m) {
  std::string out = "cell,lon,lat,count,rate,density_km2,z,p,bin,class\n";
  for (const auto& c : m.cells) {
    const LonLat q = m.projection.inverse(m.grid.centre(c.cell));
    out += m.grid.cell_text(c.cell) + "," + num(q.lon, 7) + "," + num(q.lat, 7) + "," +
           num(c.count, 0) + "," + num(c.rate_per_day, 6) + "," + num(c.density_per_km2, 4) + "," +
           num(c.z, 6) + "," + p_text(c.p) + "," + std::to_string(c.bin) + "," +
           std::string(gi_class_name(c.bin)) + "\n";
  }
  return out;
}

std::string flows_geojson(const FlowField& f) {
  json features = json::array();
  for (const auto& c : f.cells) {
    features.push_back(
        {{"type", "Feature"},
         {"id", f.grid.cell_text(c.cell)},
         {"geometry",
          {{"type", "Polygon"}, {"coordinates", ring_of(f.grid, f.projection, c.cell)}}},
         {"properties",
          {{"cell", f.grid.cell_text(c.cell)},
           {"count", c.records},
           {"devices", c.devices},
           {"east_mps", round_to(c.east, 1e4)},
           {"north_mps", round_to(c.north, 1e4)},
           {"speed_mps", round_to(c.speed, 1e4)},
           {"divergence_per_s", c.divergence},
           {"curl_per_s", c.curl},
           {"gradient_ok", c.gradient_ok}}}});
  }
  json meta = {{"window_start", f.window.start},
               {"window_end", f.window.end},
               {"grid", f.grid.kind() == GridKind::kHex ? "hex" : "square"},
               {"cell_size_m", f.grid.size_m()},
               {"records_used", f.records_used},
               {"cells_suppressed", f.cells_suppressed}};
  return collection(std::move(features), std::move(meta)).dump() + "\n";
}

std::string flows_csv(const FlowField& f) {
  std::string out =
      "cell,lon,lat,count,devices,east_mps,north_mps,speed_mps,divergence_per_s,curl_per_s,"
      "gradient_ok\n";
  for (const auto& c : f.cells) {
    const LonLat q = f.projection.inverse(f.grid.centre(c.cell));
    out += f.grid.cell_text(c.cell) + "," + num(q.lon, 7) + "," + num(q.lat, 7) + "," +
           std::to_string(c.records) + "," + std::to_string(c.devices) + "," + num(c.east, 4) +
           "," + num(c.north, 4) + "," + num(c.speed, 4) + "," + p_text(c.divergence) + "," +
           p_text(c.curl) + "," + (c.gradient_ok ? "true" : "false") + "\n";
  }
  return out;
}

std::string anomalies_csv(const Grid& g, const LocalProjection& proj,
                          std::span<const FlowAnomaly> a) {
  std::string out = "cell,lon,lat,metric,value,median,mad,robust_z,p\n";
  for (const auto& x : a) {
    const LonLat q = proj.inverse(g.centre(x.cell));
    out += g.cell_text(x.cell) + "," + num(q.lon, 7) + "," + num(q.lat, 7) + "," +
           std::string(to_string(x.metric)) + "," + p_text(x.value) + "," + p_text(x.median) + "," +
           p_text(x.mad) + "," + num(x.robust_z, 3) + "," + p_text(x.p) + "\n";
  }
  return out;
}

}  // namespace css::geo

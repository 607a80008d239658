// Public outputs of hotspot maps, flow fields and flow anomalies: GeoJSON (RFC 7946) and CSV.
// GeoJSON: a FeatureCollection of Polygon features, one per published cell; positions are
// [lon, lat] in WGS 84 with 7 decimals (~1 cm); each ring is closed (first position repeated
// last) and counter-clockwise (RFC 7946 §3.1.6, right-hand rule); no "crs" member.
// Only aggregates appear: cell id, polygon, counts and statistics — never an event point.
// CSV: one row per cell with its centre instead of the polygon.
#pragma once

#include <span>
#include <string>

#include "css/geo/flows.hpp"
#include "css/geo/hotspots.hpp"

namespace css::geo {

std::string hotspots_geojson(const HotspotMap& map);
std::string hotspots_csv(const HotspotMap& map);
std::string flows_geojson(const FlowField& field);
std::string flows_csv(const FlowField& field);
std::string anomalies_csv(const Grid& grid, const LocalProjection& proj,
                          std::span<const FlowAnomaly> anomalies);

}  // namespace css::geo

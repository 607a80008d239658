// City simulator (issue 17): virtual fixed edge nodes spread over a city that report
// risk events and hourly flow summaries, with planted hotspots and daily/weekly rhythms —
// the ground truth hotspot tests and benchmarks recover.
//
// Events: `events_per_device_day` · devices · days in all; a share `hotspot_share` falls
// around the planted hotspots (isotropic Gaussian, sigma_m), the rest uniformly over the
// bounding box. Times: a uniform day of the run, then a local hour drawn from a daily rhythm
// (quiet 01–06 h, peaks 07–09 h and 17–22 h) and accepted by a weekly weight (Fri/Sat 1.3,
// Sun 0.8). Each event is reported by the nearest node, as a node at a hotspot reads the
// tags around it; positions are coarsened to 4 decimals (~11 m) as nodes do.
// Hotspots sit first on the city's named areas, in file order, then at random in the inner
// 80 % of the box. Flows: one summary per node per `flow_period_s`, a gentle inbound (morning)
// / outbound (evening) drift plus noise; an optional incident makes the nodes within 800 m
// of it move outward at 2 m/s for one hour (sudden dispersal).
// Deterministic for a given seed. Every event passes css::validate_event.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "css/core/event.hpp"
#include "css/core/result.hpp"
#include "css/geo/city.hpp"
#include "css/geo/flows.hpp"

namespace css::geo {

struct Incident {
  LonLat where;
  double start = 0.0;  // Unix s; lasts one hour
};

struct SimCityConfig {
  int devices = 200;
  int days = 30;
  int hotspots = 5;
  std::uint64_t seed = 1;
  double start = 1793588400.0;  // 2026-11-02T03:00:00Z, a Monday 00:00 in São Paulo
  double events_per_device_day = 2.0;
  double hotspot_share = 0.5;
  double hotspot_sigma_m = 150.0;
  bool flows = true;
  double flow_period_s = 3600.0;
  std::optional<Incident> incident;
};

struct PlantedHotspot {
  LonLat centre;
  double sigma_m = 0.0;
  std::string name;  // the named area, or "random-N"
};

struct SimCity {
  std::vector<Event> events;  // sorted by time
  std::vector<FlowRecord> flows;
  std::vector<PlantedHotspot> hotspots;
  std::vector<std::pair<std::string, LonLat>> devices;
};

Result<SimCity> simulate_city(const City& city, const SimCityConfig& config);

// sha256 of "citysafe simulate-city": the `model` field of simulated events.
inline constexpr const char* kSimulatedModel =
    "sha256:198ecca05b309859626ccbe7166143206b3c48aafc6d62b60c313f3ce9ffb93e";

}  // namespace css::geo

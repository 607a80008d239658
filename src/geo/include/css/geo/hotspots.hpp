// Hotspot maps: events in a time window → per-cell counts, rates, kernel density, Getis-Ord
// Gi* z and p, hot/cold classes (nominal or Benjamini–Hochberg FDR), with k-anonymity and
// optional Laplace noise applied before anything is published (privacy.hpp, stats.hpp).
//
// Study area: every cell of the city's grid whose centre lies in the projected bounding box
// (city.hpp), zero cells included — Gi* compares each neighbourhood with the whole area.
// Events outside the box or the window are counted, not used. The result holds only the
// cells that may be published: raw event points never leave this function.
// Rates: events per day of the window (count · 86400 / window length).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "css/core/result.hpp"
#include "css/geo/city.hpp"
#include "css/geo/privacy.hpp"
#include "css/geo/stats.hpp"

namespace css::geo {

struct EventPoint {
  double t = 0.0;  // Unix s
  LonLat where;
};

struct Window {
  double start = 0.0;  // Unix s, inclusive
  double end = 0.0;    // Unix s, exclusive
  double days() const { return (end - start) / 86400.0; }
  bool contains(double t) const { return t >= start && t < end; }
};

// "24h", "7d", "30d", "90m", "3600s" → seconds; an error names the text and the forms.
Result<double> parse_duration(std::string_view text);
// The window of `length_s` ending just after the latest event (or at `end` if given).
Window window_ending(std::span<const EventPoint> events, double length_s,
                     std::optional<double> end = std::nullopt);

struct HotspotConfig {
  int kring = 1;                 // k-ring weights (used when band_m == 0)
  double band_m = 0.0;           // > 0: distance-band weights of this radius instead
  bool fdr = true;               // classes from BH cut-offs (false: nominal 0.10/0.05/0.01)
  double kde_bandwidth_m = 0.0;  // 0: Silverman/ArcGIS rule (stats.hpp)
  PrivacyConfig privacy;
};

struct CellResult {
  Cell cell;
  double count = 0.0;         // events (noisy when DP is on)
  double rate_per_day = 0.0;  // count / window days
  double density_per_km2 = 0.0;
  double z = 0.0, p = 1.0;
  int bin = 0;  // Gi_Bin: ±3/±2/±1/0
};

struct HotspotMap {
  Grid grid;
  LocalProjection projection;
  Window window;
  std::vector<CellResult> cells;  // publishable cells only, in study-area order
  std::size_t events_used = 0, events_outside_area = 0, events_outside_window = 0;
  std::size_t cells_total = 0, cells_suppressed = 0;
  double bandwidth_m = 0.0;
  SignificanceCutoffs cutoffs;
  HotspotConfig config;
};

// Counts per study-area cell of the events inside `w`; tallies what was left out.
std::vector<double> bin_counts(const CellIndex& cells, const LocalProjection& proj,
                               std::span<const EventPoint> events, Window w,
                               std::size_t* outside_area = nullptr,
                               std::size_t* outside_window = nullptr);

Result<HotspotMap> compute_hotspots(const City& city, std::span<const EventPoint> events, Window w,
                                    const HotspotConfig& config);

// Events per hour of the week in local time: index = day · 24 + hour, day 0 = Monday.
std::array<std::uint64_t, 168> weekly_profile(std::span<const EventPoint> events, Window w,
                                              double utc_offset_h);
// The same in the city's time zone (City::offset_h at each event: daylight saving time counts).
std::array<std::uint64_t, 168> weekly_profile(std::span<const EventPoint> events, Window w,
                                              const City& city);
// Local hour of day [0, 24) and day of week (0 = Monday) of a Unix time.
int local_hour(double t, double utc_offset_h);
int local_weekday(double t, double utc_offset_h);

}  // namespace css::geo

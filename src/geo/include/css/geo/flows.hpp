// Flow fields: per-minute (or per-period) flow summaries of fixed nodes → a vector field on
// the city grid, its divergence and curl, and flow anomalies.
//
// A FlowRecord is a node's flow summary (docs/event-schema.md, "Flows") placed at the node's
// location (nodes are fixed; their coarsened position travels with the summary or comes from
// a device table). Per cell: the number of records, the mean velocity weighted by each
// record's GNSS seconds (m/s, east/north), and the speed of that mean.
// Divergence ∂u/∂x + ∂v/∂y and curl ∂v/∂x − ∂u/∂y (1/s) come from a least-squares plane
// fitted to the mean velocities of the cell and its k-ring-1 neighbours that have data
// (at least 3, not collinear; otherwise 0 and `gradient_ok` false). Positive divergence is
// dispersal (people leaving the cell's surroundings), negative is convergence.
//
// Anomalies: for each cell, the value of a metric (divergence, speed, count) in the hour under
// test against the same local hour on each of the previous `baseline_days` days; robust
// z = 0.6745 · (x − median) / MAD (B. Iglewicz & D. C. Hoaglin, "How to Detect and Handle
// Outliers", ASQC 1993), flagged when |z| ≥ 3.5. A MAD of 0 falls back to 1.2533 · mean
// absolute deviation; if that is 0 too, any departure is flagged with z = ±99.
// Multiple testing: an hour tests every (cell, metric) with a baseline, hundreds of tests, so
// |z| ≥ 3.5 alone gives chance alarms. Each test gets a two-sided p, an approximation: the
// normal tail erfc(|z|/√2) is far too small for baselines of days (median and MAD of n = 14
// values are noisy: on pure noise |z| ≥ 3.5 happens ~1.5 % of the time, not 0.05 %), so z is
// referred to a Student t instead, as for a new value against a sample's mean and SD, with the
// median's and the MAD's larger sampling error: t = |z| / √(1 + π/(2n)) (var. of the median
// π/2 · σ²/n) and ν = 0.367 n degrees of freedom (the MAD's 36.7 % efficiency, Rousseeuw &
// Croux, JASA 88, 1993, matched as a χ² scale estimate); p = 2 P(T_ν > t). Exact only for a
// normal baseline; checked on uniform noise by FlowAnomalies.PValuesAreRoughlyUniformOnNoise.
// By default (fdr) a cell is flagged only if also p ≤ the Benjamini–Hochberg cut-off at q over
// all the hour's tests (stats.hpp, the one Gi* uses): the false discovery rate among the
// flagged is held near q, as far as the p are right.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "css/core/result.hpp"
#include "css/geo/city.hpp"
#include "css/geo/hotspots.hpp"

namespace css::geo {

struct FlowRecord {
  std::string device;
  double start = 0.0;    // Unix s of the summary window
  double period = 60.0;  // s
  LonLat where;
  std::uint32_t velocity_seconds = 0;  // weight of the mean
  double east = 0.0, north = 0.0;      // m/s
};

struct FlowCell {
  Cell cell;
  std::uint64_t records = 0;
  std::size_t devices = 0;                      // distinct devices among the records
  double east = 0.0, north = 0.0, speed = 0.0;  // m/s
  double divergence = 0.0, curl = 0.0;          // 1/s
  bool gradient_ok = false;
};

struct FlowField {
  Grid grid;
  LocalProjection projection;
  Window window;
  std::vector<FlowCell> cells;  // cells with at least one record (before suppression)
  std::size_t records_used = 0, cells_suppressed = 0;
};

// min_devices: k-anonymity for flows — a summary describes one device's (one carrier's)
// movement, so cells with records from fewer than k distinct devices are dropped (after the
// gradients are computed, so neighbours still see them; docs/privacy.md).
Result<FlowField> flow_field(const City& city, std::span<const FlowRecord> flows, Window w,
                             int min_devices = kDefaultKAnonymity);

enum class FlowMetric : std::uint8_t { kDivergence, kSpeed, kCount };
std::string_view to_string(FlowMetric m);

struct FlowAnomaly {
  Cell cell;
  FlowMetric metric;
  double value = 0.0, median = 0.0, mad = 0.0, robust_z = 0.0;
  double p = 1.0;  // two-sided, from robust_z and the baseline's size (an approximation, above)
};

struct AnomalyConfig {
  int baseline_days = 14;
  double z_threshold = 3.5;
  int min_baseline = 5;                  // baseline hours with data needed before a cell is judged
  int min_devices = kDefaultKAnonymity;  // k for the hour under test
  bool fdr = true;                       // also require p ≤ the BH cut-off at fdr_q
  double fdr_q = 0.05;                   // (0, 1)
};

// What an hour's tests were, for the caller's summary.
struct AnomalyTests {
  std::size_t tests = 0;  // (cell, metric) pairs with a baseline
  double p_cutoff = -1;   // the BH cut-off (-1: none qualifies), or 1 without fdr
};

// `hour_start`: Unix s of the hour under test. Results sorted by |z|, largest first.
Result<std::vector<FlowAnomaly>> flow_anomalies(const City& city, std::span<const FlowRecord> flows,
                                                double hour_start, const AnomalyConfig& config,
                                                AnomalyTests* tests = nullptr);

// Robust z of x against a baseline sample (see above); sets median and MAD.
double robust_z(double x, std::vector<double> baseline, double* median = nullptr,
                double* mad = nullptr);
// Two-sided p of a robust z against a baseline of n values (the Student t above); 1 for n = 0.
double robust_z_p(double z, std::size_t n);

}  // namespace css::geo

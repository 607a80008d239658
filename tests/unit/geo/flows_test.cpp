// Flow field: divergence and curl of known fields, k-anonymity, anomalies, flow lines.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>
#include <random>

#include "css/geo/event_files.hpp"
#include "css/geo/flows.hpp"
#include "css/geo/simulate.hpp"

namespace css::geo {
namespace {

City test_city() {
  City c;
  c.centre = {-46.6, -23.5};
  c.bbox_min = {-46.64, -23.54};
  c.bbox_max = {-46.56, -23.46};
  return c;
}

// Records at every cell centre of the study area, velocity from `field(x, y)`, 5 per cell
// from 5 devices.
template <typename F>
std::vector<FlowRecord> records(const City& city, F field) {
  const StudyArea a = study_area(city);
  const Grid g = *Grid::make(city.grid, city.cell_size_m);
  const CellIndex idx(g, a.min, a.max);
  std::vector<FlowRecord> out;
  for (const Cell c : idx.cells()) {
    const Xy m = g.centre(c);
    const auto [u, v] = field(m.x, m.y);
    for (int k = 0; k < 5; ++k)
      out.push_back({"n" + std::to_string(k), 100.0, 60.0, a.projection.inverse(m), 60, u, v});
  }
  return out;
}

TEST(FlowField, RadialFieldHasDivergenceTwoCAndNoCurl) {
  const City city = test_city();
  const double c = 1e-3;
  const FlowField f = *flow_field(city,
                                  records(city,
                                          [&](double x, double y) {
                                            return std::pair{c * x, c * y};
                                          }),
                                  {0, 1000}, 5);
  ASSERT_GT(f.cells.size(), 100u);
  for (const auto& cell : f.cells) {
    ASSERT_TRUE(cell.gradient_ok);
    EXPECT_NEAR(cell.divergence, 2 * c, 1e-6);
    EXPECT_NEAR(cell.curl, 0.0, 1e-6);
    EXPECT_EQ(cell.records, 5u);
  }
}

TEST(FlowField, RotationHasCurlTwoOmegaAndNoDivergence) {
  const City city = test_city();
  const double w = 5e-4;
  const FlowField f = *flow_field(city,
                                  records(city,
                                          [&](double x, double y) {
                                            return std::pair{-w * y, w * x};
                                          }),
                                  {0, 1000}, 1);
  for (const auto& cell : f.cells) {
    EXPECT_NEAR(cell.curl, 2 * w, 1e-6);
    EXPECT_NEAR(cell.divergence, 0.0, 1e-6);
    EXPECT_NEAR(cell.speed, std::hypot(cell.east, cell.north), 1e-12);
  }
}

TEST(FlowField, CellsWithFewDevicesAreSuppressed) {
  const City city = test_city();
  auto recs = records(city, [](double, double) { return std::pair{1.0, 0.0}; });
  // Five more records of one device in every cell: still 5 devices, not 10.
  const auto extra = records(city, [](double, double) { return std::pair{1.0, 0.0}; });
  for (auto r : extra) {
    r.device = "n0";
    recs.push_back(r);
  }
  const FlowField k5 = *flow_field(city, recs, {0, 1000}, 5);
  const FlowField k6 = *flow_field(city, recs, {0, 1000}, 6);
  EXPECT_GT(k5.cells.size(), 0u);
  EXPECT_EQ(k6.cells.size(), 0u);
  EXPECT_EQ(k6.cells_suppressed, k5.cells.size());
}

TEST(RobustZ, MedianAndMad) {
  // Baseline 1..9: median 5, |dev| = 4 3 2 1 0 1 2 3 4 → MAD 2; z(15) = 0.6745 · 10 / 2.
  std::vector<double> b = {9, 1, 8, 2, 7, 3, 6, 4, 5};
  double med = 0, mad = 0;
  EXPECT_NEAR(robust_z(15, b, &med, &mad), 0.6745 * 5, 1e-12);
  EXPECT_EQ(med, 5);
  EXPECT_EQ(mad, 2);
  EXPECT_EQ(robust_z(5, std::vector<double>(4, 5.0)), 0.0);
  EXPECT_EQ(robust_z(6, std::vector<double>(4, 5.0)), 99.0);
}

TEST(FlowAnomalies, SuddenDispersalAfterAnIncidentIsFlagged) {
  City city = test_city();
  city.utc_offset_h = -3;
  SimCityConfig cfg;
  cfg.devices = 400;
  cfg.days = 29;
  cfg.hotspots = 0;
  cfg.events_per_device_day = 0.01;
  const LonLat where{-46.6, -23.5};
  cfg.incident = Incident{where, cfg.start + 28 * 86400.0 + 20 * 3600.0};
  const SimCity sim = *simulate_city(city, cfg);
  AnomalyConfig ac;
  ac.baseline_days = 28;
  ac.min_devices = 1;
  const auto anomalies = *flow_anomalies(city, sim.flows, cfg.incident->start, ac);
  ASSERT_GE(anomalies.size(), 3u);
  const LocalProjection p(city.centre);
  const Grid g = *Grid::make(city.grid, city.cell_size_m);
  const Xy inc = p.forward(where);
  auto dist = [&](const FlowAnomaly& a) {
    const Xy m = g.centre(a.cell);
    return std::hypot(m.x - inc.x, m.y - inc.y);
  };
  // The strongest anomalies are at the incident, and positive divergence (dispersal) is one.
  for (std::size_t i = 0; i < 3; ++i) EXPECT_LT(dist(anomalies[i]), 1200.0) << i;
  bool divergence_near = false;
  for (const auto& a : anomalies)
    divergence_near = divergence_near ||
                      (a.metric == FlowMetric::kDivergence && a.robust_z > 3.5 && dist(a) < 1200.0);
  EXPECT_TRUE(divergence_near);
  // An ordinary hour (~400 cells × 3 metrics tested, BH FDR by default) has far fewer alarms
  // than the incident hour.
  const auto quiet = *flow_anomalies(city, sim.flows, cfg.incident->start - 86400.0, ac);
  EXPECT_LT(quiet.size() * 3, anomalies.size()) << quiet.size() << " vs " << anomalies.size();
}

// Issue 17: hundreds of cell tests an hour. Uniformly random flows (every cell, 5 devices,
// velocities uniform in ±1 m/s, the same every day in distribution) have no anomaly at all, so
// every flag is a chance alarm: with BH FDR there must be far fewer than without. A dispersal
// planted in the tested hour on top of the same noise (radial 3e-3 /s within 800 m: divergence
// 6e-3 /s, 2.4 m/s at the edge) is still found, next to where it was planted.
std::vector<FlowRecord> random_flows(const City& city, std::uint64_t seed, int days,
                                     std::optional<Xy> dispersal_at, double test_start) {
  const StudyArea a = study_area(city);
  const Grid g = *Grid::make(city.grid, city.cell_size_m);
  const CellIndex idx(g, a.min, a.max);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::vector<FlowRecord> out;
  for (int d = days; d >= 0; --d) {
    const double start = test_start - d * 86400.0 + 600.0;
    for (const Cell c : idx.cells()) {
      const Xy m = g.centre(c);
      double east = 0, north = 0;
      if (d == 0 && dispersal_at && std::hypot(m.x - dispersal_at->x, m.y - dispersal_at->y) < 800)
        east = 3e-3 * (m.x - dispersal_at->x), north = 3e-3 * (m.y - dispersal_at->y);
      for (int k = 0; k < 5; ++k)
        out.push_back({"n" + std::to_string(k), start, 60.0, a.projection.inverse(m), 60,
                       east + u(rng), north + u(rng)});
    }
  }
  return out;
}

TEST(FlowAnomalies, FdrCutsChanceAlarmsAndKeepsAPlantedDispersal) {
  const City city = test_city();
  const double hour = 1794744000.0;  // 2026-11-15 12:00Z
  AnomalyConfig with_fdr, without;
  with_fdr.min_devices = without.min_devices = 1;
  without.fdr = false;
  std::size_t alarms_fdr = 0, alarms_nominal = 0, tests = 0;
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    const auto flows = random_flows(city, seed, 14, std::nullopt, hour);
    AnomalyTests t;
    const auto a = *flow_anomalies(city, flows, hour, with_fdr, &t);
    const auto b = *flow_anomalies(city, flows, hour, without);
    alarms_fdr += a.size(), alarms_nominal += b.size(), tests += t.tests;
    for (const auto& x : a) EXPECT_LE(x.p, t.p_cutoff);
  }
  std::printf("random flows, 4 seeds, %zu tests: %zu alarms without FDR, %zu with\n", tests,
              alarms_nominal, alarms_fdr);
  EXPECT_GT(tests, 4000u);
  EXPECT_GE(alarms_nominal, 10u);  // the problem: chance alarms at |z| >= 3.5
  EXPECT_LE(alarms_fdr * 5, alarms_nominal);

  const Xy at{300.0, -200.0};
  // FDR, not no false alarm: over the flagged cells, the share away from the dispersal (false
  // discoveries) stays small.
  const Grid g = *Grid::make(city.grid, city.cell_size_m);
  std::size_t flagged = 0, far = 0;
  for (std::uint64_t seed = 21; seed <= 23; ++seed) {
    AnomalyTests t;
    const auto found =
        *flow_anomalies(city, random_flows(city, seed, 14, at, hour), hour, with_fdr, &t);
    EXPECT_GE(t.p_cutoff, 0.0);
    std::size_t near_dispersal = 0;
    for (const auto& x : found) {
      const Xy m = g.centre(x.cell);
      const double d = std::hypot(m.x - at.x, m.y - at.y);
      ++flagged, far += d > 1300.0;
      near_dispersal += x.metric == FlowMetric::kDivergence && x.robust_z > 0 && d < 600;
    }
    EXPECT_GE(near_dispersal, 2u) << seed;
  }
  std::printf("planted dispersal, 3 seeds: %zu flagged, %zu away from it\n", flagged, far);
  EXPECT_GE(flagged, 15u);
  EXPECT_LE(static_cast<double>(far), 0.15 * static_cast<double>(flagged));
}

// The p of the robust z is an approximation (flows.hpp): on noise with no anomaly, the share
// of divergence and speed tests at p ≤ 0.05 and ≤ 0.01 must be near 5 % and 1 % (the normal
// tail of z gives ~1.5 % at |z| ≥ 3.5, where it claims 0.05 %).
TEST(FlowAnomalies, PValuesAreRoughlyUniformOnNoise) {
  const City city = test_city();
  const double hour = 1794744000.0;
  AnomalyConfig all;
  all.min_devices = 1;
  all.fdr = false;
  all.z_threshold = 1e-9;  // every test with z ≠ 0
  std::size_t n = 0, at5 = 0, at1 = 0, beyond35 = 0;
  for (std::uint64_t seed = 11; seed <= 14; ++seed) {
    const auto tested =
        *flow_anomalies(city, random_flows(city, seed, 14, std::nullopt, hour), hour, all);
    for (const auto& a : tested) {
      if (a.metric == FlowMetric::kCount) continue;
      ++n, at5 += a.p <= 0.05, at1 += a.p <= 0.01, beyond35 += std::abs(a.robust_z) >= 3.5;
    }
  }
  const double r5 = static_cast<double>(at5) / static_cast<double>(n),
               r1 = static_cast<double>(at1) / static_cast<double>(n);
  std::printf("noise: %zu tests, p<=0.05 %.4f, p<=0.01 %.4f, |z|>=3.5 %.4f (normal: 0.0005)\n", n,
              r5, r1, static_cast<double>(beyond35) / static_cast<double>(n));
  EXPECT_GT(n, 3000u);
  EXPECT_NEAR(r5, 0.05, 0.02);
  EXPECT_NEAR(r1, 0.01, 0.007);
  EXPECT_EQ(robust_z_p(0.0, 14), 1.0);
  EXPECT_EQ(robust_z_p(3.0, 0), 1.0);
  EXPECT_GT(robust_z_p(3.5, 14), 40 * 4.65e-4);  // far above the normal tail
  EXPECT_LT(robust_z_p(3.5, 100000), 4.7e-4);    // and the normal tail for a long baseline
  EXPECT_GT(robust_z_p(3.5, 100000), 4.6e-4);
}

TEST(FlowAnomalies, FdrQOutsideRangeIsRefused) {
  const City city = test_city();
  for (const double q : {std::nan(""), 0.0, 1.0, -0.1}) {
    AnomalyConfig ac;
    ac.fdr_q = q;
    const auto r = flow_anomalies(city, {}, 0.0, ac);
    ASSERT_FALSE(r.ok()) << q;
    EXPECT_EQ(r.error().message, "anomaly FDR q: expected (0, 1)");
  }
}

// Issue 14: a NaN or negative z threshold used to pass (NaN flagged nothing, -5 everything),
// and an incident at latitude 1000 or NaN was simulated without a word.
TEST(FlowAnomalies, ZThresholdOutsideRangeIsRefused) {
  const City city = test_city();
  for (const double z : {std::nan(""), -5.0, 0.0, 100.0}) {
    AnomalyConfig ac;
    ac.z_threshold = z;
    const auto r = flow_anomalies(city, {}, 0.0, ac);
    ASSERT_FALSE(r.ok()) << z;
    EXPECT_EQ(r.error().message, "anomaly z threshold: expected (0, 99]");
  }
  AnomalyConfig ok;
  ok.z_threshold = 99;
  EXPECT_TRUE(flow_anomalies(city, {}, 0.0, ok).ok());
}

TEST(SimulateCity, IncidentThatIsNoPlaceOrTimeIsRefused) {
  const City city = test_city();
  SimCityConfig cfg;
  cfg.devices = 2;
  cfg.days = 1;
  for (const Incident bad : {Incident{{1000, 1000}, cfg.start}, Incident{{std::nan(""), -23.5}, 0},
                             Incident{{-46.6, std::nan("")}, 0},
                             Incident{{-46.6, -23.5}, std::numeric_limits<double>::infinity()}}) {
    cfg.incident = bad;
    const auto r = simulate_city(city, cfg);
    ASSERT_FALSE(r.ok()) << bad.where.lon << "," << bad.where.lat;
    EXPECT_EQ(r.error().message.rfind("incident: expected lon in [-180, 180]", 0), 0U)
        << r.error().message;
  }
  cfg.incident = Incident{{-46.6, -23.5}, cfg.start};
  EXPECT_TRUE(simulate_city(city, cfg).ok());
}

TEST(FlowLines, RoundTripAndErrorsNameTheLine) {
  const FlowRecord f{"sim-node-0001", 1793588400.0, 3600.0, {-46.6, -23.5}, 3240, 0.25, -1.5};
  const std::string line = flow_record_to_json(f, 2000);
  const auto back = *flow_record_from_json(line);
  EXPECT_EQ(back.device, f.device);
  EXPECT_EQ(back.start, f.start);
  EXPECT_EQ(back.east, f.east);
  EXPECT_EQ(back.north, f.north);
  EXPECT_EQ(back.where.lat, f.where.lat);
  auto bad = parse_flows_jsonl(line + "\n\n{\"schema\":1}\n", "flows.jsonl");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("flows.jsonl:3"), std::string::npos) << bad.error().message;
  // A node's own flow line (no position) takes the device's known position.
  const std::string node_line =
      R"({"schema":1,"device":"pi4-edge-001","start":1716040800.0,"period":60.0,"seconds":{"walking":40},"unclassified":8,"velocity":{"seconds":55,"east":-1.25,"north":0.33}})";
  EXPECT_FALSE(flow_record_from_json(node_line).ok());
  const auto placed = flow_record_from_json(node_line, {{"pi4-edge-001", LonLat{-46.63, -23.55}}});
  ASSERT_TRUE(placed.ok());
  EXPECT_EQ(placed->where.lon, -46.63);
}

}  // namespace
}  // namespace css::geo

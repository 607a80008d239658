// Flow field: divergence and curl of known fields, k-anonymity, anomalies, flow lines.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

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
  // Per-cell tests at |z| ≥ 3.5 without multiple-testing correction: an ordinary hour has a
  // few chance alarms over ~400 cells × 3 metrics, far fewer than the incident hour.
  const auto quiet = *flow_anomalies(city, sim.flows, cfg.incident->start - 86400.0, ac);
  EXPECT_LT(quiet.size() * 3, anomalies.size()) << quiet.size() << " vs " << anomalies.size();
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

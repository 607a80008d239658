// Hotspot maps end to end: planted hotspots recovered, uniform events near the nominal
// false-positive rate (far less with FDR), windows, durations and profiles.
#include <gtest/gtest.h>

#include <cmath>

#include "css/geo/hotspots.hpp"
#include "css/geo/simulate.hpp"

namespace css::geo {
namespace {

City sao_paulo() {
  auto c = load_city_file(std::string(CSS_SOURCE_DIR) + "/cities/sao-paulo.toml");
  EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().message);
  return *c;
}

std::vector<EventPoint> points_of(const std::vector<Event>& events) {
  std::vector<EventPoint> out;
  for (const auto& e : events) out.push_back({e.timestamp, {*e.lon, *e.lat}});
  return out;
}

TEST(Hotspots, PlantedHotspotsAreRecoveredAcrossSeeds) {
  const City city = sao_paulo();
  for (std::uint64_t seed : {1u, 2u, 3u, 4u, 5u}) {
    SimCityConfig cfg;
    cfg.seed = seed;
    cfg.hotspots = 8;  // the 5 named areas and 3 at random
    cfg.flows = false;
    const SimCity sim = *simulate_city(city, cfg);
    const auto pts = points_of(sim.events);
    const Window w{cfg.start, cfg.start + cfg.days * 86400.0};
    const HotspotMap map = *compute_hotspots(city, pts, w, HotspotConfig{});
    // A hot cell (≥ 95 %, FDR) is a true positive when its centre is within 1 km of a planted
    // centre (3σ of the cluster plus one ring of Gi*'s neighbourhood); a hotspot is found when
    // a hot cell lies within 500 m of its centre.
    std::size_t hot = 0, true_hot = 0;
    std::vector<bool> found(sim.hotspots.size(), false);
    for (const auto& c : map.cells) {
      if (c.bin < 2) continue;
      ++hot;
      const Xy m = map.grid.centre(c.cell);
      bool near = false;
      for (std::size_t h = 0; h < sim.hotspots.size(); ++h) {
        const Xy p = map.projection.forward(sim.hotspots[h].centre);
        const double d = std::hypot(m.x - p.x, m.y - p.y);
        near = near || d <= 1000.0;
        if (d <= 500.0) found[h] = true;
      }
      true_hot += near;
    }
    const double precision = hot ? static_cast<double>(true_hot) / static_cast<double>(hot) : 0.0;
    const double recall = static_cast<double>(std::count(found.begin(), found.end(), true)) /
                          static_cast<double>(found.size());
    EXPECT_GE(precision, 0.9) << "seed " << seed << ": " << true_hot << "/" << hot;
    EXPECT_GE(recall, 0.9) << "seed " << seed;
  }
}

// A 10 km × 10 km test city; uniform events, ~20 per cell.
City square_city() {
  City c;
  c.name = "Test";
  c.centre = {-46.6, -23.5};
  c.bbox_min = {-46.649, -23.545};
  c.bbox_max = {-46.551, -23.455};
  c.cell_size_m = 250.0;
  return c;
}

TEST(Hotspots, UniformEventsGiveAboutTheNominalFalsePositiveRate) {
  const City city = square_city();
  double nominal_rate = 0, fdr_rate = 0;
  const int seeds = 4;
  for (int s = 0; s < seeds; ++s) {
    SplitMix64 rng(100 + static_cast<std::uint64_t>(s));
    std::vector<EventPoint> pts;
    for (int i = 0; i < 40000; ++i)
      pts.push_back(
          {1e9 + i,
           {city.bbox_min.lon + rng.uniform() * (city.bbox_max.lon - city.bbox_min.lon),
            city.bbox_min.lat + rng.uniform() * (city.bbox_max.lat - city.bbox_min.lat)}});
    HotspotConfig cfg;
    cfg.privacy.k = 1;
    cfg.fdr = false;
    const Window w{0, 2e9};
    const HotspotMap nominal = *compute_hotspots(city, pts, w, cfg);
    cfg.fdr = true;
    const HotspotMap fdr = *compute_hotspots(city, pts, w, cfg);
    ASSERT_GT(nominal.cells.size(), 600u);
    auto rate = [](const HotspotMap& m) {
      std::size_t sig = 0;
      for (const auto& c : m.cells) sig += std::abs(c.bin) >= 2;
      return static_cast<double>(sig) / static_cast<double>(m.cells.size());
    };
    nominal_rate += rate(nominal) / seeds;
    fdr_rate += rate(fdr) / seeds;
  }
  // Border cells have fewer neighbours; the counts are Poisson, not normal: "about" 5 %.
  EXPECT_GT(nominal_rate, 0.02);
  EXPECT_LT(nominal_rate, 0.08);
  EXPECT_LT(fdr_rate, 0.005);
  EXPECT_LT(fdr_rate, nominal_rate / 10);
}

TEST(Hotspots, WindowSelectsEventsAndRatesArePerDay) {
  const City city = square_city();
  std::vector<EventPoint> pts;
  for (int i = 0; i < 10; ++i) pts.push_back({1000.0 + i, city.centre});
  pts.push_back({200000.0, city.centre});   // outside the window
  pts.push_back({1001.0, {-40.0, -20.0}});  // outside the box
  HotspotConfig cfg;
  cfg.privacy.k = 1;
  const HotspotMap m = *compute_hotspots(city, pts, {0, 2 * 86400.0}, cfg);
  EXPECT_EQ(m.events_used, 10u);
  EXPECT_EQ(m.events_outside_window, 1u);
  EXPECT_EQ(m.events_outside_area, 1u);
  double total = 0;
  for (const auto& c : m.cells) {
    total += c.count;
    if (c.count > 0) {
      EXPECT_DOUBLE_EQ(c.rate_per_day, 5.0);
    }
  }
  EXPECT_EQ(total, 10.0);
}

TEST(Hotspots, BadConfigurationIsAnErrorNotACrash) {
  const City city = square_city();
  HotspotConfig cfg;
  cfg.kring = 0;
  EXPECT_FALSE(compute_hotspots(city, {}, {0, 1}, cfg).ok());
  EXPECT_FALSE(compute_hotspots(city, {}, {1, 1}, HotspotConfig{}).ok());
  cfg = {};
  cfg.privacy.dp_epsilon = -1;
  EXPECT_FALSE(compute_hotspots(city, {}, {0, 1}, cfg).ok());
}

TEST(Durations, ParseAndReject) {
  EXPECT_DOUBLE_EQ(*parse_duration("24h"), 86400.0);
  EXPECT_DOUBLE_EQ(*parse_duration("7d"), 7 * 86400.0);
  EXPECT_DOUBLE_EQ(*parse_duration("90m"), 5400.0);
  EXPECT_DOUBLE_EQ(*parse_duration("1.5d"), 1.5 * 86400.0);
  for (const char* bad : {"", "d", "7", "7w", "-1d", "0h", "nand", "1e999d"})
    EXPECT_FALSE(parse_duration(bad).ok()) << bad;
  // Finite text whose seconds overflow (1e308 d) or outlast 1970..2100 (issue 14).
  for (const char* huge : {"1e308d", "99999999999999999999d", "50000d", "1e10h"}) {
    const auto r = parse_duration(huge);
    ASSERT_FALSE(r.ok()) << huge;
    EXPECT_NE(r.error().message.find("longer than 1970..2100 (at most 47482d)"), std::string::npos)
        << r.error().message;
  }
  EXPECT_TRUE(parse_duration("47000d").ok());
}

TEST(Profiles, LocalHourAndWeekday) {
  // 2026-11-02T03:00:00Z is Monday 00:00 in São Paulo (UTC−3).
  EXPECT_EQ(local_weekday(1793588400.0, -3), 0);
  EXPECT_EQ(local_hour(1793588400.0, -3), 0);
  EXPECT_EQ(local_hour(1793588400.0 - 1, -3), 23);
  EXPECT_EQ(local_weekday(1793588400.0 - 1, -3), 6);
  const std::vector<EventPoint> pts = {{1793588400.0 + 3600 * 20, {}},
                                       {1793588400.0 + 86400 * 5 + 3600, {}}};
  const auto prof = weekly_profile(pts, {0, 2e9}, -3);
  EXPECT_EQ(prof[20], 1u);          // Monday 20 h
  EXPECT_EQ(prof[5 * 24 + 1], 1u);  // Saturday 01 h
}

TEST(Simulator, RhythmsAndValidEvents) {
  const City city = sao_paulo();
  SimCityConfig cfg;
  cfg.days = 14;
  cfg.flows = true;
  cfg.devices = 20;
  const SimCity sim = *simulate_city(city, cfg);
  ASSERT_GT(sim.events.size(), 500u);
  std::array<int, 24> by_hour{};
  for (const auto& e : sim.events) {
    ASSERT_TRUE(validate_event(e).ok()) << validate_event(e).error().message;
    ++by_hour[static_cast<std::size_t>(local_hour(e.timestamp, city.utc_offset_h))];
  }
  EXPECT_GT(by_hour[19], 4 * by_hour[4]);  // evening peak vs the quiet small hours
  EXPECT_EQ(sim.flows.size(), static_cast<std::size_t>(20 * 14 * 24));
  // Deterministic per seed.
  EXPECT_EQ(simulate_city(city, cfg)->events, sim.events);
  cfg.seed = 2;
  EXPECT_NE(simulate_city(city, cfg)->events, sim.events);
}

}  // namespace
}  // namespace css::geo

// TelemetryAggregator windows and JSON, the simulated sources (deterministic, plausible over
// a day) and an EnvStation run of simulated and failing sensors.
#include "css/sensors/telemetry.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "css/sensors/env_sim.hpp"
#include "css/sensors/recorded_i2c_bus.hpp"
#include "css/sensors/sht31.hpp"

namespace css::sensors {
namespace {

EnvReadings temp(double v) {
  EnvReadings r;
  r.set(Quantity::kTemperatureC, v);
  return r;
}

TEST(Telemetry, WindowStatsAndExactJson) {
  TelemetryAggregator agg("pi4-edge-001");
  EXPECT_FALSE(agg.add(1716040800.0, temp(20.0)));
  EXPECT_FALSE(agg.add(1716040830.0, temp(22.0)));
  EnvReadings with_nan = temp(std::nan(""));
  with_nan.set(Quantity::kPm25Ugm3, 12.0);
  EXPECT_FALSE(agg.add(1716040859.9, with_nan));
  EXPECT_FALSE(agg.add_error(1716040859.9, "sht31"));
  auto w = agg.add(1716040860.0, temp(30.0));  // the next minute closes the first
  ASSERT_TRUE(w.has_value());
  EXPECT_DOUBLE_EQ(w->start_s, 1716040800.0);
  EXPECT_EQ(w->get(Quantity::kTemperatureC).count, 2U);
  EXPECT_DOUBLE_EQ(w->get(Quantity::kTemperatureC).mean, 21.0);
  EXPECT_EQ(to_json(*w),
            R"({"schema":1,"device":"pi4-edge-001","start":1716040800.0,"period_s":60.0,)"
            R"("quantities":{"temperature_c":{"n":2,"mean":21.0,"min":20.0,"max":22.0},)"
            R"("pm25_ugm3":{"n":1,"mean":12.0,"min":12.0,"max":12.0}},"errors":{"sht31":1}})");
  EXPECT_FALSE(agg.add(1716040859.0, temp(1.0)));  // older than the open window
  EXPECT_EQ(agg.late_samples(), 1U);
  auto last = agg.flush();
  ASSERT_TRUE(last.has_value());
  EXPECT_DOUBLE_EQ(last->get(Quantity::kTemperatureC).max, 30.0);
  EXPECT_FALSE(agg.flush().has_value());
}

TEST(Telemetry, GapsAreNotEmitted) {
  TelemetryAggregator agg("d", 60.0);
  EXPECT_FALSE(agg.add(0.0, temp(1.0)));
  auto w = agg.add(600.0, temp(2.0));  // ten minutes later: one window, not ten
  ASSERT_TRUE(w.has_value());
  EXPECT_DOUBLE_EQ(w->start_s, 0.0);
  EXPECT_DOUBLE_EQ(agg.flush()->start_s, 600.0);
}

TEST(EnvSim, DeterministicAndOrderIndependent) {
  EnvironmentModel a(EnvSimConfig{});
  EnvSimConfig other;
  other.seed = 2;
  EnvironmentModel b(other);
  SimulatedSensor s1(SimulatedKind::kBme680, a);
  SimulatedSensor s2(SimulatedKind::kBme680, a);
  SimulatedSensor s3(SimulatedKind::kBme680, b);
  const double t0 = 1716040800.0;
  auto late = s2.sample(t0 + 500.0);  // a different polling order…
  auto x = s1.sample(t0);
  auto y = s2.sample(t0);
  ASSERT_TRUE(x.ok() && y.ok() && late.ok());
  for (std::size_t q = 0; q < kQuantityCount; ++q) {
    if (std::isnan(x->value[q])) {
      EXPECT_TRUE(std::isnan(y->value[q]));
    } else {
      EXPECT_EQ(x->value[q], y->value[q]);  // …gives the same reading
    }
  }
  EXPECT_NE(x->get(Quantity::kPressureHpa), s3.sample(t0)->get(Quantity::kPressureHpa));
  EXPECT_FALSE(x->has(Quantity::kPm25Ugm3));  // a BME680 measures no PM
}

TEST(EnvSim, PlausibleDiurnalCycle) {
  EnvironmentModel model(EnvSimConfig{});      // UTC−3
  const double midnight_local = 1716001200.0;  // 2024-05-18 00:00 at UTC−3
  double tmin = 1e9, tmax = -1e9, hour_min = 0, hour_max = 0;
  double lux_night = 0, lux_noon = 0, pm_rush = 0, pm_night = 0, rh_dawn = 0, rh_afternoon = 0;
  for (int m = 0; m < 24 * 60; m += 10) {
    const EnvReadings r = model.truth(midnight_local + m * 60.0);
    const double h = m / 60.0;
    const double t = r.get(Quantity::kTemperatureC);
    if (t < tmin) tmin = t, hour_min = h;
    if (t > tmax) tmax = t, hour_max = h;
    EXPECT_GE(r.get(Quantity::kHumidityPct), 1.0);
    EXPECT_LE(r.get(Quantity::kHumidityPct), 100.0);
    EXPECT_NEAR(r.get(Quantity::kPressureHpa), 925.0, 15.0);
    EXPECT_GT(r.get(Quantity::kGasResistanceOhm), 30000.0);
    if (m == 3 * 60)
      lux_night = r.get(Quantity::kIlluminanceLux), pm_night = r.get(Quantity::kPm25Ugm3);
    if (m == 12 * 60) lux_noon = r.get(Quantity::kIlluminanceLux);
    if (m == 18 * 60) pm_rush = r.get(Quantity::kPm25Ugm3);
    if (m == 6 * 60) rh_dawn = r.get(Quantity::kHumidityPct);
    if (m == 15 * 60) rh_afternoon = r.get(Quantity::kHumidityPct);
  }
  EXPECT_TRUE(hour_min < 9.0 || hour_min > 22.0) << hour_min;  // cool night / early morning
  EXPECT_GT(hour_max, 11.0);
  EXPECT_LT(hour_max, 19.0);
  EXPECT_GT(tmax - tmin, 5.0);
  EXPECT_LT(tmax - tmin, 20.0);
  EXPECT_DOUBLE_EQ(lux_night, 10.0);
  EXPECT_GT(lux_noon, 15000.0);
  EXPECT_GT(pm_rush, 1.5 * pm_night);
  EXPECT_GT(rh_dawn, rh_afternoon);
}

TEST(EnvStation, SimulatedNodeAndAFailingSensorOverThreeMinutes) {
  EnvironmentModel model(EnvSimConfig{});
  SimulatedSensor sht(SimulatedKind::kSht31, model);
  SimulatedSensor bme(SimulatedKind::kBme680, model);
  SimulatedSensor pms(SimulatedKind::kPms7003, model);
  SimulatedSensor lux(SimulatedKind::kBh1750, model);
  SimulatedSensor pir(SimulatedKind::kPir, model);
  auto bus = RecordedI2cBus::from_text("!w 44 24 00\n!w 44 24 00\n", "unplugged sht31");
  ASSERT_TRUE(bus.ok());
  Sht31 broken(*bus);
  TelemetryAggregator agg("pi4-edge-001");
  EnvStation station({&sht, &bme, &pms, &lux, &pir, &broken}, agg);
  std::vector<TelemetryWindow> windows;
  const double t0 = 1716040800.0;
  for (int s = 0; s < 180; ++s) {
    if (auto w = station.poll(t0 + s)) windows.push_back(*w);
  }
  if (auto w = agg.flush()) windows.push_back(*w);
  ASSERT_EQ(windows.size(), 3U);
  for (const auto& w : windows) {
    EXPECT_EQ(w.get(Quantity::kTemperatureC).count, 120U);  // SHT31 and BME680
    EXPECT_EQ(w.get(Quantity::kPm25Ugm3).count, 60U);
    EXPECT_LE(w.get(Quantity::kPm25Ugm3).min, w.get(Quantity::kPm25Ugm3).mean);
    EXPECT_GE(w.get(Quantity::kMotion).mean, 0.0);
    EXPECT_LE(w.get(Quantity::kMotion).mean, 1.0);
  }
  // The script NACKs twice, then every later call fails as unexpected: 60 errors a minute.
  EXPECT_EQ(windows[0].errors.at("sht31"), 60U);
  const auto j = nlohmann::json::parse(to_json(windows[1]));
  EXPECT_EQ(j["device"], "pi4-edge-001");
  EXPECT_EQ(j["start"].get<double>(), t0 + 60.0);
  EXPECT_EQ(j["quantities"].size(), 9U);
  EXPECT_EQ(j["quantities"]["illuminance_lux"]["n"], 60);
}

}  // namespace
}  // namespace css::sensors

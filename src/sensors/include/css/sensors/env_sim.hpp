// Simulated environment-station sources, so the demo and tests have telemetry without
// hardware. Deterministic: a reading is a pure function of (seed, sensor kind, time), so
// the same seed gives the same telemetry whatever the polling order or rate.
//
// EnvironmentModel is the "true" weather at the node (local solar time = UTC + utc_offset_h):
//  - temperature: mean + amplitude · cos(2π (h − 15) / 24) (minimum near dawn, maximum
//    mid-afternoon) + slow weather drift (hourly value noise, σ ≈ 1 °C);
//  - humidity: from a drifting dew point by the Magnus formula (Alduchov & Eskridge 1996:
//    e_s(T) = 6.1094 · exp(17.625 T / (T + 243.04)) hPa), so RH falls as the day warms;
//  - pressure: base + the semidiurnal atmospheric tide (≈ 1 hPa, maxima near 10:00 and
//    22:00 local) + synoptic drift (σ ≈ 3 hPa over 6 h);
//  - illuminance: daylight ∝ sin(π (h − 6) / 12) up to 100 klx under a drifting cloud
//    factor, 10 lx of street lighting at night;
//  - PM and gas: a traffic profile with rush hours at 08:00 and 18:00 raises PM2.5 (PM1 ≈
//    0.65 ×, PM10 ≈ 1.6 × PM2.5) and lowers the BME680 gas resistance (more VOC);
//  - motion: pedestrians passing the PIR as a Poisson process following the same profile.
// SimulatedSensor adds each part's noise and resolution and reports only what that part
// measures (SHT31: T, RH; BME680: T, P, RH, gas; PMS7003: PM; BH1750: lux; PIR: motion).
#pragma once

#include <cstdint>
#include <string_view>

#include "css/sensors/environment.hpp"

namespace css::sensors {

struct EnvSimConfig {
  std::uint64_t seed = 1;
  double utc_offset_h = -3.0;  // São Paulo, the seed's example city
  double mean_temp_c = 21.0;
  double temp_amplitude_c = 5.0;
  double dew_point_c = 13.0;
  double pressure_hpa = 925.0;  // ~760 m above sea level
  double pm25_base_ugm3 = 12.0;
  double gas_clean_ohm = 150000.0;
  double pedestrians_per_min = 4.0;  // at the busiest hour
};

class EnvironmentModel {
 public:
  explicit EnvironmentModel(EnvSimConfig config) : config_(config) {}
  // The true value of every quantity at Unix time t_s (kMotion: probability of motion
  // within one second).
  EnvReadings truth(double t_s) const;
  const EnvSimConfig& config() const { return config_; }

 private:
  EnvSimConfig config_;
};

enum class SimulatedKind : std::uint8_t { kSht31, kBme680, kPms7003, kBh1750, kPir };

class SimulatedSensor final : public EnvSensor {
 public:
  // Borrows the model (it must outlive the sensor).
  SimulatedSensor(SimulatedKind kind, const EnvironmentModel& model) : kind_(kind), model_(model) {}
  std::string_view name() const override;
  Result<EnvReadings> sample(double t_s) override;

 private:
  SimulatedKind kind_;
  const EnvironmentModel& model_;
};

}  // namespace css::sensors

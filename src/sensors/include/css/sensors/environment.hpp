// The environment station's common vocabulary: the quantities it measures, one reading of
// any subset of them, and the EnvSensor seam that real drivers (SHT31, PMS7003, BME680,
// BH1750, PIR) and simulated sources (env_sim.hpp) both implement, so the telemetry
// aggregator and the demo cannot tell them apart.
//
// Units are in the quantity names (STYLE §9). A quantity a sensor does not measure is NaN.
// sample() never throws; a failed read (CRC, NACK, stale frame) is an Error naming the sensor.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

#include "css/core/result.hpp"

namespace css::sensors {

enum class Quantity : std::uint8_t {
  kTemperatureC,      // °C
  kHumidityPct,       // % relative humidity
  kPressureHpa,       // hPa (= 100 Pa)
  kGasResistanceOhm,  // Ω, BME680 MOX heater plate (higher = cleaner air)
  kPm1Ugm3,           // µg/m³, PM1.0 atmospheric environment
  kPm25Ugm3,          // µg/m³, PM2.5
  kPm10Ugm3,          // µg/m³, PM10
  kIlluminanceLux,    // lx
  kMotion,            // PIR: 1 motion seen since the last sample, 0 none (mean = occupancy)
};
inline constexpr std::size_t kQuantityCount = 9;

// "temperature_c", "humidity_pct", … — the JSON keys of docs/event-schema.md "Telemetry".
std::string_view quantity_name(Quantity q);
std::optional<Quantity> quantity_from_name(std::string_view name);

struct EnvReadings {
  std::array<double, kQuantityCount> value;
  EnvReadings() { value.fill(std::numeric_limits<double>::quiet_NaN()); }
  double get(Quantity q) const { return value[static_cast<std::size_t>(q)]; }
  void set(Quantity q, double v) { value[static_cast<std::size_t>(q)] = v; }
  bool has(Quantity q) const { return !std::isnan(get(q)); }
};

class EnvSensor {
 public:
  virtual ~EnvSensor() = default;
  virtual std::string_view name() const = 0;
  // One reading at time `t_s` (s, the caller's clock; simulated sources derive their value
  // from it, drivers ignore it or use it for staleness).
  virtual Result<EnvReadings> sample(double t_s) = 0;
};

}  // namespace css::sensors

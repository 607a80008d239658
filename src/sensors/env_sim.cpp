#include "css/sensors/env_sim.hpp"

#include <algorithm>
#include <cmath>

#include "css/core/units.hpp"

namespace css::sensors {
namespace {

constexpr double kTwoPi = 2.0 * units::kPi;

// splitmix64 finaliser (Steele, Lea, Flood 2014): a well-mixed hash of a 64-bit key.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

std::uint64_t key(std::uint64_t seed, std::uint64_t stream, std::int64_t step) {
  return mix(mix(seed ^ (stream << 56)) ^ static_cast<std::uint64_t>(step));
}

double uniform(std::uint64_t h) {
  return (static_cast<double>(h >> 11) + 0.5) * 0x1.0p-53;
}

// Standard normal from a hash (Box–Muller on two derived uniforms).
double gaussian(std::uint64_t h) {
  const double u1 = uniform(h);
  const double u2 = uniform(mix(h));
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(kTwoPi * u2);
}

// Smooth value noise: N(0,1) knots every `period_s`, cosine-interpolated between them.
double drift(std::uint64_t seed, std::uint64_t stream, double t_s, double period_s) {
  const double x = t_s / period_s;
  const auto i = static_cast<std::int64_t>(std::floor(x));
  const double f = 0.5 - 0.5 * std::cos(units::kPi * (x - static_cast<double>(i)));
  return (1.0 - f) * gaussian(key(seed, stream, i)) + f * gaussian(key(seed, stream, i + 1));
}

double local_hour(double t_s, double offset_h) {
  const double h = std::fmod(t_s / 3600.0 + offset_h, 24.0);
  return h < 0.0 ? h + 24.0 : h;
}

// 0…1 traffic activity: two rush-hour bumps on a daytime plateau.
double traffic(double h) {
  auto bump = [h](double centre) { return std::exp(-0.5 * std::pow((h - centre) / 1.5, 2.0)); };
  const double day = h > 6.0 && h < 22.0 ? 0.3 : 0.05;
  return std::min(1.0, day + bump(8.0) + bump(18.0));
}

// Saturation vapour pressure over water, hPa (Magnus form, Alduchov & Eskridge 1996).
double saturation_hpa(double t_c) {
  return 6.1094 * std::exp(17.625 * t_c / (t_c + 243.04));
}

enum Stream : std::uint64_t { kTemp = 1, kDew, kPress, kCloud, kPm, kNoise };

}  // namespace

EnvReadings EnvironmentModel::truth(double t) const {
  const EnvSimConfig& c = config_;
  const double h = local_hour(t, c.utc_offset_h);
  const double temp = c.mean_temp_c + c.temp_amplitude_c * std::cos(kTwoPi * (h - 15.0) / 24.0) +
                      drift(c.seed, kTemp, t, 3600.0);
  const double dew = std::min(temp, c.dew_point_c + 1.5 * drift(c.seed, kDew, t, 3.0 * 3600.0));
  const double rh = std::clamp(100.0 * saturation_hpa(dew) / saturation_hpa(temp), 1.0, 100.0);
  const double tide = 1.0 * std::cos(kTwoPi * (h - 10.0) / 12.0);
  const double press = c.pressure_hpa + tide + 3.0 * drift(c.seed, kPress, t, 6.0 * 3600.0);
  const double sun = std::max(0.0, std::sin(units::kPi * (h - 6.0) / 12.0));
  const double cloud = std::clamp(0.7 + 0.25 * drift(c.seed, kCloud, t, 1800.0), 0.2, 1.0);
  const double lux = sun > 0.0 ? std::max(10.0, 100000.0 * std::pow(sun, 1.2) * cloud) : 10.0;
  const double activity = traffic(h);
  const double pm25 =
      c.pm25_base_ugm3 * (0.5 + 1.2 * activity) * std::exp(0.25 * drift(c.seed, kPm, t, 7200.0));
  EnvReadings r;
  r.set(Quantity::kTemperatureC, temp);
  r.set(Quantity::kHumidityPct, rh);
  r.set(Quantity::kPressureHpa, press);
  r.set(Quantity::kGasResistanceOhm, c.gas_clean_ohm / (1.0 + 1.5 * activity));
  r.set(Quantity::kPm1Ugm3, 0.65 * pm25);
  r.set(Quantity::kPm25Ugm3, pm25);
  r.set(Quantity::kPm10Ugm3, 1.6 * pm25);
  r.set(Quantity::kIlluminanceLux, lux);
  // Probability that at least one pedestrian passes within a second.
  r.set(Quantity::kMotion, 1.0 - std::exp(-c.pedestrians_per_min * activity / 60.0));
  return r;
}

std::string_view SimulatedSensor::name() const {
  switch (kind_) {
    case SimulatedKind::kSht31:
      return "sim-sht31";
    case SimulatedKind::kBme680:
      return "sim-bme680";
    case SimulatedKind::kPms7003:
      return "sim-pms7003";
    case SimulatedKind::kBh1750:
      return "sim-bh1750";
    case SimulatedKind::kPir:
      return "sim-pir";
  }
  return "sim";
}

Result<EnvReadings> SimulatedSensor::sample(double t_s) {
  const EnvReadings truth = model_.truth(t_s);
  const auto step = static_cast<std::int64_t>(std::floor(t_s * 10.0));  // 0.1 s resolution
  const std::uint64_t stream = kNoise + static_cast<std::uint64_t>(kind_) * 16;
  auto noise = [&](std::uint64_t q) {
    return gaussian(key(model_.config().seed, stream + q, step));
  };
  auto copy = [&](EnvReadings& r, Quantity q, double sigma, double resolution) {
    const double v = truth.get(q) + sigma * noise(static_cast<std::uint64_t>(q));
    r.set(q, std::round(v / resolution) * resolution);
  };
  EnvReadings r;
  switch (kind_) {
    case SimulatedKind::kSht31:  // ±0.2 °C, ±2 %RH typical accuracy; 16-bit words
      copy(r, Quantity::kTemperatureC, 0.05, 175.0 / 65535.0);
      copy(r, Quantity::kHumidityPct, 0.3, 100.0 / 65535.0);
      r.set(Quantity::kHumidityPct, std::clamp(r.get(Quantity::kHumidityPct), 0.0, 100.0));
      break;
    case SimulatedKind::kBme680:  // integer outputs: 0.01 °C, 1 Pa, 0.001 %RH, 1 Ω
      copy(r, Quantity::kTemperatureC, 0.1, 0.01);
      copy(r, Quantity::kPressureHpa, 0.12, 0.01);
      copy(r, Quantity::kHumidityPct, 0.5, 0.001);
      r.set(Quantity::kHumidityPct, std::clamp(r.get(Quantity::kHumidityPct), 0.0, 100.0));
      r.set(Quantity::kGasResistanceOhm,
            std::round(
                truth.get(Quantity::kGasResistanceOhm) *
                std::exp(0.03 * noise(static_cast<std::uint64_t>(Quantity::kGasResistanceOhm)))));
      break;
    case SimulatedKind::kPms7003:  // whole µg/m³, ~10 % counting noise
      for (Quantity q : {Quantity::kPm1Ugm3, Quantity::kPm25Ugm3, Quantity::kPm10Ugm3}) {
        const double v = truth.get(q) * (1.0 + 0.1 * noise(static_cast<std::uint64_t>(q)));
        r.set(q, std::max(0.0, std::round(v)));
      }
      break;
    case SimulatedKind::kBh1750: {  // counts = 1.2 · lux, 16 bits
      const double counts = std::clamp(
          std::round(1.2 * truth.get(Quantity::kIlluminanceLux) *
                     (1.0 + 0.02 * noise(static_cast<std::uint64_t>(Quantity::kIlluminanceLux)))),
          0.0, 65535.0);
      r.set(Quantity::kIlluminanceLux, counts / 1.2);
      break;
    }
    case SimulatedKind::kPir: {
      const double u =
          uniform(key(model_.config().seed, stream, static_cast<std::int64_t>(std::floor(t_s))));
      r.set(Quantity::kMotion, u < truth.get(Quantity::kMotion) ? 1.0 : 0.0);
      break;
    }
  }
  return r;
}

}  // namespace css::sensors

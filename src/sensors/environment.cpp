#include "css/sensors/environment.hpp"

namespace css::sensors {
namespace {

constexpr std::array<std::string_view, kQuantityCount> kNames = {
    "temperature_c",      "humidity_pct",    "pressure_hpa",
    "gas_resistance_ohm", "pm1_ugm3",        "pm25_ugm3",
    "pm10_ugm3",          "illuminance_lux", "motion"};

}  // namespace

std::string_view quantity_name(Quantity q) {
  return kNames[static_cast<std::size_t>(q)];
}

std::optional<Quantity> quantity_from_name(std::string_view name) {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<Quantity>(i);
  }
  return std::nullopt;
}

}  // namespace css::sensors

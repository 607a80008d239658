// The telemetry payload (docs/event-schema.md, "Telemetry"). nlohmann-json is private here.
#include <nlohmann/json.hpp>

#include "css/sensors/telemetry.hpp"

namespace css::sensors {

std::string to_json(const TelemetryWindow& w) {
  nlohmann::ordered_json j;
  j["schema"] = 1;
  j["device"] = w.device;
  j["start"] = w.start_s;
  j["period_s"] = w.period_s;
  nlohmann::ordered_json q = nlohmann::ordered_json::object();
  for (std::size_t i = 0; i < kQuantityCount; ++i) {
    const QuantityStats& s = w.stats[i];
    if (s.count == 0) continue;
    q[std::string(quantity_name(static_cast<Quantity>(i)))] = {
        {"n", s.count}, {"mean", s.mean}, {"min", s.min}, {"max", s.max}};
  }
  j["quantities"] = std::move(q);
  nlohmann::ordered_json e = nlohmann::ordered_json::object();
  for (const auto& [sensor, n] : w.errors) e[sensor] = n;
  j["errors"] = std::move(e);
  return j.dump();
}

}  // namespace css::sensors

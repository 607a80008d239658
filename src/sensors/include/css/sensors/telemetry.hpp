// One-minute telemetry of the environment station, published by the edge as JSON on
// citysafesense/telemetry/<device> (schema: docs/event-schema.md, "Telemetry").
//
// TelemetryAggregator keeps mean / min / max / count per quantity over windows of period_s
// (default 60 s) aligned to multiples of period_s in the caller's clock (Unix seconds), so
// every node's minutes line up. add() returns the finished window when a sample falls in a
// later one; windows with no sample are not emitted. A sample older than the open window is
// dropped and counted (late_samples). NaN values (a quantity the sensor does not measure)
// are ignored. Sensor read errors are counted per sensor name within the window.
//
// EnvStation polls a set of EnvSensor (real or simulated; borrowed) once per call and feeds
// the aggregator; a failed sensor costs that sensor's quantities for the tick, not the tick.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "css/sensors/environment.hpp"

namespace css::sensors {

struct QuantityStats {
  std::uint32_t count = 0;  // 0 = not measured in this window (left out of the JSON)
  double mean = 0.0;
  double min = 0.0;
  double max = 0.0;
};

struct TelemetryWindow {
  std::string device;
  double start_s = 0.0;  // Unix time of the window start, a multiple of period_s
  double period_s = 60.0;
  std::array<QuantityStats, kQuantityCount> stats{};
  std::map<std::string, std::uint64_t> errors;  // sensor name → failed reads in the window

  const QuantityStats& get(Quantity q) const { return stats[static_cast<std::size_t>(q)]; }
};

// The payload JSON (one line, keys as documented); nlohmann-json stays inside the .cpp.
std::string to_json(const TelemetryWindow& window);

class TelemetryAggregator {
 public:
  explicit TelemetryAggregator(std::string device, double period_s = 60.0);
  std::optional<TelemetryWindow> add(double t_s, const EnvReadings& readings);
  std::optional<TelemetryWindow> add_error(double t_s, std::string_view sensor);
  // Closes the open window (at shutdown); nullopt when it holds nothing.
  std::optional<TelemetryWindow> flush();
  std::uint64_t late_samples() const { return late_; }

 private:
  std::optional<TelemetryWindow> roll(double t_s);  // opens the window holding t_s
  struct Acc {
    std::uint32_t n = 0;
    double sum = 0.0, min = 0.0, max = 0.0;
  };
  std::string device_;
  double period_s_;
  bool open_ = false;
  double start_s_ = 0.0;
  std::array<Acc, kQuantityCount> acc_{};
  std::map<std::string, std::uint64_t> errors_;
  std::uint64_t late_ = 0;
};

class EnvStation {
 public:
  EnvStation(std::vector<EnvSensor*> sensors, TelemetryAggregator& aggregator)
      : sensors_(std::move(sensors)), aggregator_(aggregator) {}
  // Samples every sensor at t_s; returns the window that closed, if any.
  std::optional<TelemetryWindow> poll(double t_s);

 private:
  std::vector<EnvSensor*> sensors_;
  TelemetryAggregator& aggregator_;
};

}  // namespace css::sensors

// Payloads for the ingest tests: a valid event / flow / telemetry window for a device, and one
// malformed payload per dead-letter reason that a device can publish through the broker.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "css/core/event.hpp"
#include "css/core/flow.hpp"

namespace css::ingest::test {

inline std::string uuid_for(std::uint64_t n) {
  std::array<std::uint8_t, 16> b{};
  for (int i = 0; i < 8; ++i) b[i] = static_cast<std::uint8_t>(n >> (8 * i));
  b[8] = 0x5a;
  return make_uuid_v4(b);
}

inline Event event_for(const std::string& device, std::uint64_t n, double timestamp) {
  Event e;
  e.id = uuid_for(n);
  e.device = device;
  e.seq = n;
  e.timestamp = timestamp;
  e.event = n % 2 == 0 ? EventKind::kSuddenDisplacement : EventKind::kForcedDisplacement;
  e.probability = 0.9;
  e.vector = {0.1, -1.0, 3.5};
  e.lat = -23.55;
  e.lon = -46.63;
  e.model = "sha256:" + std::string(64, 'a');
  return e;
}

inline std::string event_json(const std::string& device, std::uint64_t n, double timestamp) {
  return to_json(event_for(device, n, timestamp));
}

inline std::string flow_json(const std::string& device, double start) {
  FlowSummary f;
  f.device = device;
  f.start = start;
  f.seconds[0] = 40;
  f.unclassified = 8;
  f.velocity_seconds = 30;
  f.velocity_east = 1.25;
  return to_json(f);
}

inline std::string telemetry_json(const std::string& device, double start,
                                  const std::string& humidity_mean = "55.5") {
  return R"({"schema":1,"device":")" + device + R"(","start":)" + std::to_string(start) +
         R"(,"period_s":60.0,"quantities":{"temperature_c":{"n":120,"mean":17.6,"min":17.4,"max":17.8},)"
         R"("humidity_pct":{"n":60,"mean":)" +
         humidity_mean + R"(,"min":50,"max":60}},"errors":{"sht31":2}})";
}

struct BadPayload {
  std::string reason;  // the dead letter's reason_code
  std::string kind;    // topic level 2
  std::string payload;
};

// One malformed payload per reason a device can send on its own topics (device `device`,
// `other` another valid device id).
inline std::vector<BadPayload> bad_payloads(const std::string& device, const std::string& other,
                                            double t) {
  std::string unknown_type = event_json(device, 900000, t);  // even: sudden_displacement
  unknown_type.replace(unknown_type.find("sudden_displacement"), 19, "snatch");
  std::string out_of_range = event_json(device, 900002, t);
  out_of_range.replace(out_of_range.find("\"probability\":0.9"), 17, "\"probability\":1.7");
  std::string bad_utf8 = event_json(device, 900003, t);
  bad_utf8.replace(bad_utf8.find("sha256:"), 7, "sha\xff\xfe:");
  return {
      {"unknown_event_type", "events", unknown_type},
      {"out_of_range", "events", out_of_range},
      {"payload_too_large", "events", std::string(17 * 1024, ' ') + event_json(device, 900004, t)},
      {"invalid_utf8", "events", bad_utf8},
      {"invalid_json", "events", R"({"schema":1,"device":)"},
      {"device_mismatch", "events", event_json(other, 900005, t)},
      {"invalid_field", "events", R"({"schema":1})"},
      {"unsupported_schema", "events", R"({"schema":7})"},
      {"invalid_status", "status", "maybe"},
      {"out_of_range", "telemetry", telemetry_json(device, 1716040800.0, "140")},
      {"device_mismatch", "flows", flow_json(other, 1716040800.0)},
  };
}

}  // namespace css::ingest::test

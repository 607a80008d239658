// Test helpers for css::store: deterministic events and records, and a temporary directory.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "../data/temp_dir.hpp"
#include "css/core/event.hpp"
#include "css/core/flow.hpp"
#include "css/store/records.hpp"

namespace css::store::testing {

// A distinct, valid UUID per n.
inline std::string uuid_for(std::uint64_t n) {
  std::array<std::uint8_t, 16> bytes{};
  for (int i = 0; i < 8; ++i)
    bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(n >> (8 * i));
  bytes[8] = 0x5a;
  return make_uuid_v4(bytes);
}

struct EventSpec {
  std::uint64_t n = 0;
  double timestamp = 1715982012.5;
  std::string device = "pi4-edge-001";
  EventKind type = EventKind::kSuddenDisplacement;
  std::optional<double> lat = -23.5505, lon = -46.6333;
};

inline Event make_event(const EventSpec& s) {
  Event e;
  e.id = uuid_for(s.n);
  e.device = s.device;
  e.seq = s.n;
  e.timestamp = s.timestamp;
  e.event = s.type;
  e.probability = 0.5 + static_cast<double>(s.n % 50) / 100.0;
  e.vector = {0.12, -1.09 + static_cast<double>(s.n) * 1e-3, 3.88};
  e.lat = s.lat;
  e.lon = s.lon;
  e.model = "sha256:" + std::string(64, 'a');
  return e;
}

inline FlowSummary make_flow(const std::string& device, double start) {
  FlowSummary f;
  f.device = device;
  f.start = start;
  f.period = 60.0;
  f.seconds[1] = 40;  // walking
  f.seconds[3] = 12;  // running
  f.unclassified = 8;
  f.velocity_seconds = 55;
  f.velocity_east = -1.25;
  f.velocity_north = 0.33;
  return f;
}

// A fresh directory per test, removed with the object (shared with the data and core tests).
using css::data::testing::TempDir;

}  // namespace css::store::testing

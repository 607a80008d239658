// Label: what a person (or their device) is doing at one sample (docs/architecture.md, "Canonical
// data"). The numeric values are stored in datasets and model files: never reorder.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace css {

enum class Label : std::uint8_t {
  kStationary = 0,
  kWalking = 1,
  kSlowWalking = 2,
  kRunning = 3,
  kEnteringVehicle = 4,
  kInVehicle = 5,
  kForcedMovement = 6,
  kSnatch = 7,
};

inline constexpr int kLabelCount = 8;
inline constexpr std::array<std::string_view, kLabelCount> kLabelNames = {
    "stationary",       "walking",    "slow_walking",    "running",
    "entering_vehicle", "in_vehicle", "forced_movement", "snatch"};

constexpr std::string_view to_string(Label l) {
  return kLabelNames[static_cast<int>(l)];
}

constexpr std::optional<Label> label_from_string(std::string_view name) {
  for (int i = 0; i < kLabelCount; ++i) {
    if (kLabelNames[i] == name) return static_cast<Label>(i);
  }
  return std::nullopt;
}

constexpr std::optional<Label> label_from_index(int index) {
  if (index < 0 || index >= kLabelCount) return std::nullopt;
  return static_cast<Label>(index);
}

// Risky labels raise events; everything else is normal life.
constexpr bool is_risky(Label l) {
  return l == Label::kForcedMovement || l == Label::kSnatch;
}

}  // namespace css

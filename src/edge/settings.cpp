// The detector's settings table (detector.*): listed by `citysafe config`, documented in
// docs/configuration.md (generated), read by detector_config_from.
#include "css/edge/settings.hpp"

#include <array>

namespace css::edge {
namespace {

using T = SettingType;

constexpr std::array kDetectorSettings = {
    SettingSpec{.name = "detector.rate_hz",
                .type = T::kDouble,
                .default_value = "50",
                .unit = "Hz",
                .doc = "Samples per second the detector is fed (one model output per sample).",
                .min = 0.0,
                .max = 1000.0,
                .min_exclusive = true},
    SettingSpec{.name = "detector.smoothing_ms",
                .type = T::kDouble,
                .default_value = "150",
                .unit = "ms",
                .doc = "EMA time constant of each risky class probability; 0 = no smoothing.",
                .min = 0.0,
                .max = 10000.0},
    SettingSpec{.name = "detector.enter_threshold",
                .type = T::kDouble,
                .default_value = "0.8",
                .unit = "",
                .doc = "Smoothed risk (sum of the risky classes) that starts an event; chosen on "
                       "validation streams for models/default.csm (docs/evaluation.md).",
                .min = 0.0,
                .max = 1.0,
                .min_exclusive = true},
    SettingSpec{.name = "detector.exit_threshold",
                .type = T::kDouble,
                .default_value = "0.35",
                .unit = "",
                .doc = "Smoothed risk below which the detector re-arms; must be below "
                       "detector.enter_threshold.",
                .min = 0.0,
                .max = 1.0},
    SettingSpec{.name = "detector.min_duration_ms",
                .type = T::kDouble,
                .default_value = "200",
                .unit = "ms",
                .doc = "Risk must stay at or above the enter threshold this long before firing.",
                .min = 0.0,
                .max = 60000.0},
    SettingSpec{.name = "detector.cooldown_s",
                .type = T::kDouble,
                .default_value = "10",
                .unit = "s",
                .doc = "No second event sooner than this after one.",
                .min = 0.0,
                .max = 86400.0},
    SettingSpec{.name = "detector.vector_window_s",
                .type = T::kDouble,
                .default_value = "1",
                .unit = "s",
                .doc = "The event's movement vector is the mean acceleration over this span "
                       "(at most 400 samples at detector.rate_hz).",
                .min = 0.0,
                .max = 400.0,
                .min_exclusive = true},
    SettingSpec{.name = "detector.gravity_tau_s",
                .type = T::kDouble,
                .default_value = "10",
                .unit = "s",
                .doc = "EMA time constant of the gravity estimate removed from the vector.",
                .min = 0.0,
                .min_exclusive = true},
};

}  // namespace

std::span<const SettingSpec> detector_settings() {
  return kDetectorSettings;
}

Result<DetectorConfig> detector_config_from(const Config& c) {
  DetectorConfig d;
  d.rate_hz = c.get_double("detector.rate_hz");
  d.smoothing_ms = c.get_double("detector.smoothing_ms");
  d.enter_threshold = c.get_double("detector.enter_threshold");
  d.exit_threshold = c.get_double("detector.exit_threshold");
  d.min_duration_ms = c.get_double("detector.min_duration_ms");
  d.cooldown_s = c.get_double("detector.cooldown_s");
  d.vector_window_s = c.get_double("detector.vector_window_s");
  d.gravity_tau_s = c.get_double("detector.gravity_tau_s");
  if (auto st = validate(d); !st) return st.error();
  return d;
}

}  // namespace css::edge

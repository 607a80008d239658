// The geo.hotspots.* and geo.flows.* settings table (settings.hpp).
#include "css/geo/settings.hpp"

#include <array>

namespace css::geo {
namespace {

using T = SettingType;

constexpr std::array kGeoSettings = {
    SettingSpec{.name = "geo.hotspots.city",
                .type = T::kString,
                .default_value = "sao-paulo",
                .unit = "",
                .doc = "City name (cities/NAME.toml) or a .toml file."},
    SettingSpec{.name = "geo.hotspots.window",
                .type = T::kString,
                .default_value = "7d",
                .unit = "",
                .doc = "Time window: 24h, 7d, 30d, 90m, 3600s ..."},
    SettingSpec{.name = "geo.hotspots.weights",
                .type = T::kString,
                .default_value = "kring",
                .unit = "",
                .doc = "Gi* neighbourhood: kring or band."},
    SettingSpec{.name = "geo.hotspots.k_ring",
                .type = T::kInt,
                .default_value = "1",
                .unit = "",
                .doc = "k of the k-ring (weights = kring).",
                .min = 1,
                .max = 50},
    SettingSpec{.name = "geo.hotspots.band_m",
                .type = T::kDouble,
                .default_value = "0",
                .unit = "m",
                .doc = "Distance band (weights = band; needs > 0 then).",
                .min = 0,
                .max = 50000},
    SettingSpec{.name = "geo.hotspots.fdr",
                .type = T::kBool,
                .default_value = "true",
                .unit = "",
                .doc = "Classes from Benjamini-Hochberg FDR cut-offs (false: nominal p "
                       "0.10/0.05/0.01)."},
    SettingSpec{.name = "geo.hotspots.kde_bandwidth_m",
                .type = T::kDouble,
                .default_value = "0",
                .unit = "m",
                .doc = "KDE bandwidth (0 = Silverman/ArcGIS rule).",
                .min = 0,
                .max = 50000},
    SettingSpec{.name = "geo.hotspots.k",
                .type = T::kInt,
                .default_value = "5",
                .unit = "events",
                .doc = "k-anonymity: suppress cells with 1..k-1 events (1 = off).",
                .min = 1,
                .max = 1000000},
    SettingSpec{.name = "geo.hotspots.dp_epsilon",
                .type = T::kDouble,
                .default_value = "0",
                .unit = "",
                .doc = "Differential privacy: Laplace noise with this epsilon (0 = off).",
                .min = 0,
                .max = 100},
    SettingSpec{.name = "geo.hotspots.dp_sensitivity",
                .type = T::kDouble,
                .default_value = "1",
                .unit = "events",
                .doc = "Events one person can add to one cell in the window.",
                .min = 0,
                .max = 1e6,
                .min_exclusive = true},
    SettingSpec{.name = "geo.hotspots.seed",
                .type = T::kInt,
                .default_value = "24301",
                .unit = "",
                .doc = "Seed of the DP noise (same seed, same noise).",
                .min = 0},
    SettingSpec{.name = "geo.flows.city",
                .type = T::kString,
                .default_value = "sao-paulo",
                .unit = "",
                .doc = "City name (cities/NAME.toml) or a .toml file."},
    SettingSpec{.name = "geo.flows.window",
                .type = T::kString,
                .default_value = "24h",
                .unit = "",
                .doc = "Time window of the flow field: 1h, 24h, 7d ..."},
    SettingSpec{.name = "geo.flows.cell_size_m",
                .type = T::kDouble,
                .default_value = "0",
                .unit = "m",
                .doc = "Cell size, 10-100000 (0 = the city file's; flows want coarser cells).",
                .min = 0,
                .max = 100000},
    SettingSpec{.name = "geo.flows.k",
                .type = T::kInt,
                .default_value = "5",
                .unit = "devices",
                .doc = "k-anonymity: suppress cells with summaries from fewer than k devices.",
                .min = 1,
                .max = 1000000},
    SettingSpec{.name = "geo.flows.baseline_days",
                .type = T::kInt,
                .default_value = "14",
                .unit = "days",
                .doc = "Anomalies: days of baseline at the same hour.",
                .min = 1,
                .max = 366},
    SettingSpec{.name = "geo.flows.anomaly_z",
                .type = T::kDouble,
                .default_value = "3.5",
                .unit = "",
                .doc = "Anomalies: robust z threshold (|z| is capped at 99).",
                .min = 0,
                .max = 99,
                .min_exclusive = true},
    SettingSpec{.name = "geo.flows.fdr",
                .type = T::kBool,
                .default_value = "true",
                .unit = "",
                .doc = "Anomalies: also require p within the Benjamini-Hochberg cut-off "
                       "(false: every |z| over the threshold, more chance alarms)."},
    SettingSpec{.name = "geo.flows.fdr_q",
                .type = T::kDouble,
                .default_value = "0.05",
                .unit = "",
                .doc = "Anomalies: false discovery rate.",
                .min = 0,
                .max = 1,
                .min_exclusive = true,
                .max_exclusive = true},
};

Error bad(std::string message) {
  return make_error(ErrorCode::kInvalidArgument, std::move(message));
}

}  // namespace

std::span<const SettingSpec> geo_settings() {
  return kGeoSettings;
}

Result<HotspotSettings> hotspot_settings_from(const Config& c) {
  HotspotSettings s;
  s.city = c.get_string("geo.hotspots.city");
  s.window = c.get_string("geo.hotspots.window");
  const std::string& weights = c.get_string("geo.hotspots.weights");
  if (weights != "kring" && weights != "band")
    return bad("geo.hotspots.weights: '" + weights + "': expected kring or band");
  HotspotConfig& h = s.config;
  h.kring = static_cast<int>(c.get_int("geo.hotspots.k_ring"));
  h.band_m = weights == "band" ? c.get_double("geo.hotspots.band_m") : 0.0;
  if (weights == "band" && !(h.band_m > 0))
    return bad("geo.hotspots.band_m: weights = band needs a band > 0 m");
  h.fdr = c.get_bool("geo.hotspots.fdr");
  h.kde_bandwidth_m = c.get_double("geo.hotspots.kde_bandwidth_m");
  h.privacy.k = static_cast<int>(c.get_int("geo.hotspots.k"));
  if (const double eps = c.get_double("geo.hotspots.dp_epsilon"); eps != 0.0)
    h.privacy.dp_epsilon = eps;
  h.privacy.dp_sensitivity = c.get_double("geo.hotspots.dp_sensitivity");
  h.privacy.seed = static_cast<std::uint64_t>(c.get_int("geo.hotspots.seed"));
  return s;
}

Result<FlowSettings> flow_settings_from(const Config& c) {
  FlowSettings s;
  s.city = c.get_string("geo.flows.city");
  s.window = c.get_string("geo.flows.window");
  s.cell_size_m = c.get_double("geo.flows.cell_size_m");
  if (s.cell_size_m != 0.0 && s.cell_size_m < 10)
    return bad("geo.flows.cell_size_m: expected 0 (the city's) or 10-100000 m");
  s.k = static_cast<int>(c.get_int("geo.flows.k"));
  s.anomaly.baseline_days = static_cast<int>(c.get_int("geo.flows.baseline_days"));
  s.anomaly.z_threshold = c.get_double("geo.flows.anomaly_z");
  s.anomaly.fdr = c.get_bool("geo.flows.fdr");
  s.anomaly.fdr_q = c.get_double("geo.flows.fdr_q");
  s.anomaly.min_devices = s.k;
  return s;
}

}  // namespace css::geo

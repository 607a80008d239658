// The geo.hotspots.* settings table of `citysafe hotspots`: defaults equal HotspotConfig's (so
// the table and the struct cannot drift apart), a nested TOML [geo.hotspots] section and --set
// reach the analysis, and what the table cannot check names the setting.
#include <gtest/gtest.h>

#include "css/geo/settings.hpp"

namespace css::geo {
namespace {

TEST(GeoSettings, DefaultsAreHotspotConfigDefaults) {
  auto s = hotspot_settings_from(Config(geo_settings()));
  ASSERT_TRUE(s.ok()) << s.error().message;
  const HotspotConfig d;
  EXPECT_EQ(s->config.kring, d.kring);
  EXPECT_EQ(s->config.band_m, d.band_m);
  EXPECT_EQ(s->config.fdr, d.fdr);
  EXPECT_EQ(s->config.kde_bandwidth_m, d.kde_bandwidth_m);
  EXPECT_EQ(s->config.privacy.k, d.privacy.k);
  EXPECT_EQ(s->config.privacy.dp_epsilon, d.privacy.dp_epsilon);
  EXPECT_EQ(s->config.privacy.dp_sensitivity, d.privacy.dp_sensitivity);
  EXPECT_EQ(s->config.privacy.seed, d.privacy.seed);
  const HotspotSettings defaults;
  EXPECT_EQ(s->city, defaults.city);
  EXPECT_EQ(s->window, defaults.window);
}

TEST(GeoSettings, TomlAndSetReachTheAnalysis) {
  Config c(geo_settings());
  ASSERT_TRUE(c.load_toml_string("[geo.hotspots]\nweights = \"band\"\nband_m = 600.0\n"
                                 "window = \"30d\"\ndp_epsilon = 0.5\n",
                                 "geo.toml")
                  .ok());
  ASSERT_TRUE(c.set_assignment("geo.hotspots.k=1").ok());
  ASSERT_TRUE(c.set_assignment("geo.hotspots.fdr=false").ok());
  auto s = hotspot_settings_from(c);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->window, "30d");
  EXPECT_EQ(s->config.band_m, 600.0);
  EXPECT_EQ(s->config.privacy.k, 1);
  EXPECT_FALSE(s->config.fdr);
  ASSERT_TRUE(s->config.privacy.dp_epsilon.has_value());
  EXPECT_EQ(*s->config.privacy.dp_epsilon, 0.5);
  // k-ring weights ignore a band the file also gives.
  ASSERT_TRUE(c.set_assignment("geo.hotspots.weights=kring").ok());
  s = hotspot_settings_from(c);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->config.band_m, 0.0);
}

TEST(GeoSettings, BadValuesNameTheSetting) {
  Config c(geo_settings());
  for (const char* bad : {"geo.hotspots.k_ring=0", "geo.hotspots.k=0",
                          "geo.hotspots.dp_sensitivity=0", "geo.hotspots.dp_epsilon=101"}) {
    const Status st = c.set_assignment(bad);
    ASSERT_FALSE(st.ok()) << bad;
    const std::string name(bad, std::string_view(bad).find('='));
    EXPECT_NE(st.error().message.find(name), std::string::npos) << st.error().message;
  }
  ASSERT_TRUE(c.set_assignment("geo.hotspots.weights=queen").ok());
  auto s = hotspot_settings_from(c);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("geo.hotspots.weights"), std::string::npos);
  ASSERT_TRUE(c.set_assignment("geo.hotspots.weights=band").ok());
  s = hotspot_settings_from(c);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("geo.hotspots.band_m"), std::string::npos);
}

TEST(GeoSettings, FlowDefaultsAreAnomalyConfigDefaults) {
  auto s = flow_settings_from(Config(geo_settings()));
  ASSERT_TRUE(s.ok()) << s.error().message;
  const AnomalyConfig d;
  EXPECT_EQ(s->anomaly.baseline_days, d.baseline_days);
  EXPECT_EQ(s->anomaly.z_threshold, d.z_threshold);
  EXPECT_EQ(s->anomaly.fdr, d.fdr);
  EXPECT_EQ(s->anomaly.fdr_q, d.fdr_q);
  EXPECT_EQ(s->anomaly.min_devices, d.min_devices);
  const FlowSettings defaults;
  EXPECT_EQ(s->k, defaults.k);
  EXPECT_EQ(s->city, defaults.city);
  EXPECT_EQ(s->window, defaults.window);
  EXPECT_EQ(s->cell_size_m, defaults.cell_size_m);
}

TEST(GeoSettings, FlowSettingsFromTomlAndTheirBounds) {
  Config c(geo_settings());
  ASSERT_TRUE(c.load_toml_string("[geo.flows]\nk = 3\nbaseline_days = 7\nfdr_q = 0.1\n"
                                 "cell_size_m = 500.0\n",
                                 "flows.toml")
                  .ok());
  auto s = flow_settings_from(c);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->k, 3);
  EXPECT_EQ(s->anomaly.min_devices, 3);  // the anomaly hour is k-anonymous too
  EXPECT_EQ(s->anomaly.baseline_days, 7);
  EXPECT_EQ(s->anomaly.fdr_q, 0.1);
  EXPECT_EQ(s->cell_size_m, 500.0);
  for (const char* bad : {"geo.flows.k=0", "geo.flows.baseline_days=367", "geo.flows.anomaly_z=0",
                          "geo.flows.fdr_q=0", "geo.flows.fdr_q=1"})
    EXPECT_FALSE(c.set_assignment(bad).ok()) << bad;
  for (const char* bad : {"geo.flows.cell_size_m=5"}) {
    ASSERT_TRUE(c.set_assignment(bad).ok()) << bad;
    s = flow_settings_from(c);
    ASSERT_FALSE(s.ok()) << bad;
    const std::string name(bad, std::string_view(bad).find('='));
    EXPECT_NE(s.error().message.find(name), std::string::npos) << s.error().message;
    ASSERT_TRUE(c.set_assignment(name + "=0").ok());
  }
}

}  // namespace
}  // namespace css::geo

// The simulator's settings table (src/sim/settings.cpp): defaults and bounds.
#include "css/sim/settings.hpp"

#include <gtest/gtest.h>

#include "css/core/config.hpp"

namespace css::sim {
namespace {

TEST(SimSettings, Defaults) {
  Config c(sim_settings());
  EXPECT_DOUBLE_EQ(c.get_double("sim.duration_s"), 60.0);
  EXPECT_EQ(c.get_int("sim.seed"), 42);
  EXPECT_EQ(c.get_int("sim.devices"), 1);
  EXPECT_EQ(c.get_string("sim.scenario"), "mix");
  EXPECT_DOUBLE_EQ(c.get_double("sim.origin_lat"), -23.5505);
  EXPECT_DOUBLE_EQ(c.get_double("sim.origin_lon"), -46.6333);
  EXPECT_FALSE(c.get_bool("sim.augment"));
  for (const SettingSpec& s : sim_settings()) {
    EXPECT_FALSE(s.doc.empty()) << s.name;
    EXPECT_EQ(s.name.rfind("sim.", 0), 0u) << s.name;
  }
}

TEST(SimSettings, Bounds) {
  Config c(sim_settings());
  EXPECT_FALSE(c.set("sim.duration_s", "0").ok());
  EXPECT_TRUE(c.set("sim.duration_s", "604800").ok());
  EXPECT_FALSE(c.set("sim.duration_s", "604800.5").ok());
  EXPECT_FALSE(c.set("sim.devices", "0").ok());
  EXPECT_TRUE(c.set("sim.devices", "10000").ok());
  EXPECT_FALSE(c.set("sim.devices", "10001").ok());
  EXPECT_FALSE(c.set("sim.origin_lat", "-90.1").ok());
  EXPECT_FALSE(c.set("sim.origin_lon", "180.1").ok());
}

}  // namespace
}  // namespace css::sim

// The edge.* settings table: defaults equal NodeConfig's, TOML and --set reach the runtime
// config, and the checks the table cannot express name the flag.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "css/core/settings.hpp"
#include "css/edge/settings.hpp"
#include "css/node/settings.hpp"

namespace css::node {
namespace {

Config edge_config() {
  const std::array tables = {SettingsTable{"edge", "", "", edge_settings()},
                             SettingsTable{"detector", "", "", edge::detector_settings()}};
  return Config(concat_settings(tables));
}

TEST(EdgeSettings, DefaultsAreNodeConfigDefaults) {
  auto run = edge_run_from(edge_config());
  ASSERT_TRUE(run.ok()) << run.error().message;
  const NodeConfig defaults;
  EXPECT_EQ(run->node.location_precision_m, defaults.location_precision_m);
  EXPECT_EQ(run->node.flow_period_s, defaults.flow_period_s);
  EXPECT_EQ(run->node.drain_ms, defaults.drain_ms);
  EXPECT_EQ(run->node.telemetry, defaults.telemetry);
  EXPECT_EQ(run->node.publisher.heartbeat_s, PublisherOptions{}.heartbeat_s);
  EXPECT_EQ(run->node.device, "pi4-edge-001");
  EXPECT_EQ(run->node.publisher.events_topic, "citysafesense/events/pi4-edge-001");
  EXPECT_EQ(run->node.publisher.mqtt.username, "pi4-edge-001");  // user = device by default
  ASSERT_EQ(run->node.publisher.mqtt.brokers.size(), 1u);
  EXPECT_EQ(run->node.publisher.mqtt.brokers[0].port, 8883);
  EXPECT_EQ(run->source, "sim");
}

TEST(EdgeSettings, TomlAndSetReachTheRuntime) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("css-edge-settings-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "pw") << "s3cret\r\n";
  Config c = edge_config();
  ASSERT_TRUE(
      c.load_toml_string("[edge]\ndevice_id = \"node-7\"\nmqtt = \"a.example,b.example:9000\"\n"
                         "location_precision_m = 250.0\n[detector]\ncooldown_s = 3.0\n",
                         "edge.toml")
          .ok());
  ASSERT_TRUE(c.set_assignment("edge.password_file=" + (dir / "pw").string()).ok());
  auto run = edge_run_from(c);
  ASSERT_TRUE(run.ok()) << run.error().message;
  EXPECT_EQ(run->node.device, "node-7");
  EXPECT_EQ(run->node.location_precision_m, 250.0);
  EXPECT_EQ(run->node.pipeline.detector.cooldown_s, 3.0);
  EXPECT_EQ(run->node.publisher.mqtt.password, "s3cret");
  ASSERT_EQ(run->node.publisher.mqtt.brokers.size(), 2u);
  EXPECT_EQ(run->node.publisher.mqtt.brokers[1].port, 9000);
  std::filesystem::remove_all(dir);
}

// The example a Pi installer copies (docs/deploy-raspberry-pi.md) must load: every key known,
// every value in range, and what it says reaches the runtime.
TEST(EdgeSettings, TheShippedDeployFileLoads) {
  Config c = edge_config();
  const auto loaded = c.load_toml_file(CSS_SOURCE_DIR "/deploy/edge.toml");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  ASSERT_TRUE(c.set("edge.password_file", "").ok());  // the Pi's file does not exist here
  auto run = edge_run_from(c);
  ASSERT_TRUE(run.ok()) << run.error().message;
  EXPECT_EQ(run->node.device, "pi4-edge-001");
  EXPECT_EQ(run->node.publisher.mqtt.brokers.size(), 2u);
  EXPECT_EQ(run->source, "imu:/dev/i2c-1@0x68");
  EXPECT_TRUE(run->env_sensors.empty());  // env_sensors = "sim"
}

TEST(EdgeSettings, ErrorsNameTheFlag) {
  Config c = edge_config();
  ASSERT_TRUE(c.set("edge.client_cert", "c.pem").ok());
  auto run = edge_run_from(c);
  ASSERT_FALSE(run.ok());
  EXPECT_NE(run.error().message.find("--client-key"), std::string::npos);
  Config d = edge_config();
  ASSERT_TRUE(d.set("edge.password_file", "/nonexistent/pw").ok());
  run = edge_run_from(d);
  ASSERT_FALSE(run.ok());
  EXPECT_NE(run.error().message.find("--password-file"), std::string::npos);
  EXPECT_FALSE(edge_config().set("edge.location_precision_m", "5").ok());
}

}  // namespace
}  // namespace css::node

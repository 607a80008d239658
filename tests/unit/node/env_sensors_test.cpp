// The real environment station of `citysafe edge --env-sensors …`: the edge.env_sensors
// syntax, and real drivers (SHT31 + BH1750 on one scripted I2C bus, a PMS7003 on a real
// pseudo-terminal fed the recorded tests/data/sensors/pms7003_stream.bin, a PIR on a sysfs
// value file) opened by EnvRig whose readings reach a TelemetryWindow, read errors counted.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "../sensors/pty.hpp"
#include "../sensors/test_data.hpp"
#include "css/core/settings.hpp"
#include "css/edge/settings.hpp"
#include "css/node/env_sensors.hpp"
#include "css/node/settings.hpp"
#include "css/sensors/recorded_i2c_bus.hpp"

namespace css::node {
namespace {

using sensors::Quantity;
using sensors::RecordedI2cBus;

constexpr const char* kInit =
    "w 44 30 A2\nd 2\n"    // SHT31 soft reset
    "w 23 01\nw 23 07\n";  // BH1750 power on, reset
constexpr const char* kSht31Good = "w 44 24 00\nd 16\nr 44 : 64 34 56 7B 64 DF\n";  // 23.5 °C
constexpr const char* kSht31BadCrc = "w 44 24 00\nd 16\nr 44 : 64 34 56 7B 64 DE\n";
constexpr const char* kBh1750 = "w 23 20\nd 180\nr 23 : 83 90\n";  // 28067 lx

// An opener handing out one scripted bus for /dev/i2c-test, and counting how often it is asked.
struct ScriptedOpener {
  std::string script;
  RecordedI2cBus* bus = nullptr;
  int opens = 0;
  I2cOpener opener() {
    return [this](const std::string& path) -> Result<std::unique_ptr<sensors::I2cBus>> {
      ++opens;
      if (path != "/dev/i2c-test") return make_error(ErrorCode::kNotFound, "no " + path);
      auto b = RecordedI2cBus::from_text(script, path);
      if (!b) return b.error();
      auto owned = std::make_unique<RecordedI2cBus>(std::move(*b));
      bus = owned.get();
      return std::unique_ptr<sensors::I2cBus>(std::move(owned));
    };
  }
};

std::filesystem::path temp_dir(const char* name) {
  auto dir = std::filesystem::temp_directory_path() /
             (std::string(name) + "-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir;
}

Config edge_config() {
  const std::array tables = {SettingsTable{"edge", "", "", edge_settings()},
                             SettingsTable{"detector", "", "", edge::detector_settings()}};
  return Config(concat_settings(tables));
}

TEST(EnvSensorsSpec, ParsesEveryKindWithDefaultsAndArguments) {
  EXPECT_TRUE(is_simulated_env("sim"));
  auto s = parse_env_sensors(
      "sht31:/dev/i2c-1,bh1750:/dev/i2c-1@0x5C,bme680:/dev/i2c-1,pms7003:/dev/ttyUSB0,"
      "pir:/dev/gpiochip0@17,pir:/sys/class/gpio/gpio27/value");
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_EQ(s->size(), 6U);
  EXPECT_EQ((*s)[0].kind, "sht31");
  EXPECT_EQ((*s)[0].address, 0x44);
  EXPECT_EQ((*s)[1].address, 0x5C);
  EXPECT_EQ((*s)[2].address, 0x76);
  EXPECT_EQ((*s)[3].path, "/dev/ttyUSB0");
  EXPECT_EQ((*s)[4].gpio_line, 17U);
  EXPECT_EQ((*s)[5].path, "/sys/class/gpio/gpio27/value");
}

TEST(EnvSensorsSpec, BadSyntaxNamesTheKeyAndTheToken) {
  for (const char* bad :
       {"", "sht31", "sht30:/dev/i2c-1", "sht31:", "sht31:/dev/i2c-1@0x90", "bh1750:/dev/i2c-1@zz",
        "pms7003:/dev/ttyUSB0@9600", "pir:/dev/gpiochip0", "sht31:/dev/i2c-1,,bh1750:/dev/i2c-1",
        "sht31:/dev/i2c-1,sht31:/dev/i2c-1"}) {
    auto s = parse_env_sensors(bad);
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(s.error().message.find("edge.env_sensors: '"), std::string::npos)
        << s.error().message;
  }
  auto s = parse_env_sensors("sht31:/dev/i2c-1,bme680:/dev/i2c-1@0x99");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("'bme680:/dev/i2c-1@0x99'"), std::string::npos)
      << s.error().message;
}

TEST(EnvSensorsSpec, TheSettingReachesTheRunAndSimIsTheDefault) {
  auto def = edge_run_from(edge_config());
  ASSERT_TRUE(def.ok()) << def.error().message;
  EXPECT_TRUE(def->env_sensors.empty());
  Config c = edge_config();
  ASSERT_TRUE(c.set("edge.env_sensors", "sht31:/dev/i2c-1,pms7003:/dev/ttyAMA0").ok());
  auto run = edge_run_from(c);
  ASSERT_TRUE(run.ok()) << run.error().message;
  ASSERT_EQ(run->env_sensors.size(), 2U);
  EXPECT_EQ(run->env_sensors[1].kind, "pms7003");
  Config d = edge_config();
  ASSERT_TRUE(d.set("edge.env_sensors", "tsl2591:/dev/i2c-1").ok());
  auto bad = edge_run_from(d);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("edge.env_sensors: 'tsl2591:/dev/i2c-1'"), std::string::npos)
      << bad.error().message;
}

// deploy/edge.toml ships the real-parts example commented out: it must stay valid syntax.
TEST(EnvSensorsSpec, TheDeployFilesCommentedExampleParses) {
  std::ifstream in(CSS_SOURCE_DIR "/deploy/edge.toml");
  ASSERT_TRUE(in.good());
  const std::string prefix = "# env_sensors = \"";
  std::string line;
  std::string example;
  while (std::getline(in, line))
    if (line.rfind(prefix, 0) == 0)
      example = line.substr(prefix.size(), line.size() - prefix.size() - 1);
  ASSERT_FALSE(example.empty()) << "no commented env_sensors example in deploy/edge.toml";
  auto s = parse_env_sensors(example);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->size(), 5U);
}

TEST(EnvRig, RealReadingsReachATelemetryWindowAndReadErrorsAreCounted) {
  sensors::testing::Pty pty;
  ASSERT_TRUE(pty.ok());
  const auto dir = temp_dir("css-env-rig");
  const auto pir_value = dir / "value";
  std::ofstream(pir_value) << "1\n";
  ScriptedOpener scripted{std::string(kInit) + kSht31Good + kBh1750 + kSht31BadCrc + kBh1750};
  auto specs = parse_env_sensors("sht31:/dev/i2c-test,bh1750:/dev/i2c-test,pms7003:" + pty.slave() +
                                 ",pir:" + pir_value.string());
  ASSERT_TRUE(specs.ok()) << specs.error().message;
  auto rig = EnvRig::open(*specs, scripted.opener());
  ASSERT_TRUE(rig.ok()) << rig.error().message;
  EXPECT_EQ(scripted.opens, 1);  // both I2C parts share the adapter
  ASSERT_EQ((*rig)->sensors().size(), 4U);

  pty.write_all(sensors::testing::read_bytes("pms7003_stream.bin"));
  sensors::TelemetryAggregator agg("node-1", 60.0);
  sensors::EnvStation station((*rig)->sensors(), agg);
  EXPECT_FALSE(station.poll(600.0).has_value());
  EXPECT_FALSE(station.poll(601.0).has_value());  // SHT31 CRC fails here; PMS7003 frame is 1 s old
  auto w = agg.flush();
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(w->device, "node-1");
  EXPECT_DOUBLE_EQ(w->start_s, 600.0);
  EXPECT_EQ(w->get(Quantity::kTemperatureC).count, 1U);
  EXPECT_NEAR(w->get(Quantity::kTemperatureC).mean, 23.5, 0.003);
  EXPECT_NEAR(w->get(Quantity::kHumidityPct).mean, 48.2, 0.002);
  EXPECT_EQ(w->get(Quantity::kIlluminanceLux).count, 2U);
  EXPECT_NEAR(w->get(Quantity::kIlluminanceLux).mean, 28066.67, 0.01);
  EXPECT_EQ(w->get(Quantity::kPm25Ugm3).count, 2U);
  EXPECT_DOUBLE_EQ(w->get(Quantity::kPm25Ugm3).max, 15.0);  // the newest recorded frame
  EXPECT_EQ(w->get(Quantity::kMotion).count, 2U);
  EXPECT_DOUBLE_EQ(w->get(Quantity::kMotion).mean, 1.0);
  EXPECT_EQ(w->errors.at("sht31"), 1U);
  EXPECT_EQ(w->errors.count("bh1750"), 0U);
  ASSERT_NE(scripted.bus, nullptr);
  EXPECT_TRUE(scripted.bus->verify().ok()) << scripted.bus->verify().error().message;
  std::filesystem::remove_all(dir);
}

TEST(EnvRig, APartThatFailsToOpenIsAnIoErrorNamingTheDevice) {
  const auto dir = temp_dir("css-env-rig-fail");
  const auto not_a_tty = dir / "ttyFAKE";
  std::ofstream(not_a_tty) << "x";
  ScriptedOpener scripted{std::string(kInit)};
  struct Case {
    std::string spec;
    std::string names;
  };
  const std::vector<Case> cases = {
      {"pms7003:" + not_a_tty.string(), "pms7003 on " + not_a_tty.string()},
      {"sht31:/dev/i2c-9", "sht31 on /dev/i2c-9 at 0x44"},
      {"bh1750:/dev/i2c-test@0x5C", "bh1750 on /dev/i2c-test at 0x5C"},  // NACK: not scripted
      {"pir:" + (dir / "missing").string(), "pir on " + (dir / "missing").string()},
  };
  for (const auto& c : cases) {
    auto specs = parse_env_sensors(c.spec);
    ASSERT_TRUE(specs.ok()) << specs.error().message;
    auto rig = EnvRig::open(*specs, scripted.opener());
    ASSERT_FALSE(rig.ok()) << c.spec;
    EXPECT_EQ(rig.error().code, ErrorCode::kIo) << rig.error().message;
    EXPECT_NE(rig.error().message.find("edge.env_sensors: " + c.names), std::string::npos)
        << rig.error().message;
  }
  std::filesystem::remove_all(dir);
}

TEST(EnvPoller, PollsOnItsThreadAndStopFlushesTheWindow) {
  const auto dir = temp_dir("css-env-poller");
  const auto pir_value = dir / "value";
  std::ofstream(pir_value) << "0\n";
  auto specs = parse_env_sensors("pir:" + pir_value.string());
  ASSERT_TRUE(specs.ok());
  auto rig = EnvRig::open(*specs, linux_i2c_opener());
  ASSERT_TRUE(rig.ok()) << rig.error().message;
  EnvPoller poller((*rig)->sensors(), "node-2", 3600.0, 0.01);
  std::vector<sensors::TelemetryWindow> windows;
  for (int i = 0; i < 200 && windows.empty(); ++i) {  // bounded: at most ~2 s
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    for (auto& w : poller.take()) windows.push_back(std::move(w));  // only at an hour boundary
    if (i == 20) {
      for (auto& w : poller.stop()) windows.push_back(std::move(w));
    }
  }
  ASSERT_FALSE(windows.empty());
  std::uint32_t samples = 0;
  for (const auto& w : windows) samples += w.get(Quantity::kMotion).count;
  EXPECT_GE(samples, 5U);  // ~20 polls in 0.2 s
  EXPECT_EQ(windows.back().device, "node-2");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace css::node

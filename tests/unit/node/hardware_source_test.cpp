// The real-sensor source of `citysafe edge --source imu:… --gnss …`: MPU6050s on a scripted
// I2C bus (sensors::RecordedI2cBus, the recorded init of tests/data/sensors/mpu6050_50hz.i2c)
// fused per sample, a u-blox session (tests/data/sensors/ublox_session.nmea) written into a
// real pseudo-terminal, and the spec parsing behind the flags.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <thread>

#include "../sensors/pty.hpp"
#include "../sensors/test_data.hpp"
#include "css/core/units.hpp"
#include "css/node/hardware_source.hpp"
#include "css/sensors/recorded_i2c_bus.hpp"

namespace css::node {
namespace {

using sensors::RecordedI2cBus;
using sensors::testing::Pty;

// The MPU6050 init at `addr` as the recorded script has it (WHO_AM_I answers 0x68 at either
// address: AD0 only moves the bus address).
std::string mpu_init(const std::string& addr) {
  return "wr " + addr + " 75 : 68\nw " + addr + " 6B 80\nd 100\nw " + addr + " 6B 01\nw " + addr +
         " 1A 03\nw " + addr + " 19 13\nw " + addr + " 1B 08\nw " + addr + " 1C 08\n";
}
// One burst read: az = 8192 · k (k g at ±4 g), gx = 655 (10 °/s).
std::string mpu_read(const std::string& addr, int k, bool nack = false) {
  char az[8];
  std::snprintf(az, sizeof az, "%02X %02X", (8192 * k >> 8) & 0xFF, (8192 * k) & 0xFF);
  return std::string(nack ? "!" : "") + "wr " + addr + " 3B : 00 00 00 00 " + az +
         " 00 00 02 8F 00 00 00 00\n";
}

std::unique_ptr<sensors::I2cBus> bus_of(const std::string& script) {
  auto bus = RecordedI2cBus::from_text(script, "test bus");
  EXPECT_TRUE(bus.ok()) << bus.error().message;
  return std::make_unique<RecordedI2cBus>(std::move(bus).value());
}

HardwareSpec spec_for(std::vector<std::uint8_t> addresses) {
  HardwareSpec s;
  s.i2c_path = "/dev/i2c-test";
  s.addresses = std::move(addresses);
  return s;
}

TEST(HardwareSource, ReadsTheImuAt50HzAndFailsNamingTheBusWhenItGoesQuiet) {
  std::string script = mpu_init("68");
  for (int i = 0; i < 3; ++i) script += mpu_read("68", 1);
  auto src = make_hardware_source(spec_for({0x68}), bus_of(script), std::nullopt, false);
  ASSERT_TRUE(src.ok()) << src.error().message;
  for (int i = 0; i < 3; ++i) {
    auto f = (*src)->next();
    ASSERT_TRUE(f.ok() && f->has_value()) << (f.ok() ? "end" : f.error().message);
    EXPECT_DOUBLE_EQ((*f)->t, i / 50.0);
    EXPECT_FLOAT_EQ((*f)->acc[2], static_cast<float>(units::kGravity));
    EXPECT_NEAR((*f)->gyro[0], units::deg_to_rad(10.0), 1e-5);
    EXPECT_FALSE((*f)->gnss_fix);
    EXPECT_TRUE(std::isnan((*f)->spl));
  }
  // The script is over: every read fails; after 1 s of samples the source says so.
  auto quiet = (*src)->next();
  ASSERT_FALSE(quiet.ok());
  EXPECT_EQ(quiet.error().code, ErrorCode::kIo);
  EXPECT_NE(quiet.error().message.find("/dev/i2c-test"), std::string::npos);
  EXPECT_NE(quiet.error().message.find("no IMU answered for 1 s"), std::string::npos);
}

TEST(HardwareSource, TwoImusAreFusedAndOneThatNacksIsLeftOut) {
  std::string script = mpu_init("68") + mpu_init("69");
  script += mpu_read("68", 1) + mpu_read("69", 1);
  script += mpu_read("68", 1, true) + mpu_read("69", 2);  // 0x68 NACKs: 0x69 alone (2 g)
  auto src = make_hardware_source(spec_for({0x68, 0x69}), bus_of(script), std::nullopt, false);
  ASSERT_TRUE(src.ok()) << src.error().message;
  auto a = (*src)->next();
  ASSERT_TRUE(a.ok() && a->has_value());
  EXPECT_FLOAT_EQ((*a)->acc[2], static_cast<float>(units::kGravity));
  auto b = (*src)->next();
  ASSERT_TRUE(b.ok() && b->has_value()) << (b.ok() ? "end" : b.error().message);
  EXPECT_FLOAT_EQ((*b)->acc[2], static_cast<float>(2.0 * units::kGravity));
}

TEST(HardwareSource, AWrongChipIsRefusedAtStartNamingTheAddress) {
  auto src = make_hardware_source(spec_for({0x68}), bus_of("wr 68 75 : 70\n"), std::nullopt, false);
  ASSERT_FALSE(src.ok());
  EXPECT_NE(src.error().message.find("mpu6050 at 0x68"), std::string::npos) << src.error().message;
}

TEST(HardwareSource, GnssFixesFromAPtyRideOnTheFramesUntilStale) {
  Pty pty;
  ASSERT_TRUE(pty.ok());
  auto reader = sensors::GnssReader::open(pty.slave(), 9600);
  ASSERT_TRUE(reader.ok()) << reader.error().message;
  const int ticks = 200;  // 4 s of samples: the fix goes stale after kGnssStaleS
  std::string script = mpu_init("68");
  for (int i = 0; i < ticks; ++i) script += mpu_read("68", 1);
  auto spec = spec_for({0x68});
  spec.gnss_path = pty.slave();
  auto src = make_hardware_source(spec, bus_of(script), std::move(*reader), false);
  ASSERT_TRUE(src.ok()) << src.error().message;
  pty.write_all(sensors::testing::read_bytes("ublox_session.nmea"));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // through the line discipline
  std::vector<SensorFrame> frames;
  for (int i = 0; i < ticks; ++i) {
    auto f = (*src)->next();
    ASSERT_TRUE(f.ok() && f->has_value()) << (f.ok() ? "end" : f.error().message);
    frames.push_back(**f);
  }
  // The session's last valid fix: 2333.02580 S 04637.99314 W, 2.720 kn at 45°.
  ASSERT_TRUE(frames.front().gnss_fix);
  EXPECT_NEAR(frames.front().lat, -(23.0 + 33.02580 / 60.0), 1e-7);
  EXPECT_NEAR(frames.front().lon, -(46.0 + 37.99314 / 60.0), 1e-7);
  EXPECT_NEAR(frames.front().gnss_speed, 2.720 * 1852.0 / 3600.0, 1e-3);
  EXPECT_FLOAT_EQ(frames.front().gnss_course, 45.0F);
  const auto stale = static_cast<std::size_t>(kGnssStaleS * 50.0) + 1;
  EXPECT_TRUE(frames[stale - 1].gnss_fix);
  EXPECT_FALSE(frames[stale].gnss_fix);
  EXPECT_FALSE(frames.back().gnss_fix);
}

TEST(HardwareSource, SpecsParseAndErrorsNameTheFlag) {
  HardwareSpec s;
  ASSERT_TRUE(parse_imu_source("imu:/dev/i2c-1", s).ok());
  EXPECT_EQ(s.i2c_path, "/dev/i2c-1");
  EXPECT_EQ(s.addresses, std::vector<std::uint8_t>{0x68});
  ASSERT_TRUE(parse_imu_source("imu:/dev/i2c-3@0x68,0x69", s).ok());
  EXPECT_EQ(s.i2c_path, "/dev/i2c-3");
  EXPECT_EQ(s.addresses, (std::vector<std::uint8_t>{0x68, 0x69}));
  for (const char* bad : {"imu:", "imu:/dev/i2c-1@", "imu:/dev/i2c-1@0x7f",
                          "imu:/dev/i2c-1@0x68,0x68", "imu:/dev/i2c-1@sixty", "sim"}) {
    auto st = parse_imu_source(bad, s);
    ASSERT_FALSE(st.ok()) << bad;
    EXPECT_NE(st.error().message.find("--source"), std::string::npos) << st.error().message;
  }
  ASSERT_TRUE(parse_gnss_spec("/dev/ttyAMA0", s).ok());
  EXPECT_EQ(s.gnss_path, "/dev/ttyAMA0");
  EXPECT_EQ(s.gnss_baud, 9600);
  ASSERT_TRUE(parse_gnss_spec("/dev/ttyUSB0@38400", s).ok());
  EXPECT_EQ(s.gnss_baud, 38400);
  for (const char* bad : {"", "@9600", "/dev/ttyAMA0@12345", "/dev/ttyAMA0@fast"}) {
    auto st = parse_gnss_spec(bad, s);
    ASSERT_FALSE(st.ok()) << bad;
    EXPECT_NE(st.error().message.find("--gnss"), std::string::npos) << st.error().message;
  }
  EXPECT_TRUE(check_imu_driver("icm20948").ok());
  EXPECT_FALSE(check_imu_driver("bmi160").ok());
}

}  // namespace
}  // namespace css::node

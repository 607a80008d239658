// MPU6050 / ICM20948 drivers against scripted I2C transactions (tests/data/sensors/*.i2c):
// the exact init sequence, the conversion to m/s² and rad/s, and the failure paths.
#include <gtest/gtest.h>

#include <cmath>

#include "css/core/units.hpp"
#include "css/sensors/imu.hpp"
#include "css/sensors/recorded_i2c_bus.hpp"
#include "test_data.hpp"

namespace css::sensors {
namespace {

constexpr double kG = units::kGravity;
const double kDps = units::deg_to_rad(1.0);

RecordedI2cBus script(const std::string& file) {
  auto bus = RecordedI2cBus::from_file(testing::data_path(file));
  EXPECT_TRUE(bus.ok()) << bus.error().message;
  return std::move(bus).value();
}

TEST(Mpu6050, InitAndReadFollowTheRecordedScript) {
  RecordedI2cBus bus = script("mpu6050_50hz.i2c");
  Mpu6050 imu(bus, ImuConfig{});
  ASSERT_TRUE(imu.init().ok()) << bus.verify().error().message;
  EXPECT_DOUBLE_EQ(imu.rate_hz(), 50.0);
  auto s = imu.read();
  ASSERT_TRUE(s.ok());
  EXPECT_FLOAT_EQ(s->acc_mps2[2], static_cast<float>(kG));
  EXPECT_FLOAT_EQ(s->acc_mps2[0], 0.0F);
  EXPECT_NEAR(s->gyro_rps[0], 10.0 * kDps, 1e-6);
  EXPECT_NEAR(s->gyro_rps[2], -10.0 * kDps, 1e-6);
  EXPECT_NEAR(s->temperature_c, -521.0 / 340.0 + 36.53, 1e-4);
  auto full = imu.read();
  ASSERT_TRUE(full.ok());
  EXPECT_FLOAT_EQ(full->acc_mps2[0], static_cast<float>(-4.0 * kG));
  EXPECT_NEAR(full->acc_mps2[1], 32767.0 / 8192.0 * kG, 1e-4);
  EXPECT_NEAR(full->gyro_rps[1], 32767.0 / 65.5 * kDps, 1e-5);
  EXPECT_TRUE(bus.verify().ok()) << bus.verify().error().message;
}

TEST(Mpu6050, WrongWhoAmIIsNotFound) {
  auto bus = RecordedI2cBus::from_text("wr 68 75 : 70\n", "mpu6500");  // an MPU6500 answers 0x70
  ASSERT_TRUE(bus.ok());
  Mpu6050 imu(*bus, ImuConfig{});
  auto st = imu.init();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kNotFound);
  EXPECT_NE(st.error().message.find("WHO_AM_I is 0x70"), std::string::npos);
}

TEST(Mpu6050, NackDuringResetIsAnIoError) {
  auto bus = RecordedI2cBus::from_text("wr 68 75 : 68\n!w 68 6B 80\n", "nack");
  ASSERT_TRUE(bus.ok());
  Mpu6050 imu(*bus, ImuConfig{});
  auto st = imu.init();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kIo);
  EXPECT_TRUE(bus->verify().ok());
}

TEST(Mpu6050, ADifferentRangeIsCaughtByTheScript) {
  RecordedI2cBus bus = script("mpu6050_50hz.i2c");
  ImuConfig config;
  config.gyro_range = GyroRange::k2000dps;  // the script expects FS_SEL 1
  Mpu6050 imu(bus, config);
  EXPECT_FALSE(imu.init().ok());
  auto v = bus.verify();
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.error().message.find("expected write 0x68 [1B 08], got write 0x68 [1B 18]"),
            std::string::npos)
      << v.error().message;
}

TEST(Icm20948, InitAndReadFollowTheRecordedScript) {
  RecordedI2cBus bus = script("icm20948_50hz.i2c");
  ImuConfig config;
  config.address = 0x69;
  Icm20948 imu(bus, config);
  ASSERT_TRUE(imu.init().ok()) << bus.verify().error().message;
  EXPECT_DOUBLE_EQ(imu.rate_hz(), 50.0);
  auto s = imu.read();
  ASSERT_TRUE(s.ok());
  EXPECT_FLOAT_EQ(s->acc_mps2[2], static_cast<float>(kG));
  EXPECT_NEAR(s->gyro_rps[0], 10.0 * kDps, 1e-6);
  EXPECT_NEAR(s->temperature_c, 1336.0 / 333.87 + 21.0, 1e-4);
  EXPECT_TRUE(bus.verify().ok()) << bus.verify().error().message;
}

TEST(Icm20948, AnMpu6050AtTheAddressIsRefused) {
  auto bus = RecordedI2cBus::from_text("w 68 7F 00\nwr 68 00 : 00\n", "mpu at icm");
  ASSERT_TRUE(bus.ok());
  Icm20948 imu(*bus, ImuConfig{});
  auto st = imu.init();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("expected 0xEA"), std::string::npos);
}

TEST(RecordedI2cBus, ScriptErrorsNameTheLine) {
  for (const char* bad : {"x 68\n", "w 68\n", "wr 68 75\n", "r 44 : zz\n", "w 1FF 00\n", "d -5\n",
                          "r 44 00 : 01\n"}) {
    auto bus = RecordedI2cBus::from_text(std::string("# header\n") + bad, "bad.i2c");
    ASSERT_FALSE(bus.ok()) << bad;
    EXPECT_EQ(bus.error().code, ErrorCode::kParse);
    EXPECT_NE(bus.error().message.find("bad.i2c:2:"), std::string::npos) << bus.error().message;
  }
}

TEST(RecordedI2cBus, ShortDelayExtraAndMissingTransactionsFail) {
  auto bus = RecordedI2cBus::from_text("d 15\nr 44 : 01 02\n", "s");
  ASSERT_TRUE(bus.ok());
  bus->delay_ms(10);  // too short
  EXPECT_FALSE(bus->verify().ok());

  auto rest = RecordedI2cBus::from_text("r 44 : 01 02\n", "s");
  ASSERT_TRUE(rest.ok());
  EXPECT_FALSE(rest->verify().ok());  // not played
  std::array<std::uint8_t, 2> in{};
  ASSERT_TRUE(rest->read(0x44, in).ok());
  EXPECT_EQ(in[1], 0x02);
  EXPECT_TRUE(rest->verify().ok());
  EXPECT_FALSE(rest->read(0x44, in).ok());  // after the end
  EXPECT_FALSE(rest->verify().ok());
}

TEST(LinuxI2cBus, MissingAdapterAndNonAdapterAreErrors) {
  auto missing = LinuxI2cBus::open(250);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("/dev/i2c-250"), std::string::npos);
  auto not_i2c = LinuxI2cBus::open_path("/dev/null");
  ASSERT_FALSE(not_i2c.ok());
  EXPECT_NE(not_i2c.error().message.find("not an i2c-dev adapter"), std::string::npos);
  EXPECT_FALSE(LinuxI2cBus::open(-1).ok());
}

}  // namespace
}  // namespace css::sensors

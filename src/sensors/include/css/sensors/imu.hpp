// IMU drivers over I2C: InvenSense MPU6050 and ICM20948 (accelerometer + gyroscope).
//
// Contract:
//  - init() checks WHO_AM_I, resets the device, wakes it on the gyro PLL clock, sets the
//    full-scale ranges, a low-pass filter below Nyquist and the sample rate nearest to
//    config.rate_hz. A wrong WHO_AM_I is kNotFound naming the bus address and the value read.
//  - read() is one burst read of the accel + temperature + gyro registers (so the axes come
//    from the same sample) and converts with the configured range's sensitivity:
//    acc in m/s² (device frame, gravity included), gyro in rad/s, temperature in °C.
//  - The driver borrows the bus (it must outlive the driver) and holds no other resource.
// Sources: MPU-6000/6050 Register Map RM-MPU-6000A-00 rev 4.2 and Product Specification
// PS-MPU-6000A-00 rev 3.4; ICM-20948 Datasheet DS-000189 rev 1.3.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "css/core/result.hpp"
#include "css/sensors/i2c_bus.hpp"

namespace css::sensors {

enum class AccelRange : std::uint8_t { k2g = 0, k4g = 1, k8g = 2, k16g = 3 };
enum class GyroRange : std::uint8_t { k250dps = 0, k500dps = 1, k1000dps = 2, k2000dps = 3 };

struct ImuConfig {
  std::uint8_t address = 0x68;  // AD0 low; 0x69 with AD0 high (both parts)
  AccelRange accel_range = AccelRange::k4g;
  GyroRange gyro_range = GyroRange::k500dps;
  double rate_hz = 50.0;  // DESIGN §3: the system's IMU rate
};

struct ImuSample {
  std::array<float, 3> acc_mps2{};
  std::array<float, 3> gyro_rps{};
  float temperature_c = 0.0F;
};

// Sensitivities shared by both parts: accel 16384 LSB/g at ±2 g, halving per range step;
// gyro 131, 65.5, 32.8, 16.4 LSB/(°/s) (PS-MPU-6000A §6.1–6.2; DS-000189 Tables 1–2).
double accel_lsb_per_g(AccelRange r);
double gyro_lsb_per_dps(GyroRange r);
// Big-endian int16 at p[0..1], as both parts store their output registers.
std::int16_t be_i16(const std::uint8_t* p);
// Converts big-endian accel and gyro triplets (6 bytes each) with the configured ranges.
void convert_imu(const std::uint8_t* accel, const std::uint8_t* gyro, const ImuConfig& config,
                 ImuSample& out);

class Imu {
 public:
  virtual ~Imu() = default;
  virtual Status init() = 0;
  virtual Result<ImuSample> read() = 0;
  virtual std::string_view name() const = 0;
  // The output data rate the device was set to (Hz), valid after init().
  virtual double rate_hz() const = 0;
};

class Mpu6050 final : public Imu {
 public:
  Mpu6050(I2cBus& bus, ImuConfig config) : bus_(bus), config_(config) {}
  Status init() override;
  Result<ImuSample> read() override;
  std::string_view name() const override { return "mpu6050"; }
  double rate_hz() const override { return rate_hz_; }

 private:
  I2cBus& bus_;
  ImuConfig config_;
  double rate_hz_ = 0.0;
};

class Icm20948 final : public Imu {
 public:
  Icm20948(I2cBus& bus, ImuConfig config) : bus_(bus), config_(config) {}
  Status init() override;
  Result<ImuSample> read() override;
  std::string_view name() const override { return "icm20948"; }
  double rate_hz() const override { return rate_hz_; }

 private:
  Status select_bank(std::uint8_t bank);
  I2cBus& bus_;
  ImuConfig config_;
  double rate_hz_ = 0.0;
};

}  // namespace css::sensors

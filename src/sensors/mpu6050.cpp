// MPU6050 driver. Register addresses and bit fields: RM-MPU-6000A-00 rev 4.2, sections named
// below; scales: PS-MPU-6000A-00 rev 3.4 §6.1–6.2.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

#include "css/sensors/imu.hpp"

namespace css::sensors {
namespace {

constexpr std::uint8_t kSmplrtDiv = 0x19;    // §4.2: rate = gyro output rate / (1 + div)
constexpr std::uint8_t kConfig = 0x1A;       // §4.3: DLPF_CFG bits 2:0
constexpr std::uint8_t kGyroConfig = 0x1B;   // §4.4: FS_SEL bits 4:3
constexpr std::uint8_t kAccelConfig = 0x1C;  // §4.5: AFS_SEL bits 4:3
constexpr std::uint8_t kAccelXoutH = 0x3B;   // §4.17–4.19: ACCEL, TEMP, GYRO 0x3B–0x48
constexpr std::uint8_t kPwrMgmt1 = 0x6B;     // §4.28: DEVICE_RESET bit 7, CLKSEL bits 2:0
constexpr std::uint8_t kWhoAmI = 0x75;       // §4.32: reads 0x68 whatever AD0 is
constexpr std::uint8_t kWhoAmIValue = 0x68;
constexpr std::uint8_t kDeviceReset = 0x80;
constexpr std::uint8_t kClkPllXGyro = 0x01;  // PLL with X gyro reference (recommended, §4.28)
// DLPF_CFG 3: accel 44 Hz / gyro 42 Hz bandwidth, gyro output rate 1 kHz (§4.3 table).
constexpr std::uint8_t kDlpf42Hz = 0x03;
constexpr double kGyroOutputHz = 1000.0;
constexpr std::uint32_t kResetWaitMs = 100;  // RM §4.28 / InvenSense reset sequence

}  // namespace

Status Mpu6050::init() {
  if (auto s = check_identity(bus_, config_.address, kWhoAmI, kWhoAmIValue, "mpu6050", "WHO_AM_I");
      !s.ok()) {
    return s;
  }
  if (auto s = write_reg(bus_, config_.address, kPwrMgmt1, kDeviceReset); !s.ok()) return s;
  bus_.delay_ms(kResetWaitMs);
  const double div = std::round(kGyroOutputHz / std::max(config_.rate_hz, 4.0)) - 1.0;
  const auto divider = static_cast<std::uint8_t>(std::clamp(div, 0.0, 255.0));
  rate_hz_ = kGyroOutputHz / (1.0 + divider);
  const std::array<std::array<std::uint8_t, 2>, 5> writes = {{
      {kPwrMgmt1, kClkPllXGyro},  // wake (SLEEP = 0) on the gyro PLL
      {kConfig, kDlpf42Hz},
      {kSmplrtDiv, divider},
      {kGyroConfig, static_cast<std::uint8_t>(static_cast<unsigned>(config_.gyro_range) << 3)},
      {kAccelConfig, static_cast<std::uint8_t>(static_cast<unsigned>(config_.accel_range) << 3)},
  }};
  for (const auto& w : writes) {
    if (auto s = write_reg(bus_, config_.address, w[0], w[1]); !s.ok()) return s;
  }
  return Ok{};
}

Result<ImuSample> Mpu6050::read() {
  std::array<std::uint8_t, 14> raw{};
  if (auto s = read_regs(bus_, config_.address, kAccelXoutH, raw); !s.ok()) return s.error();
  ImuSample out;
  convert_imu(&raw[0], &raw[8], config_, out);
  // RM §4.18: temperature in °C = TEMP_OUT / 340 + 36.53.
  out.temperature_c = static_cast<float>(be_i16(&raw[6]) / 340.0 + 36.53);
  return out;
}

}  // namespace css::sensors

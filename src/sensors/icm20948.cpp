// ICM20948 driver (accelerometer + gyroscope; the AK09916 magnetometer is not used).
// Registers, banks and bit fields: ICM-20948 Datasheet DS-000189 rev 1.3, register map and
// the register descriptions of user banks 0 and 2; scales: its Tables 1–2.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

#include "css/sensors/imu.hpp"

namespace css::sensors {
namespace {

constexpr std::uint8_t kRegBankSel = 0x7F;  // every bank: USER_BANK bits 5:4
// User bank 0
constexpr std::uint8_t kWhoAmI = 0x00;  // reads 0xEA
constexpr std::uint8_t kWhoAmIValue = 0xEA;
constexpr std::uint8_t kPwrMgmt1 = 0x06;    // DEVICE_RESET bit 7, SLEEP bit 6, CLKSEL 2:0
constexpr std::uint8_t kPwrMgmt2 = 0x07;    // 0 = accel and gyro axes all on
constexpr std::uint8_t kAccelXoutH = 0x2D;  // ACCEL 0x2D–0x32, GYRO 0x33–0x38, TEMP 0x39–0x3A
// User bank 2
constexpr std::uint8_t kGyroSmplrtDiv = 0x00;    // ODR = 1.1 kHz / (1 + div)
constexpr std::uint8_t kGyroConfig1 = 0x01;      // DLPFCFG 5:3, FS_SEL 2:1, FCHOICE 0
constexpr std::uint8_t kAccelSmplrtDiv1 = 0x10;  // div bits 11:8
constexpr std::uint8_t kAccelSmplrtDiv2 = 0x11;  // div bits 7:0; ODR = 1.125 kHz / (1 + div)
constexpr std::uint8_t kAccelConfig = 0x14;      // DLPFCFG 5:3, FS_SEL 2:1, FCHOICE 0

constexpr std::uint8_t kDeviceReset = 0x80;
constexpr std::uint8_t kClkAuto = 0x01;  // auto-select the best clock, SLEEP = 0
constexpr std::uint8_t kDlpfCfg3 = 3;    // gyro 51.2 Hz, accel 50.4 Hz 3-dB bandwidth
constexpr double kGyroBaseHz = 1100.0;
constexpr double kAccelBaseHz = 1125.0;
constexpr std::uint32_t kResetWaitMs = 100;
// TEMP_degC = (TEMP_OUT - RoomTemp_Offset) / Temp_Sensitivity + 21, offset 0, 333.87 LSB/°C.
constexpr double kTempLsbPerC = 333.87;

std::uint16_t divider(double base_hz, double rate_hz, unsigned max) {
  const double d = std::round(base_hz / std::max(rate_hz, 1.0)) - 1.0;
  return static_cast<std::uint16_t>(std::clamp(d, 0.0, static_cast<double>(max)));
}

std::uint8_t filter_config(unsigned fs_sel) {
  return static_cast<std::uint8_t>((kDlpfCfg3 << 3) | ((fs_sel & 3U) << 1) | 1U);
}

}  // namespace

Status Icm20948::select_bank(std::uint8_t bank) {
  return write_reg(bus_, config_.address, kRegBankSel, static_cast<std::uint8_t>(bank << 4));
}

Status Icm20948::init() {
  if (auto s = select_bank(0); !s.ok()) return s;
  if (auto s = check_identity(bus_, config_.address, kWhoAmI, kWhoAmIValue, "icm20948", "WHO_AM_I");
      !s.ok()) {
    return s;
  }
  if (auto s = write_reg(bus_, config_.address, kPwrMgmt1, kDeviceReset); !s.ok()) return s;
  bus_.delay_ms(kResetWaitMs);
  const std::uint16_t gdiv = divider(kGyroBaseHz, config_.rate_hz, 255);
  const std::uint16_t adiv = divider(kAccelBaseHz, config_.rate_hz, 4095);
  rate_hz_ = kGyroBaseHz / (1.0 + gdiv);
  const auto gyro_fs = static_cast<unsigned>(config_.gyro_range);
  const auto acc_fs = static_cast<unsigned>(config_.accel_range);
  // After the reset the bank is 0 again; configure in bank 2, then return to bank 0 where
  // the output registers are, so read() needs no bank switch.
  const std::array<std::array<std::uint8_t, 2>, 9> writes = {{
      {kPwrMgmt1, kClkAuto},
      {kPwrMgmt2, 0x00},
      {kRegBankSel, 2 << 4},
      {kGyroSmplrtDiv, static_cast<std::uint8_t>(gdiv)},
      {kGyroConfig1, filter_config(gyro_fs)},
      {kAccelSmplrtDiv1, static_cast<std::uint8_t>(adiv >> 8)},
      {kAccelSmplrtDiv2, static_cast<std::uint8_t>(adiv & 0xFF)},
      {kAccelConfig, filter_config(acc_fs)},
      {kRegBankSel, 0x00},
  }};
  for (const auto& w : writes) {
    if (auto s = write_reg(bus_, config_.address, w[0], w[1]); !s.ok()) return s;
  }
  return Ok{};
}

Result<ImuSample> Icm20948::read() {
  std::array<std::uint8_t, 14> raw{};
  if (auto s = read_regs(bus_, config_.address, kAccelXoutH, raw); !s.ok()) return s.error();
  ImuSample out;
  convert_imu(&raw[0], &raw[6], config_, out);
  out.temperature_c = static_cast<float>(be_i16(&raw[12]) / kTempLsbPerC + 21.0);
  return out;
}

}  // namespace css::sensors

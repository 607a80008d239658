// SHT31 temperature / humidity sensor over I2C (Sensirion SHT3x-DIS datasheet).
//
// measure(): single-shot, high repeatability, no clock stretching (command 0x2400), waits the
// maximum conversion time, reads 6 bytes [T msb, T lsb, CRC, RH msb, RH lsb, CRC]. Each word's
// CRC-8 is checked (polynomial 0x31, init 0xFF, no reflection, no final XOR; datasheet
// "Checksum Calculation", test vector 0xBEEF → 0x92). A CRC mismatch is kParse naming the word.
// Conversion: T = -45 + 175 · S_T / 65535 °C, RH = 100 · S_RH / 65535 % (datasheet
// "Conversion of Signal Output"). Address 0x44 (ADDR low) or 0x45. Borrows the bus.
#pragma once

#include <cstdint>
#include <span>

#include "css/sensors/environment.hpp"
#include "css/sensors/i2c_bus.hpp"

namespace css::sensors {

struct Sht31Reading {
  double temperature_c = 0.0;
  double humidity_pct = 0.0;
};

std::uint8_t sht31_crc8(std::span<const std::uint8_t> bytes);
// Decodes the 6 measurement bytes; errors on a wrong length or a CRC mismatch.
Result<Sht31Reading> sht31_decode(std::span<const std::uint8_t> bytes);

class Sht31 final : public EnvSensor {
 public:
  explicit Sht31(I2cBus& bus, std::uint8_t address = 0x44) : bus_(bus), address_(address) {}
  Status soft_reset();  // command 0x30A2
  Result<Sht31Reading> measure();
  std::string_view name() const override { return "sht31"; }
  Result<EnvReadings> sample(double t_s) override;

 private:
  I2cBus& bus_;
  std::uint8_t address_;
};

}  // namespace css::sensors

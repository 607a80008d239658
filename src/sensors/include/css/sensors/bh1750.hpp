// BH1750FVI ambient light sensor over I2C (ROHM datasheet BH1750FVI, rev. D).
//
// init(): Power On (0x01) then Reset (0x07, clears the data register). measure(): One Time
// H-Resolution Mode (0x20, the device powers down afterwards), waits the maximum measurement
// time (180 ms), reads 2 bytes big-endian. lux = raw / 1.2 at the default MTreg 69
// (datasheet "Measurement sequence example": 1.2 is the typical measurement accuracy factor).
// The sensor has no CRC: a reading of 0xFFFF (saturated above ~54612 lx) is reported as such
// with `saturated`. Address 0x23 (ADDR low) or 0x5C (ADDR high). Borrows the bus.
#pragma once

#include <cstdint>

#include "css/sensors/environment.hpp"
#include "css/sensors/i2c_bus.hpp"

namespace css::sensors {

struct Bh1750Reading {
  double lux = 0.0;
  bool saturated = false;
};

class Bh1750 final : public EnvSensor {
 public:
  explicit Bh1750(I2cBus& bus, std::uint8_t address = 0x23) : bus_(bus), address_(address) {}
  Status init();
  Result<Bh1750Reading> measure();
  std::string_view name() const override { return "bh1750"; }
  Result<EnvReadings> sample(double t_s) override;

 private:
  I2cBus& bus_;
  std::uint8_t address_;
};

}  // namespace css::sensors

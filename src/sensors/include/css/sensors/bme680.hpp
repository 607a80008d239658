// BME680 gas / pressure / temperature / humidity sensor over I2C (Bosch Sensortec datasheet
// BST-BME680-DS001, rev 1.x). Section numbers below are that datasheet's.
//
// init(): chip_id (0xD0) must read 0x61; soft reset (0xB6 to 0xE0); the calibration
// parameters are read from 0x89–0xA1, 0xE1–0xF0 and 0x00–0x04 (§5.3 memory map, §3.11.1
// "Calibration parameters"); oversampling T ×2, P ×16, H ×1, IIR filter off; heater profile 0
// set to heater_temp_c for heater_ms (§3.3.5 res_heat, §5.3.3.3 gas_wait).
// measure(): one forced-mode conversion (ctrl_meas mode 01), waits for it, reads the field-0
// data 0x1D–0x2B and compensates with the datasheet's integer formulas (§3.3.1 temperature,
// §3.3.2 pressure, §3.3.3 humidity, §3.4.1 gas resistance). A conversion that did not finish
// (new_data_0 clear) is kIo; a gas reading without gas_valid_r or heat_stab_r is reported
// with NaN resistance, never an invented number. Address 0x76 (SDO low) or 0x77. Borrows the bus.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "css/sensors/environment.hpp"
#include "css/sensors/i2c_bus.hpp"

namespace css::sensors {

struct Bme680Calibration {
  std::uint16_t par_t1 = 0;
  std::int16_t par_t2 = 0;
  std::int8_t par_t3 = 0;
  std::uint16_t par_p1 = 0;
  std::int16_t par_p2 = 0;
  std::int8_t par_p3 = 0;
  std::int16_t par_p4 = 0;
  std::int16_t par_p5 = 0;
  std::int8_t par_p6 = 0;
  std::int8_t par_p7 = 0;
  std::int16_t par_p8 = 0;
  std::int16_t par_p9 = 0;
  std::uint8_t par_p10 = 0;
  std::uint16_t par_h1 = 0;
  std::uint16_t par_h2 = 0;
  std::int8_t par_h3 = 0;
  std::int8_t par_h4 = 0;
  std::int8_t par_h5 = 0;
  std::uint8_t par_h6 = 0;
  std::int8_t par_h7 = 0;
  std::int8_t par_g1 = 0;
  std::int16_t par_g2 = 0;
  std::int8_t par_g3 = 0;
  std::uint8_t res_heat_range = 0;  // 0x02 bits 5:4
  std::int8_t res_heat_val = 0;     // 0x00
  std::int8_t range_sw_err = 0;     // 0x04 bits 7:4, signed
};

// Raw ADC values of one conversion (field 0).
struct Bme680Raw {
  std::uint32_t temp_adc = 0;   // 20 bit
  std::uint32_t press_adc = 0;  // 20 bit
  std::uint16_t hum_adc = 0;    // 16 bit
  std::uint16_t gas_adc = 0;    // 10 bit
  std::uint8_t gas_range = 0;   // 4 bit
  bool gas_valid = false;
  bool heat_stable = false;
};

struct Bme680Reading {
  double temperature_c = 0.0;
  double pressure_pa = 0.0;
  double humidity_pct = 0.0;
  double gas_resistance_ohm = 0.0;  // NaN when the gas reading is not valid
};

// `c1`: 25 bytes from 0x89, `c2`: 16 bytes from 0xE1, `c3`: 5 bytes from 0x00.
Result<Bme680Calibration> bme680_parse_calibration(std::span<const std::uint8_t> c1,
                                                   std::span<const std::uint8_t> c2,
                                                   std::span<const std::uint8_t> c3);
// `data`: the 15 bytes 0x1D–0x2B. Errors when new_data_0 is clear.
Result<Bme680Raw> bme680_parse_data(std::span<const std::uint8_t> data);
// The datasheet's integer compensation (exact, no floating point until the final scaling).
Bme680Reading bme680_compensate(const Bme680Calibration& cal, const Bme680Raw& raw);
// The datasheet's floating-point formulas, kept to cross-check the integer ones in tests.
Bme680Reading bme680_compensate_float(const Bme680Calibration& cal, const Bme680Raw& raw);
// res_heat_0 register value for a heater target (°C) at an ambient temperature (§3.3.5).
std::uint8_t bme680_heater_resistance(const Bme680Calibration& cal, int target_c, int ambient_c);
// gas_wait_0 encoding of a duration: 6-bit value × multiplier 1/4/16/64 (§5.3.3.3).
std::uint8_t bme680_gas_wait(std::uint16_t ms);

struct Bme680Config {
  std::uint8_t address = 0x76;
  int heater_temp_c = 320;  // Bosch's example profile: 320 °C for 150 ms
  std::uint16_t heater_ms = 150;
};

class Bme680 final : public EnvSensor {
 public:
  Bme680(I2cBus& bus, Bme680Config config) : bus_(bus), config_(config) {}
  Status init();
  Result<Bme680Reading> measure();
  const Bme680Calibration& calibration() const { return cal_; }
  std::string_view name() const override { return "bme680"; }
  Result<EnvReadings> sample(double t_s) override;

 private:
  I2cBus& bus_;
  Bme680Config config_;
  Bme680Calibration cal_;
  int ambient_c_ = 25;
};

}  // namespace css::sensors

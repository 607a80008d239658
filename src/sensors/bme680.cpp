// BME680 calibration and data layout (BST-BME680-DS001 §5.3 memory map, §3.11.1 calibration
// parameter addresses) and the forced-mode driver.
#include <array>
#include <cmath>

#include "css/sensors/bme680.hpp"

namespace css::sensors {
namespace {

constexpr std::uint8_t kChipIdReg = 0xD0;
constexpr std::uint8_t kChipId = 0x61;
constexpr std::uint8_t kResetReg = 0xE0;
constexpr std::uint8_t kResetCmd = 0xB6;
constexpr std::uint8_t kCoeff1 = 0x89;       // 25 bytes
constexpr std::uint8_t kCoeff2 = 0xE1;       // 16 bytes
constexpr std::uint8_t kCoeff3 = 0x00;       // 5 bytes
constexpr std::uint8_t kMeasStatus0 = 0x1D;  // field-0 data 0x1D–0x2B, 15 bytes
constexpr std::uint8_t kResHeat0 = 0x5A;
constexpr std::uint8_t kGasWait0 = 0x64;
constexpr std::uint8_t kCtrlGas1 = 0x71;  // run_gas bit 4, nb_conv 3:0
constexpr std::uint8_t kCtrlHum = 0x72;   // osrs_h 2:0 (takes effect on the next ctrl_meas write)
constexpr std::uint8_t kCtrlMeas = 0x74;  // osrs_t 7:5, osrs_p 4:2, mode 1:0
constexpr std::uint8_t kConfig = 0x75;    // filter 4:2
constexpr std::uint8_t kOsrsH1 = 0x01;
constexpr std::uint8_t kMeasSleep = (0x2 << 5) | (0x5 << 2);  // T ×2, P ×16, sleep
constexpr std::uint8_t kMeasForced = kMeasSleep | 0x01;
constexpr std::uint8_t kRunGasProfile0 = 0x10;
constexpr std::uint32_t kResetWaitMs = 10;  // start-up time after soft reset (2 ms) + margin
// TPH duration: (2 + 16 + 1) oversampling cycles × 1.963 ms + switching and gas-phase
// overhead (9 × 0.477 ms) + 1 ms wake-up ≈ 42.6 ms, before the heater time is added.
constexpr std::uint32_t kTphMs = 43;

std::int16_t le_i16(std::span<const std::uint8_t> b, std::size_t lsb) {
  return static_cast<std::int16_t>(static_cast<std::uint16_t>(b[lsb] | (b[lsb + 1] << 8)));
}
std::int8_t i8(std::uint8_t v) {
  return static_cast<std::int8_t>(v);
}

}  // namespace

Result<Bme680Calibration> bme680_parse_calibration(std::span<const std::uint8_t> c1,
                                                   std::span<const std::uint8_t> c2,
                                                   std::span<const std::uint8_t> c3) {
  if (c1.size() != 25 || c2.size() != 16 || c3.size() != 5) {
    return make_error(ErrorCode::kParse, "bme680: calibration blocks must be 25, 16 and 5 bytes");
  }
  Bme680Calibration c;
  c.par_t2 = le_i16(c1, 0x8A - kCoeff1);
  c.par_t3 = i8(c1[0x8C - kCoeff1]);
  c.par_p1 = static_cast<std::uint16_t>(le_i16(c1, 0x8E - kCoeff1));
  c.par_p2 = le_i16(c1, 0x90 - kCoeff1);
  c.par_p3 = i8(c1[0x92 - kCoeff1]);
  c.par_p4 = le_i16(c1, 0x94 - kCoeff1);
  c.par_p5 = le_i16(c1, 0x96 - kCoeff1);
  c.par_p7 = i8(c1[0x98 - kCoeff1]);
  c.par_p6 = i8(c1[0x99 - kCoeff1]);
  c.par_p8 = le_i16(c1, 0x9C - kCoeff1);
  c.par_p9 = le_i16(c1, 0x9E - kCoeff1);
  c.par_p10 = c1[0xA0 - kCoeff1];
  // par_h1 = 0xE3 << 4 | 0xE2[3:0]; par_h2 = 0xE1 << 4 | 0xE2[7:4].
  c.par_h2 = static_cast<std::uint16_t>((c2[0] << 4) | (c2[1] >> 4));
  c.par_h1 = static_cast<std::uint16_t>((c2[2] << 4) | (c2[1] & 0x0F));
  c.par_h3 = i8(c2[0xE4 - kCoeff2]);
  c.par_h4 = i8(c2[0xE5 - kCoeff2]);
  c.par_h5 = i8(c2[0xE6 - kCoeff2]);
  c.par_h6 = c2[0xE7 - kCoeff2];
  c.par_h7 = i8(c2[0xE8 - kCoeff2]);
  c.par_t1 = static_cast<std::uint16_t>(le_i16(c2, 0xE9 - kCoeff2));
  c.par_g2 = le_i16(c2, 0xEB - kCoeff2);
  c.par_g1 = i8(c2[0xED - kCoeff2]);
  c.par_g3 = i8(c2[0xEE - kCoeff2]);
  c.res_heat_val = i8(c3[0x00]);
  c.res_heat_range = static_cast<std::uint8_t>((c3[0x02] >> 4) & 0x03);
  c.range_sw_err = static_cast<std::int8_t>(i8(static_cast<std::uint8_t>(c3[0x04] & 0xF0)) / 16);
  return c;
}

Result<Bme680Raw> bme680_parse_data(std::span<const std::uint8_t> d) {
  if (d.size() != 15) return make_error(ErrorCode::kParse, "bme680: expected 15 data bytes");
  if ((d[0] & 0x80) == 0) {
    return make_error(ErrorCode::kIo, "bme680: conversion not finished (new_data_0 clear)");
  }
  Bme680Raw r;
  r.press_adc = (std::uint32_t{d[2]} << 12) | (std::uint32_t{d[3]} << 4) | (d[4] >> 4);
  r.temp_adc = (std::uint32_t{d[5]} << 12) | (std::uint32_t{d[6]} << 4) | (d[7] >> 4);
  r.hum_adc = static_cast<std::uint16_t>((d[8] << 8) | d[9]);
  r.gas_adc = static_cast<std::uint16_t>((d[13] << 2) | (d[14] >> 6));
  r.gas_valid = (d[14] & 0x20) != 0;
  r.heat_stable = (d[14] & 0x10) != 0;
  r.gas_range = d[14] & 0x0F;
  return r;
}

Status Bme680::init() {
  if (auto s = check_identity(bus_, config_.address, kChipIdReg, kChipId, "bme680", "chip_id");
      !s.ok()) {
    return s;
  }
  if (auto s = write_reg(bus_, config_.address, kResetReg, kResetCmd); !s.ok()) return s;
  bus_.delay_ms(kResetWaitMs);
  std::array<std::uint8_t, 25> c1{};
  std::array<std::uint8_t, 16> c2{};
  std::array<std::uint8_t, 5> c3{};
  for (auto [reg, buf] : {std::pair{kCoeff1, std::span<std::uint8_t>(c1)},
                          std::pair{kCoeff2, std::span<std::uint8_t>(c2)},
                          std::pair{kCoeff3, std::span<std::uint8_t>(c3)}}) {
    if (auto s = read_regs(bus_, config_.address, reg, buf); !s.ok()) return s;
  }
  auto cal = bme680_parse_calibration(c1, c2, c3);
  if (!cal.ok()) return cal.error();
  cal_ = *cal;
  const std::array<std::array<std::uint8_t, 2>, 6> writes = {{
      {kCtrlHum, kOsrsH1},
      {kConfig, 0x00},
      {kCtrlMeas, kMeasSleep},
      {kResHeat0, bme680_heater_resistance(cal_, config_.heater_temp_c, ambient_c_)},
      {kGasWait0, bme680_gas_wait(config_.heater_ms)},
      {kCtrlGas1, kRunGasProfile0},
  }};
  for (const auto& w : writes) {
    if (auto s = write_reg(bus_, config_.address, w[0], w[1]); !s.ok()) return s;
  }
  return Ok{};
}

Result<Bme680Reading> Bme680::measure() {
  if (auto s = write_reg(bus_, config_.address, kCtrlMeas, kMeasForced); !s.ok()) return s.error();
  bus_.delay_ms(kTphMs + config_.heater_ms);
  std::array<std::uint8_t, 15> data{};
  if (auto s = read_regs(bus_, config_.address, kMeasStatus0, data); !s.ok()) return s.error();
  auto raw = bme680_parse_data(data);
  if (!raw.ok()) return raw.error();
  Bme680Reading out = bme680_compensate(cal_, *raw);
  ambient_c_ = static_cast<int>(std::lround(out.temperature_c));
  return out;
}

Result<EnvReadings> Bme680::sample(double /*t_s*/) {
  auto m = measure();
  if (!m.ok()) return m.error();
  EnvReadings r;
  r.set(Quantity::kTemperatureC, m->temperature_c);
  r.set(Quantity::kHumidityPct, m->humidity_pct);
  r.set(Quantity::kPressureHpa, m->pressure_pa / 100.0);
  r.set(Quantity::kGasResistanceOhm, m->gas_resistance_ohm);
  return r;
}

}  // namespace css::sensors

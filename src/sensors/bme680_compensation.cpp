// BME680 compensation: the datasheet's formulas (BST-BME680-DS001), integer and floating
// point. The integer ones use 64-bit intermediates so that no calibration value can overflow;
// with real calibrations they give the datasheet's 32-bit results bit for bit.
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "css/sensors/bme680.hpp"

namespace css::sensors {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// §3.4.1, "const_array1_int" / "const_array2_int" (gas range lookup tables).
constexpr std::array<std::int64_t, 16> kGasTable1 = {
    2147483647, 2147483647, 2147483647, 2147483647, 2147483647, 2126008810, 2147483647, 2130303777,
    2147483647, 2147483647, 2143188679, 2136746228, 2147483647, 2126008810, 2147483647, 2147483647};
constexpr std::array<std::int64_t, 16> kGasTable2 = {
    4096000000, 2048000000, 1024000000, 512000000, 255744255, 127110228, 64000000, 32258064,
    16016016,   8000000,    4000000,    2000000,   1000000,   500000,    250000,   125000};
// §3.4.1 floating-point variant: range correction factors in percent.
constexpr std::array<double, 16> kGasK1 = {0, 0, 0,    0,    0, -1, 0, -0.8,
                                           0, 0, -0.2, -0.5, 0, -1, 0, 0};
constexpr std::array<double, 16> kGasK2 = {0,    0, 0, 0, 0.1, 0.7, 0, -0.8,
                                           -0.1, 0, 0, 0, 0,   0,   0, 0};

// §3.3.1: t_fine and temperature in 0.01 °C.
std::int64_t t_fine_int(const Bme680Calibration& c, std::uint32_t adc) {
  const std::int64_t var1 = (static_cast<std::int64_t>(adc) >> 3) - (std::int64_t{c.par_t1} << 1);
  const std::int64_t var2 = (var1 * c.par_t2) >> 11;
  const std::int64_t var3 =
      ((((var1 >> 1) * (var1 >> 1)) >> 12) * (std::int64_t{c.par_t3} << 4)) >> 14;
  return var2 + var3;
}

// §3.3.2: pressure in Pa; NaN when the calibration makes the divisor zero.
double pressure_int(const Bme680Calibration& c, std::int64_t t_fine, std::uint32_t adc) {
  std::int64_t var1 = (t_fine >> 1) - 64000;
  std::int64_t var2 = ((((var1 >> 2) * (var1 >> 2)) >> 11) * c.par_p6) >> 2;
  var2 = var2 + ((var1 * c.par_p5) << 1);
  var2 = (var2 >> 2) + (std::int64_t{c.par_p4} << 16);
  var1 = (((((var1 >> 2) * (var1 >> 2)) >> 13) * (std::int64_t{c.par_p3} << 5)) >> 3) +
         ((c.par_p2 * var1) >> 1);
  var1 = var1 >> 18;
  var1 = ((32768 + var1) * c.par_p1) >> 15;
  if (var1 == 0) return kNaN;
  std::int64_t p = 1048576 - static_cast<std::int64_t>(adc);
  p = (p - (var2 >> 12)) * 3125;
  p = p >= (std::int64_t{1} << 30) ? (p / var1) << 1 : (p << 1) / var1;
  var1 = (c.par_p9 * (((p >> 3) * (p >> 3)) >> 13)) >> 12;
  var2 = ((p >> 2) * c.par_p8) >> 13;
  const std::int64_t var3 = ((p >> 8) * (p >> 8) * (p >> 8) * c.par_p10) >> 17;
  p = p + ((var1 + var2 + var3 + (std::int64_t{c.par_p7} << 7)) >> 4);
  return static_cast<double>(p);
}

// §3.3.3: humidity in 0.001 %RH, clamped to 0–100 %.
double humidity_int(const Bme680Calibration& c, std::int64_t t_fine, std::uint16_t adc) {
  const std::int64_t t = ((t_fine * 5) + 128) >> 8;
  const std::int64_t var1 = (adc - (std::int64_t{c.par_h1} << 4)) - (((t * c.par_h3) / 100) >> 1);
  const std::int64_t var2 =
      (c.par_h2 * (((t * c.par_h4) / 100) + (((t * ((t * c.par_h5) / 100)) >> 6) / 100) +
                   (std::int64_t{1} << 14))) >>
      10;
  const std::int64_t var3 = var1 * var2;
  const std::int64_t var4 = ((std::int64_t{c.par_h6} << 7) + ((t * c.par_h7) / 100)) >> 4;
  const std::int64_t var5 = ((var3 >> 14) * (var3 >> 14)) >> 10;
  const std::int64_t var6 = (var4 * var5) >> 1;
  std::int64_t h = (((var3 + var6) >> 10) * 1000) >> 12;
  h = h < 0 ? 0 : (h > 100000 ? 100000 : h);
  return static_cast<double>(h) / 1000.0;
}

// §3.4.1: gas resistance in Ω.
double gas_int(const Bme680Calibration& c, std::uint16_t adc, std::uint8_t range) {
  const std::size_t r = range & 0x0FU;
  const std::int64_t var1 = ((1340 + 5 * std::int64_t{c.range_sw_err}) * kGasTable1[r]) >> 16;
  const std::int64_t var2 = (std::int64_t{adc} << 15) - 16777216 + var1;
  if (var2 == 0) return kNaN;
  const std::int64_t var3 = (kGasTable2[r] * var1) >> 9;
  return static_cast<double>((var3 + (var2 >> 1)) / var2);
}

}  // namespace

Bme680Reading bme680_compensate(const Bme680Calibration& cal, const Bme680Raw& raw) {
  const std::int64_t t_fine = t_fine_int(cal, raw.temp_adc);
  Bme680Reading out;
  out.temperature_c = static_cast<double>(((t_fine * 5) + 128) >> 8) / 100.0;
  out.pressure_pa = pressure_int(cal, t_fine, raw.press_adc);
  out.humidity_pct = humidity_int(cal, t_fine, raw.hum_adc);
  out.gas_resistance_ohm =
      raw.gas_valid && raw.heat_stable ? gas_int(cal, raw.gas_adc, raw.gas_range) : kNaN;
  return out;
}

Bme680Reading bme680_compensate_float(const Bme680Calibration& c, const Bme680Raw& raw) {
  const double ta = raw.temp_adc;
  double v1 = ((ta / 16384.0) - (c.par_t1 / 1024.0)) * c.par_t2;
  double v2 = ((ta / 131072.0) - (c.par_t1 / 8192.0)) * ((ta / 131072.0) - (c.par_t1 / 8192.0)) *
              (c.par_t3 * 16.0);
  const double t_fine = v1 + v2;
  const double t = t_fine / 5120.0;
  Bme680Reading out;
  out.temperature_c = t;

  v1 = (t_fine / 2.0) - 64000.0;
  v2 = v1 * v1 * (c.par_p6 / 131072.0);
  v2 = v2 + (v1 * c.par_p5 * 2.0);
  v2 = (v2 / 4.0) + (c.par_p4 * 65536.0);
  v1 = (((c.par_p3 * v1 * v1) / 16384.0) + (c.par_p2 * v1)) / 524288.0;
  v1 = (1.0 + (v1 / 32768.0)) * c.par_p1;
  double p = 1048576.0 - raw.press_adc;
  p = ((p - (v2 / 4096.0)) * 6250.0) / v1;
  v1 = (c.par_p9 * p * p) / 2147483648.0;
  v2 = p * (c.par_p8 / 32768.0);
  const double v3 = (p / 256.0) * (p / 256.0) * (p / 256.0) * (c.par_p10 / 131072.0);
  out.pressure_pa = p + (v1 + v2 + v3 + (c.par_p7 * 128.0)) / 16.0;

  const double h1 = raw.hum_adc - ((c.par_h1 * 16.0) + ((c.par_h3 / 2.0) * t));
  const double h2 = h1 * ((c.par_h2 / 262144.0) *
                          (1.0 + ((c.par_h4 / 16384.0) * t) + ((c.par_h5 / 1048576.0) * t * t)));
  const double h3 = c.par_h6 / 16384.0;
  const double h4 = c.par_h7 / 2097152.0;
  out.humidity_pct = std::clamp(h2 + ((h3 + (h4 * t)) * h2 * h2), 0.0, 100.0);

  const std::size_t r = raw.gas_range & 0x0FU;
  const double g1 = 1340.0 + 5.0 * c.range_sw_err;
  const double g2 = g1 * (1.0 + kGasK1[r] / 100.0);
  const double g3 = 1.0 + kGasK2[r] / 100.0;
  out.gas_resistance_ohm = raw.gas_valid && raw.heat_stable
                               ? 1.0 / (g3 * 0.000000125 * static_cast<double>(1U << r) *
                                        (((raw.gas_adc - 512.0) / g2) + 1.0))
                               : kNaN;
  return out;
}

std::uint8_t bme680_heater_resistance(const Bme680Calibration& c, int target_c, int ambient_c) {
  const std::int64_t target = std::clamp(target_c, 200, 400);  // §3.3.5: 200–400 °C typical
  const std::int64_t var1 = ((std::int64_t{ambient_c} * c.par_g3) / 10) * 256;
  const std::int64_t var2 =
      (c.par_g1 + 784) * (((((c.par_g2 + 154009) * target * 5) / 100) + 3276800) / 10);
  const std::int64_t var3 = var1 + (var2 / 2);
  const std::int64_t var4 = var3 / (c.res_heat_range + 4);
  const std::int64_t var5 = (131 * std::int64_t{c.res_heat_val}) + 65536;
  const std::int64_t x100 = ((var4 / var5) - 250) * 34;
  return static_cast<std::uint8_t>(std::clamp<std::int64_t>((x100 + 50) / 100, 0, 255));
}

std::uint8_t bme680_gas_wait(std::uint16_t ms) {
  if (ms >= 0xFC0) return 0xFF;  // the longest encodable wait, 4032 ms
  std::uint8_t factor = 0;
  for (int i = 0; i < 4 && ms > 0x3F; ++i) {
    ms = static_cast<std::uint16_t>(ms / 4);
    ++factor;
  }
  return static_cast<std::uint8_t>(ms + factor * 64);
}

}  // namespace css::sensors

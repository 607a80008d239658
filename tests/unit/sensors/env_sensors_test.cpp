// SHT31, BH1750, BME680 and PMS7003 on hand-made recordings (tests/data/sensors/
// make_env_scripts.py), good and corrupted, and the PIR on a real value file.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "css/sensors/bh1750.hpp"
#include "css/sensors/bme680.hpp"
#include "css/sensors/pir.hpp"
#include "css/sensors/pms7003.hpp"
#include "css/sensors/recorded_i2c_bus.hpp"
#include "css/sensors/sht31.hpp"
#include "test_data.hpp"

namespace css::sensors {
namespace {

RecordedI2cBus script(const std::string& file) {
  auto bus = RecordedI2cBus::from_file(testing::data_path(file));
  EXPECT_TRUE(bus.ok()) << bus.error().message;
  return std::move(bus).value();
}

TEST(Sht31, CrcMatchesTheDatasheetTestVector) {
  const std::array<std::uint8_t, 2> beef = {0xBE, 0xEF};
  EXPECT_EQ(sht31_crc8(beef), 0x92);
}

TEST(Sht31, GoodMeasurementThenCorruptedCrc) {
  RecordedI2cBus bus = script("sht31_measure.i2c");
  Sht31 sht(bus);
  auto good = sht.sample(0.0);
  ASSERT_TRUE(good.ok()) << good.error().message;
  EXPECT_NEAR(good->get(Quantity::kTemperatureC), 23.5, 0.003);  // 1 LSB = 0.0027 °C
  EXPECT_NEAR(good->get(Quantity::kHumidityPct), 48.2, 0.002);
  EXPECT_FALSE(good->has(Quantity::kPressureHpa));
  auto bad = sht.measure();
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kParse);
  EXPECT_NE(bad.error().message.find("humidity word"), std::string::npos) << bad.error().message;
  EXPECT_TRUE(bus.verify().ok()) << bus.verify().error().message;
}

TEST(Sht31, DecodeExtremesAndEveryFlippedBit) {
  std::array<std::uint8_t, 6> b = {0xFF, 0xFF, 0, 0x00, 0x00, 0};
  b[2] = sht31_crc8(std::span(b).subspan(0, 2));
  b[5] = sht31_crc8(std::span(b).subspan(3, 2));
  auto r = sht31_decode(b);
  ASSERT_TRUE(r.ok());
  EXPECT_DOUBLE_EQ(r->temperature_c, 130.0);
  EXPECT_DOUBLE_EQ(r->humidity_pct, 0.0);
  for (std::size_t bit = 0; bit < 48; ++bit) {  // CRC-8 detects every single-bit error
    auto c = b;
    c[bit / 8] ^= static_cast<std::uint8_t>(1U << (bit % 8));
    EXPECT_FALSE(sht31_decode(c).ok()) << "bit " << bit;
  }
  EXPECT_FALSE(sht31_decode(std::span(b).subspan(0, 5)).ok());
}

TEST(Bh1750, DatasheetExampleGives28067Lux) {
  RecordedI2cBus bus = script("bh1750_measure.i2c");
  Bh1750 light(bus);
  ASSERT_TRUE(light.init().ok());
  auto r = light.measure();
  ASSERT_TRUE(r.ok());
  EXPECT_NEAR(r->lux, 28066.67, 0.01);
  EXPECT_FALSE(r->saturated);
  EXPECT_TRUE(bus.verify().ok()) << bus.verify().error().message;
}

TEST(Bme680, InitAndForcedConversionFromTheRecording) {
  RecordedI2cBus bus = script("bme680_forced.i2c");
  Bme680 bme(bus, Bme680Config{});
  ASSERT_TRUE(bme.init().ok()) << bus.verify().error().message;
  EXPECT_EQ(bme.calibration().par_t1, 26203);
  EXPECT_EQ(bme.calibration().par_h1, 794);
  EXPECT_EQ(bme.calibration().par_h2, 1007);
  EXPECT_EQ(bme.calibration().par_p10, 30);
  EXPECT_EQ(bme.calibration().range_sw_err, 1);
  auto r = bme.sample(0.0);
  ASSERT_TRUE(r.ok()) << r.error().message;
  // Reference values: the datasheet's float formulas evaluated in Python (make_env_scripts.py
  // ADC values): 22.7807 °C, 94637.65 Pa, 59.396 %RH, 295273.5 Ω.
  EXPECT_NEAR(r->get(Quantity::kTemperatureC), 22.78, 0.011);
  EXPECT_NEAR(r->get(Quantity::kPressureHpa), 946.3765, 0.03);
  EXPECT_NEAR(r->get(Quantity::kHumidityPct), 59.396, 0.05);
  EXPECT_NEAR(r->get(Quantity::kGasResistanceOhm), 295273.5, 295273.5 * 0.001);
  auto stale = bme.measure();  // the second conversion never finished
  ASSERT_FALSE(stale.ok());
  EXPECT_NE(stale.error().message.find("new_data_0"), std::string::npos);
  EXPECT_TRUE(bus.verify().ok()) << bus.verify().error().message;
}

TEST(Bme680, IntegerAndFloatFormulasAgreeOverTheAdcRange) {
  RecordedI2cBus bus = script("bme680_forced.i2c");
  Bme680 bme(bus, Bme680Config{});
  ASSERT_TRUE(bme.init().ok());
  const Bme680Calibration& cal = bme.calibration();
  int compared = 0;
  for (std::uint32_t t = 420000; t <= 560000; t += 20000) {    // ≈ -10 … 60 °C
    for (std::uint32_t p = 300000; p <= 450000; p += 50000) {  // ≈ 750 … 1050 hPa
      for (std::uint16_t h = 16000; h <= 36000; h += 5000) {   // dry … humid
        for (std::uint8_t range = 0; range < 16; range += 3) {
          Bme680Raw raw{t, p, h, static_cast<std::uint16_t>(100 + range * 50), range, true, true};
          const Bme680Reading i = bme680_compensate(cal, raw);
          const Bme680Reading f = bme680_compensate_float(cal, raw);
          ASSERT_NEAR(i.temperature_c, f.temperature_c, 0.011);
          // The integer chain truncates at every shift (up to ~7 Pa apart at the range ends);
          // both stay within the sensor's own relative accuracy, ±0.12 hPa (datasheet Table 2).
          ASSERT_NEAR(i.pressure_pa, f.pressure_pa, 12.0) << t << " " << p;
          ASSERT_NEAR(i.humidity_pct, f.humidity_pct, 0.05);
          ASSERT_NEAR(i.gas_resistance_ohm, f.gas_resistance_ohm,
                      1.0 + f.gas_resistance_ohm * 1e-3);
          ++compared;
        }
      }
    }
  }
  EXPECT_EQ(compared, 8 * 4 * 5 * 6);
  Bme680Raw invalid_gas{500000, 350000, 25000, 300, 5, false, true};
  EXPECT_TRUE(std::isnan(bme680_compensate(cal, invalid_gas).gas_resistance_ohm));
}

TEST(Bme680, HeaterAndGasWaitEncodings) {
  RecordedI2cBus bus = script("bme680_forced.i2c");
  Bme680 bme(bus, Bme680Config{});
  ASSERT_TRUE(bme.init().ok());
  // The float formula of §3.3.5 gives 114.14 for this calibration at 320 °C, 25 °C ambient.
  EXPECT_NEAR(bme680_heater_resistance(bme.calibration(), 320, 25), 114.14, 1.2);
  EXPECT_EQ(bme680_gas_wait(63), 63);
  EXPECT_EQ(bme680_gas_wait(150), 0x40 | 37);
  EXPECT_EQ(bme680_gas_wait(5000), 0xFF);
}

TEST(Bme680, WrongChipIdIsRefused) {
  auto bus = RecordedI2cBus::from_text("wr 77 D0 : 60\n", "bme280 answers");
  ASSERT_TRUE(bus.ok());
  Bme680Config config;
  config.address = 0x77;
  Bme680 bme(*bus, config);
  auto st = bme.init();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("chip_id is 0x60"), std::string::npos);
}

TEST(Pms7003, StreamWithDefects) {
  const auto bytes = testing::read_bytes("pms7003_stream.bin");
  Pms7003Parser p;
  std::vector<Pms7003Frame> frames;
  p.feed(bytes, frames);
  ASSERT_EQ(frames.size(), 3U);
  EXPECT_EQ(frames[0].pm_atm_ugm3, (std::array<std::uint16_t, 3>{8, 12, 15}));
  EXPECT_EQ(frames[0].counts_per_01l[0], 1500);
  EXPECT_EQ(frames[0].counts_per_01l[3], 6);
  EXPECT_EQ(frames[0].version, 0x97);
  EXPECT_EQ(frames[1].pm_atm_ugm3, (std::array<std::uint16_t, 3>{10, 14, 18}));
  EXPECT_EQ(frames[2].pm_atm_ugm3, (std::array<std::uint16_t, 3>{11, 15, 19}));
  EXPECT_EQ(p.counters().frames, 3U);
  EXPECT_EQ(p.counters().bad_checksum, 1U);
  // The PMS3003-style length 20, and "42 4D 42 4D" in garbage read as length 0x424D.
  EXPECT_EQ(p.counters().bad_length, 2U);
  EXPECT_GT(p.counters().garbage_bytes, 0U);
}

TEST(Pms7003, ByteAtATimeEqualsOneChunk) {
  const auto bytes = testing::read_bytes("pms7003_stream.bin");
  Pms7003Parser whole;
  Pms7003Parser bytewise;
  std::vector<Pms7003Frame> a;
  std::vector<Pms7003Frame> b;
  whole.feed(bytes, a);
  for (std::size_t i = 0; i < bytes.size(); ++i) bytewise.feed(std::span(bytes).subspan(i, 1), b);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].pm_atm_ugm3, b[i].pm_atm_ugm3);
  EXPECT_EQ(whole.counters().garbage_bytes, bytewise.counters().garbage_bytes);
}

TEST(Pms7003, DecodeRefusesEachDefect) {
  const auto bytes = testing::read_bytes("pms7003_stream.bin");
  const auto good = std::span(bytes).subspan(4, 32);
  ASSERT_TRUE(pms7003_decode(good).ok());
  std::vector<std::uint8_t> f(good.begin(), good.end());
  for (std::size_t i = 0; i < f.size(); ++i) {  // a sum detects any single-byte change
    auto c = f;
    c[i] = static_cast<std::uint8_t>(c[i] + 1);
    EXPECT_FALSE(pms7003_decode(c).ok()) << "byte " << i;
  }
  EXPECT_FALSE(pms7003_decode(std::span(f).subspan(0, 31)).ok());
}

TEST(Pir, SysfsValueFileDrivesMotionAndEvents) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("css-pir-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto value = dir / "value";
  auto set = [&](const char* v) { std::ofstream(value) << v << "\n"; };
  set("0");
  auto line = SysfsGpioInput::open(value.string());
  ASSERT_TRUE(line.ok()) << line.error().message;
  Pir pir(*line);
  auto r0 = pir.sample(0.0);
  ASSERT_TRUE(r0.ok());
  EXPECT_EQ(r0->get(Quantity::kMotion), 0.0);
  set("1");
  ASSERT_TRUE(pir.poll().ok());  // a short pulse between two samples…
  set("0");
  auto r1 = pir.sample(1.0);  // …is still reported
  ASSERT_TRUE(r1.ok());
  EXPECT_EQ(r1->get(Quantity::kMotion), 1.0);
  auto r2 = pir.sample(2.0);
  EXPECT_EQ(r2->get(Quantity::kMotion), 0.0);
  EXPECT_EQ(pir.counters().motion_events, 1U);
  set("x");
  EXPECT_FALSE(pir.sample(3.0).ok());
  EXPECT_EQ(pir.counters().read_errors, 1U);
  std::filesystem::remove_all(dir);
  EXPECT_FALSE(SysfsGpioInput::open((dir / "value").string()).ok());
  auto chip = ChardevGpioInput::open("/dev/gpiochip-does-not-exist", 17);
  ASSERT_FALSE(chip.ok());
  EXPECT_NE(chip.error().message.find("gpiochip-does-not-exist"), std::string::npos);
}

}  // namespace
}  // namespace css::sensors

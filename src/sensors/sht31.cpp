#include "css/sensors/sht31.hpp"

#include <array>

namespace css::sensors {
namespace {

constexpr std::array<std::uint8_t, 2> kMeasureHighNoStretch = {0x24, 0x00};
constexpr std::array<std::uint8_t, 2> kSoftReset = {0x30, 0xA2};
constexpr std::uint32_t kMeasureWaitMs = 16;  // high repeatability: max 15.5 ms
constexpr std::uint32_t kResetWaitMs = 2;     // soft reset time: max 1.5 ms

}  // namespace

std::uint8_t sht31_crc8(std::span<const std::uint8_t> bytes) {
  std::uint8_t crc = 0xFF;
  for (const std::uint8_t b : bytes) {
    crc ^= b;
    for (int bit = 0; bit < 8; ++bit) {
      crc = static_cast<std::uint8_t>((crc & 0x80) != 0 ? (crc << 1) ^ 0x31 : crc << 1);
    }
  }
  return crc;
}

Result<Sht31Reading> sht31_decode(std::span<const std::uint8_t> bytes) {
  if (bytes.size() != 6) {
    return make_error(ErrorCode::kParse,
                      "sht31: expected 6 measurement bytes, got " + std::to_string(bytes.size()));
  }
  for (std::size_t word = 0; word < 2; ++word) {
    const auto w = bytes.subspan(word * 3, 2);
    const std::uint8_t crc = sht31_crc8(w);
    if (crc != bytes[word * 3 + 2]) {
      return make_error(ErrorCode::kParse, std::string("sht31: CRC mismatch on the ") +
                                               (word == 0 ? "temperature" : "humidity") +
                                               " word (received " + hex_byte(bytes[word * 3 + 2]) +
                                               ", computed " + hex_byte(crc) + ")");
    }
  }
  const double st = (bytes[0] << 8) | bytes[1];
  const double srh = (bytes[3] << 8) | bytes[4];
  return Sht31Reading{-45.0 + 175.0 * st / 65535.0, 100.0 * srh / 65535.0};
}

Status Sht31::soft_reset() {
  if (auto s = bus_.write(address_, kSoftReset); !s.ok()) return s;
  bus_.delay_ms(kResetWaitMs);
  return Ok{};
}

Result<Sht31Reading> Sht31::measure() {
  if (auto s = bus_.write(address_, kMeasureHighNoStretch); !s.ok()) return s.error();
  bus_.delay_ms(kMeasureWaitMs);
  std::array<std::uint8_t, 6> raw{};
  if (auto s = bus_.read(address_, raw); !s.ok()) return s.error();
  return sht31_decode(raw);
}

Result<EnvReadings> Sht31::sample(double /*t_s*/) {
  auto m = measure();
  if (!m.ok()) return m.error();
  EnvReadings r;
  r.set(Quantity::kTemperatureC, m->temperature_c);
  r.set(Quantity::kHumidityPct, m->humidity_pct);
  return r;
}

}  // namespace css::sensors

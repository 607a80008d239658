#include "css/sensors/bh1750.hpp"

#include <array>

namespace css::sensors {
namespace {

constexpr std::uint8_t kPowerOn = 0x01;
constexpr std::uint8_t kReset = 0x07;
constexpr std::uint8_t kOneTimeHighRes = 0x20;
constexpr std::uint32_t kHighResMaxMs = 180;  // H-resolution measurement time, max
constexpr double kCountsPerLux = 1.2;

}  // namespace

Status Bh1750::init() {
  const std::array<std::uint8_t, 1> on = {kPowerOn};
  const std::array<std::uint8_t, 1> reset = {kReset};
  if (auto s = bus_.write(address_, on); !s.ok()) return s;
  return bus_.write(address_, reset);
}

Result<Bh1750Reading> Bh1750::measure() {
  const std::array<std::uint8_t, 1> cmd = {kOneTimeHighRes};
  if (auto s = bus_.write(address_, cmd); !s.ok()) return s.error();
  bus_.delay_ms(kHighResMaxMs);
  std::array<std::uint8_t, 2> raw{};
  if (auto s = bus_.read(address_, raw); !s.ok()) return s.error();
  const unsigned counts = (raw[0] << 8) | raw[1];
  return Bh1750Reading{counts / kCountsPerLux, counts == 0xFFFF};
}

Result<EnvReadings> Bh1750::sample(double /*t_s*/) {
  auto m = measure();
  if (!m.ok()) return m.error();
  EnvReadings r;
  r.set(Quantity::kIlluminanceLux, m->lux);
  return r;
}

}  // namespace css::sensors

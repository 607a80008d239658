#include "css/sensors/imu.hpp"

namespace css::sensors {

double accel_lsb_per_g(AccelRange r) {
  return 16384.0 / static_cast<double>(1U << static_cast<unsigned>(r));
}

double gyro_lsb_per_dps(GyroRange r) {
  constexpr std::array<double, 4> kLsb = {131.0, 65.5, 32.8, 16.4};
  return kLsb[static_cast<std::size_t>(r) & 3U];
}

std::int16_t be_i16(const std::uint8_t* p) {
  return static_cast<std::int16_t>(static_cast<std::uint16_t>((p[0] << 8) | p[1]));
}

}  // namespace css::sensors

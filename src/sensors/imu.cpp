#include "css/sensors/imu.hpp"

#include "css/core/units.hpp"

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

void convert_imu(const std::uint8_t* accel, const std::uint8_t* gyro, const ImuConfig& config,
                 ImuSample& out) {
  const double acc_scale = units::kGravity / accel_lsb_per_g(config.accel_range);
  const double gyro_scale = units::deg_to_rad(1.0) / gyro_lsb_per_dps(config.gyro_range);
  for (std::size_t i = 0; i < 3; ++i) {
    out.acc_mps2[i] = static_cast<float>(be_i16(accel + 2 * i) * acc_scale);
    out.gyro_rps[i] = static_cast<float>(be_i16(gyro + 2 * i) * gyro_scale);
  }
}

}  // namespace css::sensors

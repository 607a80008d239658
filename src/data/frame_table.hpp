// Internal: a SensorFrame as one row of kFrameColumns doubles (NPY and CSV share it).
#pragma once

#include <array>
#include <cstddef>

#include "css/core/sensor_frame.hpp"

namespace css::data::detail {

inline constexpr std::size_t kFrameWidth = kFrameColumns.size();
inline constexpr std::size_t kGnssFixColumn = 9;

inline std::array<double, kFrameWidth> frame_to_row(const SensorFrame& f) {
  return {f.t,          f.acc[0],      f.acc[1], f.acc[2], f.gyro[0],
          f.gyro[1],    f.gyro[2],     f.lat,    f.lon,    f.gnss_fix ? 1.0 : 0.0,
          f.gnss_speed, f.gnss_course, f.spl};
}

// The caller has checked that row[kGnssFixColumn] is 0 or 1.
inline SensorFrame row_to_frame(const double* row) {
  SensorFrame f;
  f.t = row[0];
  for (std::size_t i = 0; i < 3; ++i) {
    f.acc[i] = static_cast<float>(row[1 + i]);
    f.gyro[i] = static_cast<float>(row[4 + i]);
  }
  f.lat = row[7];
  f.lon = row[8];
  f.gnss_fix = row[kGnssFixColumn] != 0.0;
  f.gnss_speed = static_cast<float>(row[10]);
  f.gnss_course = static_cast<float>(row[11]);
  f.spl = static_cast<float>(row[12]);
  return f;
}

}  // namespace css::data::detail

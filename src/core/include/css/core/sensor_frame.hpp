// SensorFrame: one 50 Hz sample of everything a node senses (docs/architecture.md, "Canonical
// data"). Accelerometer in the device frame with gravity included; GNSS fields are updated at 1 Hz
// and held between fixes. A sensor that is absent or off is marked, never faked: gyro and spl are
// NaN, gnss_fix is false.
#pragma once

#include <array>
#include <cmath>

namespace css {

struct SensorFrame {
  double t = 0.0;               // s since the recording started
  std::array<float, 3> acc{};   // m/s², device frame, gravity included
  std::array<float, 3> gyro{};  // rad/s, device frame; NaN = no gyroscope
  double lat = 0.0;             // deg WGS-84 (valid when gnss_fix)
  double lon = 0.0;             // deg WGS-84 (valid when gnss_fix)
  bool gnss_fix = false;        // false during outages / indoors
  float gnss_speed = 0.0F;      // m/s over ground (valid when gnss_fix)
  float gnss_course = 0.0F;     // deg clockwise from north, [0, 360)
  float spl = 0.0F;             // dBA (A-weighted, fast); NaN = no microphone

  bool has_gyro() const { return !std::isnan(gyro[0]); }
  bool has_spl() const { return !std::isnan(spl); }
};

// The columns of a frame as stored in datasets (NPY/CSV), in this order.
inline constexpr std::array<const char*, 13> kFrameColumns = {
    "t",   "acc_x", "acc_y",    "acc_z",      "gyro_x",      "gyro_y", "gyro_z",
    "lat", "lon",   "gnss_fix", "gnss_speed", "gnss_course", "spl"};
inline constexpr std::array<const char*, 13> kFrameUnits = {
    "s",   "m/s^2", "m/s^2", "m/s^2", "rad/s", "rad/s", "rad/s",
    "deg", "deg",   "bool",  "m/s",   "deg",   "dBA"};

}  // namespace css

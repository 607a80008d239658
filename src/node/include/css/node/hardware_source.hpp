// Frames from real sensors (docs/edge.md, "Sources"): K duplicate IMUs (MPU6050 or ICM20948)
// on one I2C bus, fused per sample by median (sensors::ImuFusion: a sensor that disagrees is
// flagged and left out), and an optional GNSS receiver on a serial port (NMEA 0183 through
// sensors::GnssReader), read at rate_hz into the SensorFrame stream the pipeline reads.
//
//   --source imu:PATH[@ADDR[,ADDR...]]   e.g. imu:/dev/i2c-1, imu:/dev/i2c-1@0x68,0x69
//   --gnss PATH[@BAUD]                   e.g. /dev/ttyAMA0, /dev/ttyUSB0@38400 (default 9600)
//
// Contract of the source:
//  - Sample k has t = k / rate_hz. Paced: sample k is read at (first read) + k / rate_hz on
//    the steady clock; unpaced (tests), as fast as next() is called.
//  - Per sample every IMU is read once (a burst read); one that fails is left out of that
//    sample. A sample where no IMU answered is skipped (t moves on); after rate_hz such
//    samples in a row (1 s) next() fails with kIo naming the bus and the last error.
//  - GNSS: whatever the port holds is parsed at each sample (no waiting); the frame carries
//    the last valid fix (position, speed and course when known) while it is younger than
//    kGnssStaleS, else gnss_fix = false. A port that hangs up fails next() with kIo.
//  - No microphone: spl is NaN. The stream never ends by itself.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "css/core/result.hpp"
#include "css/node/source.hpp"
#include "css/sensors/gnss_reader.hpp"
#include "css/sensors/i2c_bus.hpp"

namespace css::node {

inline constexpr double kGnssStaleS = 3.0;

struct HardwareSpec {
  std::string i2c_path;                       // /dev/i2c-N
  std::vector<std::uint8_t> addresses{0x68};  // one IMU per address, all of one driver
  std::string driver = "mpu6050";             // or "icm20948"
  std::string gnss_path;                      // empty = no GNSS
  int gnss_baud = 9600;
  double rate_hz = 50.0;
};

// True for "imu:…" source specs.
bool is_hardware_source(std::string_view spec);
// Parses "imu:PATH[@ADDR[,ADDR...]]" into spec (path, addresses); errors name --source.
Status parse_imu_source(std::string_view text, HardwareSpec& spec);
// Parses "PATH[@BAUD]" into spec (gnss_path, gnss_baud); errors name --gnss.
Status parse_gnss_spec(std::string_view text, HardwareSpec& spec);
// "mpu6050" or "icm20948"; errors name --imu-driver.
Status check_imu_driver(std::string_view driver);

// Opens the I2C adapter and the serial port, initialises every IMU (WHO_AM_I checked).
Result<std::unique_ptr<Source>> make_hardware_source(const HardwareSpec& spec, bool paced);
// The same over a bus and a GNSS reader the caller opened (a RecordedI2cBus and a pty in the
// tests); spec.i2c_path and spec.gnss_path only name them in messages.
Result<std::unique_ptr<Source>> make_hardware_source(const HardwareSpec& spec,
                                                     std::unique_ptr<sensors::I2cBus> bus,
                                                     std::optional<sensors::GnssReader> gnss,
                                                     bool paced);

}  // namespace css::node

// The edge node's real environment station (docs/edge.md, "Environment station"): the
// sensors named by edge.env_sensors, opened once at start, polled on their own thread so
// their conversion waits (BH1750 180 ms, BME680 ~150 ms) never stall the 50 Hz IMU loop.
//
//   edge.env_sensors = "sim"                                   the simulated station (default)
//   edge.env_sensors = "KIND:PATH[@ARG][,KIND:PATH[@ARG]...]"  real parts, e.g.
//     sht31:/dev/i2c-1            SHT31 at 0x44 (@0x45 with ADDR high)
//     bh1750:/dev/i2c-1@0x5C      BH1750 at 0x23 by default
//     bme680:/dev/i2c-1@0x77      BME680 at 0x76 by default
//     pms7003:/dev/ttyUSB0        PMS7003 on a UART, 9600 baud 8N1 (no @ARG)
//     pir:/dev/gpiochip0@17       PIR on line 17 of a GPIO chip (character device)
//     pir:/sys/class/gpio/gpio17/value   PIR through a sysfs value file (no @ARG)
// Sensors on one I2C adapter share one opened bus. Contract:
//  - parse_env_sensors(): bad syntax is kInvalidArgument naming edge.env_sensors and the token.
//  - EnvRig::open(): every part is opened and initialised (SHT31 soft reset, BH1750 power on,
//    BME680 chip id + calibration); the first that fails is an error naming its kind and
//    device, and nothing stays open.
//  - EnvPoller: samples every sensor each poll_s of wall-clock time into a TelemetryAggregator
//    keyed on Unix time; a failed read is counted per sensor in the window (never fatal).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "css/core/result.hpp"
#include "css/sensors/environment.hpp"
#include "css/sensors/i2c_bus.hpp"
#include "css/sensors/telemetry.hpp"

namespace css::node {

struct EnvSensorSpec {
  std::string kind;          // sht31, bh1750, bme680, pms7003, pir
  std::string path;          // /dev/i2c-N, /dev/ttyUSB0, /dev/gpiochipN or a sysfs value file
  std::uint8_t address = 0;  // I2C parts
  unsigned gpio_line = 0;    // pir on a /dev/gpiochipN
};

// True for "sim" (the default): the simulated station, no hardware.
bool is_simulated_env(std::string_view text);
// Parses the comma list above (not "sim"); an empty list is an error.
Result<std::vector<EnvSensorSpec>> parse_env_sensors(std::string_view text);

// Opens an I2C adapter by path: LinuxI2cBus by default; tests hand in scripted buses.
using I2cOpener = std::function<Result<std::unique_ptr<sensors::I2cBus>>(const std::string&)>;
I2cOpener linux_i2c_opener();

// Owns the buses, ports, GPIO lines and drivers of the real station.
class EnvRig {
 public:
  static Result<std::unique_ptr<EnvRig>> open(const std::vector<EnvSensorSpec>& specs,
                                              const I2cOpener& open_i2c);
  ~EnvRig();
  EnvRig(const EnvRig&) = delete;
  EnvRig& operator=(const EnvRig&) = delete;
  // Borrowed drivers, in edge.env_sensors order.
  std::vector<sensors::EnvSensor*> sensors() const;
  struct Parts;  // defined in the .cpp

 private:
  EnvRig() = default;
  std::unique_ptr<Parts> parts_;
};

// Polls the rig's sensors on a thread; the runtime collects finished windows with take().
class EnvPoller {
 public:
  EnvPoller(std::vector<sensors::EnvSensor*> sensors, const std::string& device, double period_s,
            double poll_s = 1.0);
  ~EnvPoller();  // stops the thread (without flushing)
  EnvPoller(const EnvPoller&) = delete;
  EnvPoller& operator=(const EnvPoller&) = delete;
  // Windows that closed since the last call.
  std::vector<sensors::TelemetryWindow> take();
  // Stops the thread and returns what is left, the open window flushed last.
  std::vector<sensors::TelemetryWindow> stop();

 private:
  void loop();
  sensors::TelemetryAggregator aggregator_;
  sensors::EnvStation station_;
  double poll_s_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::vector<sensors::TelemetryWindow> done_;
  std::thread thread_;
};

}  // namespace css::node

// PIR motion sensor on a GPIO input (e.g. HC-SR501: output high while it sees motion,
// ~2.5 s minimum hold; 3.3 V logic on a Raspberry Pi pin).
//
// GpioInput is the seam: a line that reads high or low. Two Linux implementations:
//  - SysfsGpioInput reads a "value" file (/sys/class/gpio/gpioN/value, deprecated sysfs ABI
//    but still present on Raspberry Pi OS); any file holding "0" or "1" works, so tests
//    drive it with a real file.
//  - ChardevGpioInput requests one line from /dev/gpiochipN through the GPIO character
//    device uAPI v2 (linux/gpio.h: GPIO_V2_GET_LINE_IOCTL, GPIO_V2_LINE_GET_VALUES_IOCTL).
// Both own their descriptor, never throw, and name the path in errors.
//
// Pir polls a GpioInput: sample() reports kMotion = 1 when the line was high at any poll
// since the previous sample (so a short pulse between two 1 s samples is not lost when the
// caller polls faster with poll()), and counts rising edges (motion events).
#pragma once

#include <cstdint>
#include <string>

#include "css/sensors/environment.hpp"

namespace css::sensors {

class GpioInput {
 public:
  virtual ~GpioInput() = default;
  virtual Result<bool> read() = 0;
};

class SysfsGpioInput final : public GpioInput {
 public:
  static Result<SysfsGpioInput> open(const std::string& value_path);
  SysfsGpioInput(SysfsGpioInput&& other) noexcept;
  SysfsGpioInput& operator=(SysfsGpioInput&&) = delete;
  SysfsGpioInput(const SysfsGpioInput&) = delete;
  SysfsGpioInput& operator=(const SysfsGpioInput&) = delete;
  ~SysfsGpioInput() override;
  Result<bool> read() override;

 private:
  SysfsGpioInput(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_ = -1;
  std::string path_;
};

class ChardevGpioInput final : public GpioInput {
 public:
  static Result<ChardevGpioInput> open(const std::string& chip_path, unsigned line_offset);
  ChardevGpioInput(ChardevGpioInput&& other) noexcept;
  ChardevGpioInput& operator=(ChardevGpioInput&&) = delete;
  ChardevGpioInput(const ChardevGpioInput&) = delete;
  ChardevGpioInput& operator=(const ChardevGpioInput&) = delete;
  ~ChardevGpioInput() override;
  Result<bool> read() override;

 private:
  ChardevGpioInput(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_ = -1;  // the line request's descriptor
  std::string path_;
};

struct PirCounters {
  std::uint64_t polls = 0;
  std::uint64_t motion_events = 0;  // rising edges seen by poll()
  std::uint64_t read_errors = 0;
};

class Pir final : public EnvSensor {
 public:
  explicit Pir(GpioInput& line) : line_(line) {}  // borrows the line
  // Reads the line once; call it faster than sample() (e.g. 10 Hz) to catch short pulses.
  Status poll();
  std::string_view name() const override { return "pir"; }
  // Polls once more, reports motion seen since the previous sample, and resets that flag.
  Result<EnvReadings> sample(double t_s) override;
  const PirCounters& counters() const { return counters_; }

 private:
  GpioInput& line_;
  bool level_ = false;
  bool seen_ = false;
  PirCounters counters_;
};

}  // namespace css::sensors

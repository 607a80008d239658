// PMS7003 particulate-matter sensor: its 32-byte UART frame (Plantower PMS7003 data manual,
// 2016, "Transport Protocol – Active Mode"; 9600 baud 8N1, one frame every 0.2–2.3 s).
//
//   0x42 0x4D | frame length = 28 (2 × 13 data + 2 check) | 13 big-endian uint16 data |
//   check code = low 16 bits of the sum of bytes 0…29, big-endian
//
// Data 1–3: PM1.0/PM2.5/PM10 at CF=1 ("factory environment"); 4–6: the same under
// atmospheric environment (what telemetry reports); 7–12: particle counts > 0.3, 0.5, 1.0,
// 2.5, 5.0, 10 µm per 0.1 L; 13: reserved (high byte version, low byte error code).
//
// Pms7003Parser takes any byte chunks, resynchronises on 0x42 0x4D after garbage or a bad
// frame (rescanning the rejected bytes, so a real frame inside garbage is not lost), never
// holds more than one frame, and counts what it rejects.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "css/sensors/environment.hpp"
#include "css/sensors/serial_port.hpp"

namespace css::sensors {

inline constexpr std::size_t kPms7003FrameBytes = 32;

struct Pms7003Frame {
  std::array<std::uint16_t, 3> pm_cf1_ugm3{};     // PM1.0, PM2.5, PM10 at CF=1
  std::array<std::uint16_t, 3> pm_atm_ugm3{};     // PM1.0, PM2.5, PM10, atmospheric environment
  std::array<std::uint16_t, 6> counts_per_01l{};  // > 0.3, 0.5, 1.0, 2.5, 5.0, 10 µm
  std::uint8_t version = 0;
  std::uint8_t error_code = 0;
};

struct Pms7003Counters {
  std::uint64_t frames = 0;
  std::uint64_t bad_checksum = 0;
  std::uint64_t bad_length = 0;     // a header whose length field is not 28
  std::uint64_t garbage_bytes = 0;  // bytes skipped while looking for 0x42 0x4D
};

// Decodes one complete 32-byte frame (header, length and checksum checked).
Result<Pms7003Frame> pms7003_decode(std::span<const std::uint8_t> frame);

class Pms7003Parser {
 public:
  // Appends every complete, valid frame found in `bytes`; returns how many.
  std::size_t feed(std::span<const std::uint8_t> bytes, std::vector<Pms7003Frame>& out);
  const Pms7003Counters& counters() const { return counters_; }

 private:
  void push(std::uint8_t b, std::vector<Pms7003Frame>& out, std::size_t& produced);
  void resync();  // drop buf_[0] and rescan the rest for a header
  std::array<std::uint8_t, kPms7003FrameBytes> buf_{};
  std::size_t len_ = 0;
  Pms7003Counters counters_;
};

// PMS7003 on a serial port as an EnvSensor: sample() drains the port (up to `wait_ms`) and
// reports the newest frame's atmospheric PM values; no frame for `max_age_s` is an Error.
class Pms7003Sensor final : public EnvSensor {
 public:
  explicit Pms7003Sensor(SerialPort port, int wait_ms = 50, double max_age_s = 5.0)
      : port_(std::move(port)), wait_ms_(wait_ms), max_age_s_(max_age_s) {}
  std::string_view name() const override { return "pms7003"; }
  Result<EnvReadings> sample(double t_s) override;
  const Pms7003Counters& counters() const { return parser_.counters(); }

 private:
  SerialPort port_;
  Pms7003Parser parser_;
  int wait_ms_;
  double max_age_s_;
  bool have_frame_ = false;
  Pms7003Frame last_;
  double last_t_s_ = 0.0;
};

}  // namespace css::sensors

// SerialPort: a UART (or USB CDC) device opened raw, 8N1, no flow control, for the GNSS
// receiver (u-blox default 9600 baud) and the PMS7003 (9600 baud).
//
// Contract:
//  - open() checks the path is a terminal (tcgetattr) and the baud rate is one termios
//    supports; errors name the path and the reason. The descriptor is non-blocking and
//    close-on-exec; the SerialPort owns it and closes it on destruction (move-only).
//  - read() waits at most `timeout_ms` for data (poll), then returns what is available, up
//    to buf.size() bytes; 0 bytes means the timeout passed. EINTR is retried within the
//    same deadline. A hang-up (device unplugged) is ErrorCode::kIo.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "css/core/result.hpp"

namespace css::sensors {

class SerialPort {
 public:
  static Result<SerialPort> open(const std::string& path, int baud);

  SerialPort(SerialPort&& other) noexcept;
  SerialPort& operator=(SerialPort&& other) noexcept;
  SerialPort(const SerialPort&) = delete;
  SerialPort& operator=(const SerialPort&) = delete;
  ~SerialPort();

  Result<std::size_t> read(std::span<std::uint8_t> buf, int timeout_ms);
  Status write(std::span<const std::uint8_t> bytes);
  const std::string& path() const { return path_; }

 private:
  SerialPort(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_ = -1;
  std::string path_;
};

// True when `baud` is a rate open() accepts (4800 … 921600).
bool supported_baud(int baud);

}  // namespace css::sensors

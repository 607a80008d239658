#include "css/sensors/serial_port.hpp"

#include <fcntl.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <utility>

namespace css::sensors {
namespace {

struct BaudEntry {
  int baud;
  speed_t code;
};
constexpr std::array<BaudEntry, 9> kBauds = {{{4800, B4800},
                                              {9600, B9600},
                                              {19200, B19200},
                                              {38400, B38400},
                                              {57600, B57600},
                                              {115200, B115200},
                                              {230400, B230400},
                                              {460800, B460800},
                                              {921600, B921600}}};

Error io_error(const std::string& path, const char* what) {
  return make_error(ErrorCode::kIo,
                    "serial port " + path + ": " + what + ": " + std::strerror(errno));
}

// Raw mode, 8 data bits, no parity, 1 stop bit, no flow control, receiver on (termios(3)).
void make_raw(termios& tio, speed_t speed) {
  tio.c_iflag &= ~static_cast<tcflag_t>(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL |
                                        IXON | IXOFF | IXANY);
  tio.c_oflag &= ~static_cast<tcflag_t>(OPOST);
  tio.c_lflag &= ~static_cast<tcflag_t>(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
  tio.c_cflag &= ~static_cast<tcflag_t>(CSIZE | PARENB | CSTOPB | CRTSCTS);
  tio.c_cflag |= CS8 | CLOCAL | CREAD;
  tio.c_cc[VMIN] = 0;
  tio.c_cc[VTIME] = 0;
  cfsetispeed(&tio, speed);
  cfsetospeed(&tio, speed);
}

}  // namespace

bool supported_baud(int baud) {
  for (const auto& e : kBauds) {
    if (e.baud == baud) return true;
  }
  return false;
}

Result<SerialPort> SerialPort::open(const std::string& path, int baud) {
  const BaudEntry* entry = nullptr;
  for (const auto& e : kBauds) {
    if (e.baud == baud) entry = &e;
  }
  if (entry == nullptr) {
    return make_error(ErrorCode::kInvalidArgument,
                      "serial port " + path + ": unsupported baud rate " + std::to_string(baud) +
                          " (expected 4800, 9600, 19200, 38400, 57600, 115200, 230400, "
                          "460800 or 921600)");
  }
  const int fd = ::open(path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return io_error(path, "cannot open");
  SerialPort port(fd, path);  // closes fd on every error path below
  termios tio{};
  if (tcgetattr(fd, &tio) != 0) {
    return make_error(
        ErrorCode::kInvalidArgument,
        "serial port " + path + ": not a terminal device (" + std::strerror(errno) + ")");
  }
  make_raw(tio, entry->code);
  if (tcsetattr(fd, TCSANOW, &tio) != 0) return io_error(path, "cannot configure");
  tcflush(fd, TCIFLUSH);
  return port;
}

SerialPort::SerialPort(SerialPort&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)) {}

SerialPort& SerialPort::operator=(SerialPort&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
  }
  return *this;
}

SerialPort::~SerialPort() {
  if (fd_ >= 0) ::close(fd_);
}

Result<std::size_t> SerialPort::read(std::span<std::uint8_t> buf, int timeout_ms) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms < 0 ? 0 : timeout_ms);
  for (int attempt = 0; attempt < 1000; ++attempt) {  // bounded EINTR retries
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    pollfd p{fd_, POLLIN, 0};
    const int rc = ::poll(&p, 1, left.count() > 0 ? static_cast<int>(left.count()) : 0);
    if (rc < 0 && errno == EINTR) continue;
    if (rc < 0) return io_error(path_, "poll failed");
    if (rc == 0) return std::size_t{0};
    if ((p.revents & POLLIN) == 0 && (p.revents & (POLLHUP | POLLERR | POLLNVAL)) != 0) {
      return make_error(ErrorCode::kIo, "serial port " + path_ + ": device hung up");
    }
    const ssize_t n = ::read(fd_, buf.data(), buf.size());
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n < 0) return io_error(path_, "read failed");
    if (n == 0 && (p.revents & POLLHUP) != 0) {
      return make_error(ErrorCode::kIo, "serial port " + path_ + ": device hung up");
    }
    if (n == 0) continue;
    return static_cast<std::size_t>(n);
  }
  return std::size_t{0};
}

Status SerialPort::write(std::span<const std::uint8_t> bytes) {
  std::size_t done = 0;
  for (int attempt = 0; attempt < 1000 && done < bytes.size(); ++attempt) {
    const ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
      pollfd p{fd_, POLLOUT, 0};
      ::poll(&p, 1, 10);
      continue;
    }
    if (n < 0) return io_error(path_, "write failed");
    done += static_cast<std::size_t>(n);
  }
  if (done < bytes.size()) {
    return make_error(ErrorCode::kIo, "serial port " + path_ + ": write timed out");
  }
  return Ok{};
}

}  // namespace css::sensors

#include "css/sensors/i2c_bus.hpp"

#include <fcntl.h>
#include <linux/i2c-dev.h>
#include <linux/i2c.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>
#include <utility>

namespace css::sensors {
namespace {

bool valid_address(std::uint8_t addr) {
  return addr >= 0x08 && addr <= 0x77;
}

}  // namespace

std::string hex_byte(std::uint8_t v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", v);
  return buf;
}

Status write_reg(I2cBus& bus, std::uint8_t addr, std::uint8_t reg, std::uint8_t value) {
  const std::array<std::uint8_t, 2> bytes = {reg, value};
  return bus.write(addr, bytes);
}

Result<std::uint8_t> read_reg(I2cBus& bus, std::uint8_t addr, std::uint8_t reg) {
  std::array<std::uint8_t, 1> v{};
  const std::array<std::uint8_t, 1> r = {reg};
  if (auto s = bus.write_read(addr, r, v); !s.ok()) return s.error();
  return v[0];
}

Status read_regs(I2cBus& bus, std::uint8_t addr, std::uint8_t first_reg,
                 std::span<std::uint8_t> out) {
  const std::array<std::uint8_t, 1> r = {first_reg};
  return bus.write_read(addr, r, out);
}

Status check_identity(I2cBus& bus, std::uint8_t addr, std::uint8_t reg, std::uint8_t expected,
                      std::string_view part, std::string_view reg_name) {
  auto who = read_reg(bus, addr, reg);
  if (!who.ok()) return who.error();
  if (*who != expected) {
    return make_error(ErrorCode::kNotFound, std::string(part) + " at " + hex_byte(addr) + ": " +
                                                std::string(reg_name) + " is " + hex_byte(*who) +
                                                ", expected " + hex_byte(expected));
  }
  return Ok{};
}

Result<LinuxI2cBus> LinuxI2cBus::open(int bus_number) {
  if (bus_number < 0 || bus_number > 255) {
    return make_error(ErrorCode::kInvalidArgument,
                      "i2c bus number " + std::to_string(bus_number) + " (expected 0–255)");
  }
  return open_path("/dev/i2c-" + std::to_string(bus_number));
}

Result<LinuxI2cBus> LinuxI2cBus::open_path(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    return make_error(ErrorCode::kIo, "i2c bus " + path + ": cannot open: " + std::strerror(errno) +
                                          " (is the i2c-dev module loaded?)");
  }
  unsigned long funcs = 0;
  if (::ioctl(fd, I2C_FUNCS, &funcs) < 0) {
    const int err = errno;
    ::close(fd);
    return make_error(
        ErrorCode::kInvalidArgument,
        "i2c bus " + path + ": not an i2c-dev adapter (I2C_FUNCS: " + std::strerror(err) + ")");
  }
  return LinuxI2cBus(fd, path, (funcs & I2C_FUNC_I2C) != 0);
}

LinuxI2cBus::LinuxI2cBus(LinuxI2cBus&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)), rdwr_(other.rdwr_) {}

LinuxI2cBus& LinuxI2cBus::operator=(LinuxI2cBus&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
    rdwr_ = other.rdwr_;
  }
  return *this;
}

LinuxI2cBus::~LinuxI2cBus() {
  if (fd_ >= 0) ::close(fd_);
}

Status LinuxI2cBus::write(std::uint8_t addr, std::span<const std::uint8_t> bytes) {
  return transfer(addr, bytes, {});
}
Status LinuxI2cBus::read(std::uint8_t addr, std::span<std::uint8_t> in) {
  return transfer(addr, {}, in);
}
Status LinuxI2cBus::write_read(std::uint8_t addr, std::span<const std::uint8_t> out,
                               std::span<std::uint8_t> in) {
  return transfer(addr, out, in);
}

void LinuxI2cBus::delay_ms(std::uint32_t ms) {
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

Status LinuxI2cBus::transfer(std::uint8_t addr, std::span<const std::uint8_t> out,
                             std::span<std::uint8_t> in) {
  if (!valid_address(addr)) {
    return make_error(ErrorCode::kInvalidArgument,
                      "i2c bus " + path_ + ": address " + hex_byte(addr) + " (expected 0x08–0x77)");
  }
  if (out.size() > 0xFFFF || in.size() > 0xFFFF) {
    return make_error(ErrorCode::kInvalidArgument, "i2c bus " + path_ + ": transfer too long");
  }
  if (!rdwr_) return plain(addr, out, in);
  std::array<i2c_msg, 2> msgs{};
  __u32 n = 0;
  if (!out.empty()) {
    // i2c_msg.buf is not const in the kernel ABI; a write message is only read from.
    msgs[n++] = i2c_msg{addr, 0, static_cast<__u16>(out.size()), const_cast<__u8*>(out.data())};
  }
  if (!in.empty()) {
    msgs[n++] = i2c_msg{addr, I2C_M_RD, static_cast<__u16>(in.size()), in.data()};
  }
  i2c_rdwr_ioctl_data data{msgs.data(), n};
  if (n > 0 && ::ioctl(fd_, I2C_RDWR, &data) < 0) {
    return make_error(ErrorCode::kIo, "i2c bus " + path_ + ": transfer with device " +
                                          hex_byte(addr) + " failed: " + std::strerror(errno));
  }
  return Ok{};
}

Status LinuxI2cBus::plain(std::uint8_t addr, std::span<const std::uint8_t> out,
                          std::span<std::uint8_t> in) {
  if (::ioctl(fd_, I2C_SLAVE, static_cast<unsigned long>(addr)) < 0) {
    return make_error(ErrorCode::kIo, "i2c bus " + path_ + ": cannot select device " +
                                          hex_byte(addr) + ": " + std::strerror(errno));
  }
  if (!out.empty() && ::write(fd_, out.data(), out.size()) != static_cast<ssize_t>(out.size())) {
    return make_error(ErrorCode::kIo, "i2c bus " + path_ + ": write to device " + hex_byte(addr) +
                                          " failed: " + std::strerror(errno));
  }
  if (!in.empty() && ::read(fd_, in.data(), in.size()) != static_cast<ssize_t>(in.size())) {
    return make_error(ErrorCode::kIo, "i2c bus " + path_ + ": read from device " + hex_byte(addr) +
                                          " failed: " + std::strerror(errno));
  }
  return Ok{};
}

}  // namespace css::sensors

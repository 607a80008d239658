// I2cBus: the seam between sensor drivers and an I2C controller.
//
// Contract:
//  - Addresses are 7-bit (0x08–0x77). Each call is one transaction: write() and read() are
//    START … STOP; write_read() is a write, a repeated START and a read (a register read).
//  - A NACK, a bus error or a short transfer is an Error naming the bus, the address and
//    the operation; nothing throws. Buffers are the caller's; the bus keeps no pointer.
//  - delay_ms() waits at least that long (conversion times); drivers call it instead of
//    sleeping so a recorded bus can check the waits without spending them.
// Implementations: LinuxI2cBus (/dev/i2c-N, below) and RecordedI2cBus (recorded_i2c_bus.hpp).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "css/core/result.hpp"

namespace css::sensors {

class I2cBus {
 public:
  virtual ~I2cBus() = default;
  virtual Status write(std::uint8_t addr, std::span<const std::uint8_t> bytes) = 0;
  virtual Status read(std::uint8_t addr, std::span<std::uint8_t> in) = 0;
  virtual Status write_read(std::uint8_t addr, std::span<const std::uint8_t> out,
                            std::span<std::uint8_t> in) = 0;
  virtual void delay_ms(std::uint32_t ms) = 0;
};

// "0x68": how messages name addresses, registers and register values.
std::string hex_byte(std::uint8_t v);

// Register helpers for devices with an 8-bit register pointer (MPU6050, ICM20948, BME680).
Status write_reg(I2cBus& bus, std::uint8_t addr, std::uint8_t reg, std::uint8_t value);
Result<std::uint8_t> read_reg(I2cBus& bus, std::uint8_t addr, std::uint8_t reg);
Status read_regs(I2cBus& bus, std::uint8_t addr, std::uint8_t first_reg,
                 std::span<std::uint8_t> out);
// Reads an identity register and checks it: kNotFound names the part, address and value.
Status check_identity(I2cBus& bus, std::uint8_t addr, std::uint8_t reg, std::uint8_t expected,
                      std::string_view part, std::string_view reg_name);

// Linux i2c-dev (Documentation/i2c/dev-interface.rst): transactions go through the I2C_RDWR
// ioctl (repeated START). On an adapter without I2C_FUNC_I2C (SMBus-only), it falls back to
// I2C_SLAVE + read()/write(), so write_read() becomes a write then a separate read — fine
// for the register-pointer devices here. Owns the descriptor; move-only.
class LinuxI2cBus final : public I2cBus {
 public:
  // `bus_number` N opens /dev/i2c-N; `path` overrides it (for tests and odd layouts).
  static Result<LinuxI2cBus> open(int bus_number);
  static Result<LinuxI2cBus> open_path(const std::string& path);

  LinuxI2cBus(LinuxI2cBus&& other) noexcept;
  LinuxI2cBus& operator=(LinuxI2cBus&& other) noexcept;
  LinuxI2cBus(const LinuxI2cBus&) = delete;
  LinuxI2cBus& operator=(const LinuxI2cBus&) = delete;
  ~LinuxI2cBus() override;

  Status write(std::uint8_t addr, std::span<const std::uint8_t> bytes) override;
  Status read(std::uint8_t addr, std::span<std::uint8_t> in) override;
  Status write_read(std::uint8_t addr, std::span<const std::uint8_t> out,
                    std::span<std::uint8_t> in) override;
  void delay_ms(std::uint32_t ms) override;
  bool has_repeated_start() const { return rdwr_; }

 private:
  LinuxI2cBus(int fd, std::string path, bool rdwr) : fd_(fd), path_(std::move(path)), rdwr_(rdwr) {}
  Status transfer(std::uint8_t addr, std::span<const std::uint8_t> out, std::span<std::uint8_t> in);
  Status plain(std::uint8_t addr, std::span<const std::uint8_t> out, std::span<std::uint8_t> in);
  int fd_ = -1;
  std::string path_;
  bool rdwr_ = true;
};

}  // namespace css::sensors

// RecordedI2cBus: an I2cBus that replays a script of expected transactions — the driver
// tests' stand-in for a device. Each write must match the script byte for byte; each read
// returns the script's canned bytes; each delay must be at least the scripted one. The
// first transaction that differs (or comes after the script ended) fails with kInvalidArgument
// naming the script line, and every later call fails too; verify() reports it, or a script
// not played to its end.
//
// Script text (one transaction a line, hex bytes, '#' comments; files in tests/data/sensors/):
//   w  68 6B 80        write 6B 80 to device 0x68
//   r  44 : 66 3B C5   read 3 bytes from 0x44, the device answers 66 3B C5
//   wr 68 75 : 68      write 75, repeated START, read 1 byte: 68
//   d  100             the driver waits at least 100 ms
//   !w 68 6B 80        as w, but the device NACKs: the call returns a kIo error
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "css/sensors/i2c_bus.hpp"

namespace css::sensors {

struct I2cTransaction {
  enum class Kind : std::uint8_t { kWrite, kRead, kWriteRead, kDelay };
  Kind kind = Kind::kWrite;
  std::uint8_t addr = 0;
  std::vector<std::uint8_t> out;  // bytes the driver must write
  std::vector<std::uint8_t> in;   // bytes the device answers
  std::uint32_t delay_ms = 0;
  bool nack = false;
  int line = 0;  // script line, for messages
};

class RecordedI2cBus final : public I2cBus {
 public:
  explicit RecordedI2cBus(std::vector<I2cTransaction> script, std::string name = "script");
  // Parses the script text above; errors name `name` and the line.
  static Result<RecordedI2cBus> from_text(std::string_view text, std::string name);
  static Result<RecordedI2cBus> from_file(const std::string& path);

  Status write(std::uint8_t addr, std::span<const std::uint8_t> bytes) override;
  Status read(std::uint8_t addr, std::span<std::uint8_t> in) override;
  Status write_read(std::uint8_t addr, std::span<const std::uint8_t> out,
                    std::span<std::uint8_t> in) override;
  void delay_ms(std::uint32_t ms) override;

  // Ok when the whole script ran in order with no unexpected transaction.
  Status verify() const;
  std::size_t played() const { return next_; }

 private:
  Status step(I2cTransaction::Kind kind, std::uint8_t addr, std::span<const std::uint8_t> out,
              std::span<std::uint8_t> in, std::uint32_t delay);
  Status fail(std::string what);

  std::vector<I2cTransaction> script_;
  std::string name_;
  std::size_t next_ = 0;
  std::string failure_;
};

}  // namespace css::sensors

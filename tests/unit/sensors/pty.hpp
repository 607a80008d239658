// Pty: a pseudo-terminal for the serial-port tests. The test writes into the master side the
// way a receiver's UART would; the code under test opens slave() like /dev/ttyAMA0.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdint>
#include <span>
#include <string>

namespace css::sensors::testing {

class Pty {
 public:
  Pty() {
    master_ = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master_ >= 0 && grantpt(master_) == 0 && unlockpt(master_) == 0) {
      slave_ = ptsname(master_);
    }
  }
  ~Pty() {
    if (master_ >= 0) close(master_);
  }
  Pty(const Pty&) = delete;
  Pty& operator=(const Pty&) = delete;
  bool ok() const { return !slave_.empty(); }
  const std::string& slave() const { return slave_; }
  void write_all(std::span<const std::uint8_t> bytes) {
    std::size_t done = 0;
    for (int i = 0; i < 1000 && done < bytes.size(); ++i) {
      const ssize_t n = ::write(master_, bytes.data() + done, bytes.size() - done);
      if (n > 0) done += static_cast<std::size_t>(n);
    }
    ASSERT_EQ(done, bytes.size());
  }
  void hang_up() {
    close(master_);
    master_ = -1;
  }

 private:
  int master_ = -1;
  std::string slave_;
};

}  // namespace css::sensors::testing

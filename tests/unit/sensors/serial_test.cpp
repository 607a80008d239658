// SerialPort and GnssReader on a real pseudo-terminal: the test writes the recorded session
// into the master side the way a receiver's UART would, and reads fixes from the slave side.
#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>

#include "css/sensors/gnss_reader.hpp"
#include "css/sensors/serial_port.hpp"
#include "pty.hpp"
#include "test_data.hpp"

namespace css::sensors {
namespace {

using testing::Pty;

TEST(SerialPort, RefusesBadBaudMissingPathAndNonTerminal) {
  auto bad_baud = SerialPort::open("/dev/null", 12345);
  ASSERT_FALSE(bad_baud.ok());
  EXPECT_EQ(bad_baud.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(bad_baud.error().message.find("12345"), std::string::npos);

  auto missing = SerialPort::open("/dev/does-not-exist-ttyS99", 9600);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kIo);
  EXPECT_NE(missing.error().message.find("/dev/does-not-exist-ttyS99"), std::string::npos);

  auto not_tty = SerialPort::open("/dev/null", 9600);
  ASSERT_FALSE(not_tty.ok());
  EXPECT_NE(not_tty.error().message.find("not a terminal"), std::string::npos);
}

TEST(SerialPort, TimesOutWithNothingToRead) {
  Pty pty;
  ASSERT_TRUE(pty.ok());
  auto port = SerialPort::open(pty.slave(), 115200);
  ASSERT_TRUE(port.ok()) << port.error().message;
  std::array<std::uint8_t, 16> buf{};
  const auto t0 = std::chrono::steady_clock::now();
  auto n = port->read(buf, 50);
  const auto waited = std::chrono::steady_clock::now() - t0;
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 0U);
  EXPECT_GE(waited, std::chrono::milliseconds(45));
  EXPECT_LT(waited, std::chrono::milliseconds(1000));
}

TEST(GnssReader, ReadsTheRecordedSessionThroughAPty) {
  Pty pty;
  ASSERT_TRUE(pty.ok());
  auto reader = GnssReader::open(pty.slave(), 9600);
  ASSERT_TRUE(reader.ok()) << reader.error().message;
  const auto bytes = testing::read_bytes("ublox_session.nmea");
  std::vector<GnssFix> fixes;
  // Write in a few bursts, as a receiver does once per epoch, and poll after each.
  const std::size_t burst = 512;
  for (std::size_t at = 0; at < bytes.size(); at += burst) {
    pty.write_all(std::span(bytes).subspan(at, std::min(burst, bytes.size() - at)));
    auto n = reader->poll(200, fixes);
    ASSERT_TRUE(n.ok()) << n.error().message;
  }
  for (int i = 0; i < 10 && fixes.size() < 28; ++i) ASSERT_TRUE(reader->poll(50, fixes).ok());
  EXPECT_EQ(fixes.size(), 28U);
  EXPECT_EQ(reader->counters().bad_checksum, 1U);
  EXPECT_TRUE(reader->last_fix().valid);
}

TEST(GnssReader, HangUpIsAnIoError) {
  Pty pty;
  ASSERT_TRUE(pty.ok());
  auto reader = GnssReader::open(pty.slave(), 9600);
  ASSERT_TRUE(reader.ok());
  pty.hang_up();
  std::vector<GnssFix> fixes;
  auto n = reader->poll(100, fixes);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.error().code, ErrorCode::kIo);
}

}  // namespace
}  // namespace css::sensors

#include "css/sensors/gnss_reader.hpp"

#include <array>
#include <chrono>
#include <cstdint>

namespace css::sensors {

Result<GnssReader> GnssReader::open(const std::string& path, int baud) {
  auto port = SerialPort::open(path, baud);
  if (!port.ok()) return port.error();
  return GnssReader(std::move(port).value());
}

Result<std::size_t> GnssReader::poll(int timeout_ms, std::vector<GnssFix>& out) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms < 0 ? 0 : timeout_ms);
  std::array<std::uint8_t, kChunkBytes> buf{};
  std::size_t produced = 0;
  bool got_data = false;
  for (int i = 0; i < kMaxReadsPerPoll; ++i) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    // After the first data, only drain what is already there (a 0 ms wait).
    const int wait_ms = got_data ? 0 : static_cast<int>(left.count() > 0 ? left.count() : 0);
    auto n = port_.read(buf, wait_ms);
    if (!n.ok()) return n.error();
    if (*n == 0) break;
    got_data = true;
    produced += parser_.feed(std::span<const std::uint8_t>(buf.data(), *n), out);
  }
  return produced;
}

}  // namespace css::sensors

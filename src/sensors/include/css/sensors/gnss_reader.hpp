// GnssReader: a SerialPort feeding an NmeaParser — the node's GNSS source (u-blox over UART).
// poll() reads whatever arrives within `timeout_ms` (at most kMaxReadsPerPoll reads of
// kChunkBytes, so one call is bounded) and appends the fixes of the sentences it completes.
// The reader owns the port; counters() are the parser's.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "css/core/result.hpp"
#include "css/sensors/nmea.hpp"
#include "css/sensors/serial_port.hpp"

namespace css::sensors {

class GnssReader {
 public:
  static constexpr std::size_t kChunkBytes = 256;
  static constexpr int kMaxReadsPerPoll = 64;

  explicit GnssReader(SerialPort port) : port_(std::move(port)) {}
  // Opens `path` at `baud` (u-blox factory default: 9600).
  static Result<GnssReader> open(const std::string& path, int baud = 9600);

  // Reads for at most `timeout_ms`; returns how many fixes were appended to `out`. Returns
  // early once a read yields nothing more (the line went quiet after some data).
  Result<std::size_t> poll(int timeout_ms, std::vector<GnssFix>& out);

  const NmeaCounters& counters() const { return parser_.counters(); }
  const GnssFix& last_fix() const { return parser_.last_fix(); }

 private:
  SerialPort port_;
  NmeaParser parser_;
};

}  // namespace css::sensors

// libFuzzer target for css::sensors::NmeaParser: any bytes, fed whole or split at a point the
// input chooses, must give the same fixes and counters, never a crash, and every returned fix
// must be in range. Built by the "fuzz" preset (fuzz/CMakeLists.txt).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "css/sensors/nmea.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  css::sensors::NmeaParser whole;
  std::vector<css::sensors::GnssFix> a;
  whole.feed(bytes, a);

  css::sensors::NmeaParser split;
  std::vector<css::sensors::GnssFix> b;
  const std::size_t cut = size == 0 ? 0 : data[0] % (size + 1);
  split.feed(bytes.first(cut), b);
  split.feed(bytes.subspan(cut), b);

  if (a.size() != b.size() || whole.counters().rejected() != split.counters().rejected() ||
      whole.counters().garbage_bytes != split.counters().garbage_bytes) {
    std::abort();
  }
  for (const auto& fix : a) {
    if (!std::isnan(fix.lat_deg) && std::fabs(fix.lat_deg) > 90.0) std::abort();
    if (!std::isnan(fix.lon_deg) && std::fabs(fix.lon_deg) > 180.0) std::abort();
    if (!std::isnan(fix.speed_mps) && fix.speed_mps < 0.0) std::abort();
    if (!std::isnan(fix.utc_time_of_day_s) && fix.utc_time_of_day_s >= 86401.0) std::abort();
  }
  if (whole.counters().accepted != a.size()) std::abort();
  return 0;
}

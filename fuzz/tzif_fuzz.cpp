// libFuzzer target for css::geo::TimeZone: TZif bytes (RFC 8536) and POSIX TZ strings. Any
// bytes must give a zone or an Error with a message, never a crash; a zone answers offsets
// within ±26 h at any instant, and to_utc never overflows.
// Built by the "fuzz" preset (fuzz/CMakeLists.txt); seeds: real zone files from tzdata.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string_view>

#include "css/geo/time_zone.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  constexpr std::int64_t kProbes[] = {
      std::numeric_limits<std::int64_t>::min(), -5'000'000'000, -1, 0, 1'784'116'800, 4'119'336'000,
      std::numeric_limits<std::int64_t>::max()};
  if (auto z = css::geo::TimeZone::parse(bytes, "fuzz.tzif"); z.ok()) {
    for (const auto t : kProbes) {
      const auto off = z->offset_s(t);
      if (off < -26 * 3600 || off > 26 * 3600) std::abort();
      (void)z->to_utc(t);
    }
  } else if (z.error().message.empty()) {
    std::abort();
  }
  if (auto p = css::geo::TimeZone::parse_posix(bytes.substr(0, 128)); p.ok()) {
    for (const auto t : kProbes) (void)css::geo::TimeZone::posix_offset_s(*p, t);
  } else if (p.error().message.empty()) {
    std::abort();
  }
  return 0;
}

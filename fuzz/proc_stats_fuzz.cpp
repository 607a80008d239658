// Arbitrary bytes as /proc/meminfo and /proc/self/stat text (css::edge_health parsers),
// built from their source alone (the library links libsystemd).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "css/edge_health/system_stats.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto pct = css::edge_health::parse_meminfo_pct(text))
    if (*pct < 0 || *pct > 100) __builtin_trap();
  (void)css::edge_health::parse_stat_cpu_ticks(text);
  return 0;
}

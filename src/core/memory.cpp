#include "css/core/memory.hpp"

#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace css {

std::optional<std::uint64_t> available_memory_bytes() {
  std::ifstream meminfo("/proc/meminfo");
  std::string line;
  while (std::getline(meminfo, line)) {
    std::istringstream fields(line);
    std::string key;
    std::uint64_t kib = 0;
    if (fields >> key >> kib && key == "MemAvailable:") return kib * 1024;
  }
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page_size = ::sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page_size <= 0) return std::nullopt;
  return static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page_size);
}

std::string format_bytes(double bytes) {
  static constexpr std::array<const char*, 5> kUnits = {"B", "KiB", "MiB", "GiB", "TiB"};
  std::size_t unit = 0;
  while (bytes >= 1024.0 && unit + 1 < kUnits.size()) {
    bytes /= 1024.0;
    ++unit;
  }
  std::array<char, 48> buf{};
  std::snprintf(buf.data(), buf.size(), unit == 0 ? "%.0f %s" : "%.1f %s", bytes, kUnits[unit]);
  return buf.data();
}

Status check_memory(double bytes, std::string_view what, double limit_bytes) {
  const std::string need = std::string(what) + " needs ~" + format_bytes(bytes) + " of memory";
  if (limit_bytes > 0.0 && !(bytes <= limit_bytes)) {
    return make_error(ErrorCode::kIo,
                      need + "; the documented limit is " + format_bytes(limit_bytes));
  }
  const std::optional<std::uint64_t> available = available_memory_bytes();
  if (available && !(bytes <= static_cast<double>(*available))) {
    return make_error(ErrorCode::kIo, need + "; this machine has " +
                                          format_bytes(static_cast<double>(*available)) +
                                          " available");
  }
  return Ok{};
}

}  // namespace css

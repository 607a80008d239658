// Machine figures for /health: the process's CPU share, memory and disk use.
//
// Contract:
//  - cpu_pct: this process's CPU time (utime + stime from /proc/self/stat, proc(5)) over the
//    wall time since the previous sample(), as % of ONE core (a busy 4-thread process on a
//    Pi 4 can read 400). Intervals under 1 s repeat the previous figure (ticks are 10 ms);
//    -1 until the probe is 1 s old.
//  - mem_pct: 100 * (MemTotal - MemAvailable) / MemTotal from /proc/meminfo (proc(5);
//    MemAvailable exists since Linux 3.14).
//  - disk_pct: 100 * (f_blocks - f_bavail) / f_blocks of statvfs(disk_path), the spool's
//    filesystem, as seen by an unprivileged writer.
//  - A figure that cannot be read is -1 (never an exception); parsers take any bytes.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string_view>

namespace css::edge_health {

struct SystemStats {
  double cpu_pct = -1, mem_pct = -1, disk_pct = -1;
};

// The text of /proc/meminfo -> mem_pct, or nullopt if MemTotal/MemAvailable are missing.
std::optional<double> parse_meminfo_pct(std::string_view text);
// The text of /proc/self/stat -> utime + stime in clock ticks (fields 14 and 15, counted
// after the ')' that ends the command name, which may itself hold spaces and parentheses).
std::optional<std::uint64_t> parse_stat_cpu_ticks(std::string_view text);

class SystemProbe {
 public:
  explicit SystemProbe(std::filesystem::path disk_path);
  SystemStats sample();  // thread-safe

 private:
  std::filesystem::path disk_path_;
  std::mutex mu_;
  std::chrono::steady_clock::time_point last_time_;
  std::uint64_t last_ticks_ = 0;
  bool have_last_ = false;
  double last_cpu_pct_ = -1;
};

}  // namespace css::edge_health

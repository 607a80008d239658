#include "css/edge_health/system_stats.hpp"

#include <algorithm>

#include <sys/statvfs.h>
#include <unistd.h>

#include <charconv>
#include <fstream>
#include <iterator>
#include <string>

namespace css::edge_health {
namespace {

constexpr double kMinIntervalS = 1.0;

std::string read_small(const char* path) {
  std::ifstream in(path, std::ios::binary);
  std::string s;
  char buf[4096];
  for (int i = 0; i < 64 && in; ++i) {  // /proc files here are < 4 KiB; 256 KiB cap
    in.read(buf, sizeof buf);
    s.append(buf, static_cast<std::size_t>(in.gcount()));
  }
  return s;
}

// The number after "key:" on its line, in kB, or nullopt.
std::optional<std::uint64_t> meminfo_kb(std::string_view text, std::string_view key) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t eol = std::min(text.find('\n', pos), text.size());
    std::string_view line = text.substr(pos, eol - pos);
    pos = eol + 1;
    if (line.size() <= key.size() || line.substr(0, key.size()) != key || line[key.size()] != ':')
      continue;
    line.remove_prefix(key.size() + 1);
    while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    std::uint64_t v = 0;
    const auto [end, ec] = std::from_chars(line.data(), line.data() + line.size(), v);
    if (ec != std::errc{} || end == line.data()) return std::nullopt;
    return v;
  }
  return std::nullopt;
}

}  // namespace

std::optional<double> parse_meminfo_pct(std::string_view text) {
  const auto total = meminfo_kb(text, "MemTotal");
  const auto avail = meminfo_kb(text, "MemAvailable");
  if (!total || !avail || *total == 0 || *avail > *total) return std::nullopt;
  // Clamped: with huge values, rounding of the two conversions can land a hair above 100.
  const double pct = 100.0 * static_cast<double>(*total - *avail) / static_cast<double>(*total);
  return std::clamp(pct, 0.0, 100.0);
}

std::optional<std::uint64_t> parse_stat_cpu_ticks(std::string_view text) {
  const std::size_t paren = text.rfind(')');
  if (paren == std::string_view::npos) return std::nullopt;
  std::string_view rest = text.substr(paren + 1);
  // After ')': field 3 (state) is the first token; utime is field 14, stime field 15.
  std::uint64_t sum = 0;
  for (int field = 3; field <= 15; ++field) {
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    const std::size_t sp = std::min(rest.find(' '), rest.size());
    const std::string_view tok = rest.substr(0, sp);
    if (tok.empty()) return std::nullopt;
    if (field >= 14) {
      std::uint64_t v = 0;
      const auto [end, ec] = std::from_chars(tok.data(), tok.data() + tok.size(), v);
      if (ec != std::errc{} || end != tok.data() + tok.size()) return std::nullopt;
      sum += v;
    }
    rest.remove_prefix(sp);
  }
  return sum;
}

SystemProbe::SystemProbe(std::filesystem::path disk_path) : disk_path_(std::move(disk_path)) {
  if (auto t = parse_stat_cpu_ticks(read_small("/proc/self/stat"))) {
    last_ticks_ = *t;
    last_time_ = std::chrono::steady_clock::now();
    have_last_ = true;
  }
}

SystemStats SystemProbe::sample() {
  SystemStats s;
  if (auto m = parse_meminfo_pct(read_small("/proc/meminfo"))) s.mem_pct = *m;
  struct statvfs vfs {};
  if (::statvfs(disk_path_.c_str(), &vfs) == 0 && vfs.f_blocks > 0 && vfs.f_bavail <= vfs.f_blocks)
    s.disk_pct = 100.0 * static_cast<double>(vfs.f_blocks - vfs.f_bavail) /
                 static_cast<double>(vfs.f_blocks);
  const auto ticks = parse_stat_cpu_ticks(read_small("/proc/self/stat"));
  const auto now = std::chrono::steady_clock::now();
  const long hz = ::sysconf(_SC_CLK_TCK);
  std::lock_guard lock(mu_);
  // A tick is 10 ms (USER_HZ = 100): over less than a second the share is mostly rounding,
  // so a quicker poll gets the previous interval's figure and keeps the baseline.
  const double wall_s = std::chrono::duration<double>(now - last_time_).count();
  if (ticks && have_last_ && hz > 0 && *ticks >= last_ticks_ && wall_s >= kMinIntervalS) {
    last_cpu_pct_ =
        100.0 * static_cast<double>(*ticks - last_ticks_) / static_cast<double>(hz) / wall_s;
    last_ticks_ = *ticks;
    last_time_ = now;
  } else if (ticks && !have_last_) {
    last_ticks_ = *ticks;
    last_time_ = now;
    have_last_ = true;
  }
  s.cpu_pct = last_cpu_pct_;
  return s;
}

}  // namespace css::edge_health

#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <thread>

#include "css/edge_health/system_stats.hpp"

namespace css::edge_health {
namespace {

TEST(Meminfo, ParsesUsedPercent) {
  const char* text =
      "MemTotal:        1000000 kB\nMemFree:          100000 kB\nMemAvailable:     250000 kB\n";
  auto p = parse_meminfo_pct(text);
  ASSERT_TRUE(p);
  EXPECT_DOUBLE_EQ(*p, 75.0);
}

TEST(Meminfo, RejectsMissingOrOddFields) {
  EXPECT_FALSE(parse_meminfo_pct(""));
  EXPECT_FALSE(parse_meminfo_pct("MemTotal: 100 kB\n"));
  EXPECT_FALSE(parse_meminfo_pct("MemTotal: 0 kB\nMemAvailable: 0 kB\n"));
  EXPECT_FALSE(parse_meminfo_pct("MemTotal: 10 kB\nMemAvailable: 20 kB\n"));
  EXPECT_FALSE(parse_meminfo_pct("MemTotalX: 10 kB\nMemAvailable: 2 kB\n"));
  EXPECT_FALSE(parse_meminfo_pct("MemTotal: x kB\nMemAvailable: 2 kB\n"));
}

TEST(StatTicks, SumsUtimeAndStimeEvenWithParensInName) {
  const char* stat =
      "1234 (we ird) name)) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 75 0 0 20 0 1 0 99 0 0";
  auto t = parse_stat_cpu_ticks(stat);
  ASSERT_TRUE(t);
  EXPECT_EQ(*t, 325U);
  EXPECT_FALSE(parse_stat_cpu_ticks("1234 (x) S 1 2"));
  EXPECT_FALSE(parse_stat_cpu_ticks("no paren"));
  EXPECT_FALSE(parse_stat_cpu_ticks("1 (x) S 1 1 1 0 -1 0 0 0 0 0 -5 3"));
}

TEST(SystemProbe, ReadsThisMachineAndMeasuresBusyCpu) {
  SystemProbe probe(std::filesystem::temp_directory_path());
  const auto first = probe.sample();
  EXPECT_GT(first.mem_pct, 0);
  EXPECT_LE(first.mem_pct, 100);
  EXPECT_GE(first.disk_pct, 0);
  EXPECT_LE(first.disk_pct, 100);
  // Spin until this process has used 0.5 s of CPU (bounded: 30 s of wall time), then check the
  // probe against the share measured independently with CLOCK_PROCESS_CPUTIME_ID. Comparing
  // with our own measurement, not a fixed floor, keeps the test true on a loaded machine
  // where the spinning thread gets only part of a core.
  const auto cpu_now = [] {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
  };
  const double cpu0 = cpu_now();
  const auto wall0 = std::chrono::steady_clock::now();
  const auto deadline = wall0 + std::chrono::seconds(30);
  volatile std::uint64_t x = 0;
  while ((cpu_now() - cpu0 < 0.5 ||
          std::chrono::steady_clock::now() - wall0 < std::chrono::milliseconds(1200)) &&
         std::chrono::steady_clock::now() < deadline) {
    x = x + 1;
  }
  const auto busy = probe.sample();
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  const double expected_pct = 100.0 * (cpu_now() - cpu0) / wall_s;
  // /proc ticks are 10 ms and the probe's interval started a little before ours.
  EXPECT_NEAR(busy.cpu_pct, expected_pct, 10.0 + 0.25 * expected_pct);
  EXPECT_GT(busy.cpu_pct, 0.0);
  EXPECT_LT(busy.cpu_pct, 250.0);
  SystemProbe missing("/nonexistent/dir");
  EXPECT_EQ(missing.sample().disk_pct, -1);
}

}  // namespace
}  // namespace css::edge_health

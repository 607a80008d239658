// Tiny line formatter for the firmware demo: no printf (newlib-nano's and glibc's float output
// differ, and printf would dominate the image size). A Printer fills a fixed buffer and writes
// it through the platform seam at line(); overlong lines are truncated, never overrun.
#pragma once

#include <cstddef>
#include <cstdint>

namespace css::fw {

class Printer {
 public:
  Printer& text(const char* s);
  Printer& integer(std::int64_t v);
  Printer& hex2(std::uint8_t v);
  Printer& hex8(std::uint32_t v);
  // A probability-like value in [0, 1] as "0.dddd" (rounded to 1e-4, clamped).
  Printer& fixed_e4(float v);
  void line();  // appends '\n', writes, clears

 private:
  void put(char c);
  static constexpr std::size_t kCapacity = 200;
  char buffer_[kCapacity + 2] = {};
  std::size_t used_ = 0;
};

void print_line3(const char* a, const char* b, const char* c);

enum class Mode : std::uint8_t { kAll, kWindow, kStream, kBad };
struct Arguments {
  Mode mode = Mode::kAll;
  std::uint32_t count = 1;
};
// "window K" / "stream N" (K, N decimal, >= 1); anything else is Mode::kBad.
Arguments parse_arguments(const char* args);

}  // namespace css::fw

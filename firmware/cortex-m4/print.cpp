// Implementation of the demo's line formatter and argument parser (see print.hpp).
#include "print.hpp"

#include "platform.hpp"

namespace css::fw {

void Printer::put(char c) {
  if (used_ < kCapacity) buffer_[used_++] = c;
}

Printer& Printer::text(const char* s) {
  while (s != nullptr && *s != '\0') put(*s++);
  return *this;
}

Printer& Printer::integer(std::int64_t v) {
  char digits[24];
  std::size_t n = 0;
  // Work in negative numbers so INT64_MIN needs no special case.
  std::int64_t x = v < 0 ? v : -v;
  do {
    digits[n++] = static_cast<char>('0' - x % 10);
    x /= 10;
  } while (x != 0);
  if (v < 0) put('-');
  while (n > 0) put(digits[--n]);
  return *this;
}

Printer& Printer::hex2(std::uint8_t v) {
  constexpr char kHex[] = "0123456789abcdef";
  put(kHex[v >> 4U]);
  put(kHex[v & 0xFU]);
  return *this;
}

Printer& Printer::hex8(std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) hex2(static_cast<std::uint8_t>(v >> shift));
  return *this;
}

Printer& Printer::fixed_e4(float v) {
  const float clamped = v < 0.0F ? 0.0F : (v > 1.0F ? 1.0F : v);
  const auto e4 = static_cast<std::int32_t>(clamped * 10000.0F + 0.5F);
  put(static_cast<char>('0' + e4 / 10000));
  put('.');
  for (std::int32_t div = 1000; div >= 1; div /= 10) put(static_cast<char>('0' + (e4 / div) % 10));
  return *this;
}

void Printer::line() {
  buffer_[used_++] = '\n';
  buffer_[used_] = '\0';
  platform_write(buffer_);
  used_ = 0;
}

void print_line3(const char* a, const char* b, const char* c) {
  Printer p;
  p.text(a).text(b).text(c).line();
}

Arguments parse_arguments(const char* args) {
  Arguments out;
  const auto starts_with = [&](const char* word) {
    std::size_t i = 0;
    for (; word[i] != '\0'; ++i)
      if (args[i] != word[i]) return std::size_t{0};
    return i;
  };
  std::size_t at = 0;
  if ((at = starts_with("window ")) != 0) {
    out.mode = Mode::kWindow;
  } else if ((at = starts_with("stream ")) != 0) {
    out.mode = Mode::kStream;
  } else {
    out.mode = Mode::kBad;
    return out;
  }
  std::uint32_t count = 0;
  for (const char* s = args + at; *s != '\0'; ++s) {
    if (*s < '0' || *s > '9' || count > 100000000U) {
      out.mode = Mode::kBad;
      return out;
    }
    count = count * 10U + static_cast<std::uint32_t>(*s - '0');
  }
  if (count == 0) out.mode = Mode::kBad;
  out.count = count;
  return out;
}

}  // namespace css::fw

#include "text_format.hpp"

#include <array>
#include <charconv>
#include <cmath>

namespace css::detail {

std::string format_number(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  std::array<char, 32> buf{};
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), value);
  if (ec != std::errc{}) return "?";
  return std::string(buf.data(), end);
}

std::string quote(std::string_view text, std::size_t max_chars) {
  static constexpr std::string_view kHex = "0123456789abcdef";
  std::string out = "'";
  const std::size_t n = text.size() < max_chars ? text.size() : max_chars;
  for (std::size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c >= 0x7f || c == '\\' || c == '\'') {
      out += "\\x";
      out += kHex[c >> 4U];
      out += kHex[c & 0xfU];
    } else {
      out += static_cast<char>(c);
    }
  }
  if (n < text.size()) out += "...";
  out += '\'';
  return out;
}

}  // namespace css::detail

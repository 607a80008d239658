#include "css/spool/crc32c.hpp"

#include <array>

namespace css::spool {

namespace {

// Bit-reflected Castagnoli polynomial (RFC 3720 §B.4: 0x1EDC6F41 reflected).
constexpr std::uint32_t kReflectedPoly = 0x82F63B78u;

constexpr std::array<std::uint32_t, 256> make_table() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int bit = 0; bit < 8; ++bit) c = (c & 1u) ? (c >> 1) ^ kReflectedPoly : c >> 1;
    table[i] = c;
  }
  return table;
}

constexpr std::array<std::uint32_t, 256> kTable = make_table();

}  // namespace

std::uint32_t crc32c(std::span<const std::byte> bytes, std::uint32_t crc) {
  std::uint32_t c = ~crc;
  for (const std::byte b : bytes) {
    c = kTable[(c ^ static_cast<std::uint32_t>(b)) & 0xFFu] ^ (c >> 8);
  }
  return ~c;
}

}  // namespace css::spool

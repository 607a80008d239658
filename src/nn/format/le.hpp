// Private: little-endian scalar loads from unaligned bytes (portable, no aliasing tricks).
#pragma once

#include <cstdint>
#include <cstring>

namespace css::nn::le {

inline std::uint16_t u16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>(p[0] | (p[1] << 8));
}
inline std::uint32_t u32(const std::uint8_t* p) {
  return std::uint32_t{p[0]} | (std::uint32_t{p[1]} << 8) | (std::uint32_t{p[2]} << 16) |
         (std::uint32_t{p[3]} << 24);
}
inline std::int32_t i32(const std::uint8_t* p) {
  return static_cast<std::int32_t>(u32(p));
}
inline float f32(const std::uint8_t* p) {
  const std::uint32_t bits = u32(p);
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

}  // namespace css::nn::le

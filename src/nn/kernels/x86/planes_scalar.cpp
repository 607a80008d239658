// The plane path's plain C++ pieces (planes_x86.hpp), compiled without a target region so the
// AVX-512 and the AVX2 plane kernels can share them: the unfused add and the padding fill.
#include "css/nn/kernels.hpp"
#include "kernels/x86/planes_x86.hpp"

namespace css::nn::detail::planes {

void fill_pad(std::uint32_t* planes, int groups, int stride, int pad, std::int32_t zp) {
  const std::uint32_t v = 0x01010101u * static_cast<std::uint8_t>(zp + 128);
  for (int g = 0; g < groups; ++g)
    for (int i = 0; i < pad; ++i) planes[std::ptrdiff_t(g) * stride + i] = v;
}

void add(const kernels::AddQ& q, const std::uint32_t* a, const std::uint32_t* b, int ch, int steps,
         int pad, std::uint32_t* out) {
  const int groups = (ch + 3) / 4;
  const int stride = pad + steps;
  fill_pad(out, groups, stride, pad, q.out_zp);
  constexpr int kChunk = 256;  // bytes
  std::int8_t ta[kChunk], tb[kChunk], to[kChunk];
  for (int g = 0; g < groups; ++g) {
    const auto* pa = reinterpret_cast<const std::uint8_t*>(a + std::ptrdiff_t(g) * stride + pad);
    const auto* pb = reinterpret_cast<const std::uint8_t*>(b + std::ptrdiff_t(g) * stride + pad);
    auto* po = reinterpret_cast<std::uint8_t*>(out + std::ptrdiff_t(g) * stride + pad);
    const int n = 4 * steps;
    for (int i0 = 0; i0 < n; i0 += kChunk) {
      const int len = n - i0 < kChunk ? n - i0 : kChunk;
      for (int i = 0; i < len; ++i) {
        ta[i] = static_cast<std::int8_t>(pa[i0 + i] ^ 0x80u);
        tb[i] = static_cast<std::int8_t>(pb[i0 + i] ^ 0x80u);
      }
      kernels::add_ref(q, ta, tb, len, to);
      for (int i = 0; i < len; ++i) po[i0 + i] = static_cast<std::uint8_t>(to[i]) ^ 0x80u;
    }
  }
}
}  // namespace css::nn::detail::planes

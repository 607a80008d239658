// Optimised int8 conv kernels, portable C++ shaped for GCC's auto-vectoriser (this file is
// compiled with -O3, see CMakeLists.txt): the taps of one output step are gathered into one
// contiguous int16 row of kernel*in_ch values, so each output channel is a single dot product
// over two unit-stride arrays.
// Results are bit-identical to kernels_ref_int8.cpp: the int32 sums are exact in any order.
// On __ARM_NEON targets kernels_opt_neon.cpp provides these functions instead.
#if !defined(__ARM_NEON)

#include <cstring>

#include "css/nn/fixed_point.hpp"
#include "css/nn/kernels.hpp"
#include "kernels/window_rows.hpp"

namespace css::nn::kernels {
namespace {

// x is the gathered input row widened to int16 once per step; "int32 += int32(w) * int32(x)"
// over int16 operands is the dot-product idiom GCC maps to SSE2 pmaddwd (NEON: smlal).
inline std::int32_t dot(const std::int8_t* __restrict w, const std::int16_t* __restrict x, int n) {
  std::int32_t acc = 0;
  for (int i = 0; i < n; ++i) acc += std::int32_t{std::int16_t{w[i]}} * std::int32_t{x[i]};
  return acc;
}

inline void requant_store(const ConvQ& p, int o, std::int32_t acc, std::int8_t* out) {
  const std::int32_t v =
      multiply_by_quantized_multiplier(acc + p.bias_eff[o], p.multiplier[o], p.shift[o]);
  out[o] = clamp_to_int8(v + p.out_zp, p.act_min, p.act_max);
}

void row_outputs(const ConvQ& p, const std::int16_t* __restrict x, std::int8_t* out) {
  const int n = p.kernel * p.in_ch;
  int o = 0;
  // Two output channels per pass share each load of x.
  for (; o + 2 <= p.out_ch; o += 2) {
    const std::int8_t* w0 = p.weights + static_cast<std::ptrdiff_t>(o) * n;
    const std::int8_t* w1 = w0 + n;
    std::int32_t a0 = 0, a1 = 0;
    for (int i = 0; i < n; ++i) {
      a0 += std::int32_t{std::int16_t{w0[i]}} * std::int32_t{x[i]};
      a1 += std::int32_t{std::int16_t{w1[i]}} * std::int32_t{x[i]};
    }
    requant_store(p, o, a0, out);
    requant_store(p, o + 1, a1, out);
  }
  for (; o < p.out_ch; ++o) requant_store(p, o, dot(p.weights + std::ptrdiff_t{o} * n, x, n), out);
}

}  // namespace

// scratch holds kernel*in_ch int16 values (2*kernel*in_ch bytes, 2-byte aligned).
void conv_step_opt(const ConvQ& p, const std::int8_t* const* taps, std::int8_t* out,
                   std::int8_t* scratch) {
  auto* x = reinterpret_cast<std::int16_t*>(scratch);
  for (int j = 0; j < p.kernel; ++j)
    detail::copy_row(taps[j], p.in_ch, x + std::ptrdiff_t{j} * p.in_ch);
  row_outputs(p, x, out);
}

void conv_window_opt(const ConvQ& p, int dilation, const std::int8_t* in, int steps,
                     const std::int8_t* zp_row, std::int8_t* out, std::int8_t* scratch) {
  detail::conv_window_rows(p, dilation, in, steps, zp_row, out,
                           reinterpret_cast<std::int16_t*>(scratch),
                           [&p](const std::int16_t* x, std::int8_t* y) { row_outputs(p, x, y); });
}

void add_opt(const AddQ& p, const std::int8_t* a, const std::int8_t* b, int n, std::int8_t* out) {
  add_ref(p, a, b, n, out);  // nothing to gain here; the seam is for target twins
}

}  // namespace css::nn::kernels

#endif  // !defined(__ARM_NEON)

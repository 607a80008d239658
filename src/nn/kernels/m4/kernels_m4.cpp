// Cortex-M4 (ARMv7E-M DSP extension) twin of the engine's optimised int8 conv kernels
// (src/nn/kernels/portable/kernels_opt_int8.cpp): same functions, same contract
// (css/nn/kernels.hpp), bit-exact with conv_step_ref. The firmware build compiles this file INSTEAD
// of kernels_opt_int8.cpp (CSS_NN_M4_KERNEL_SOURCES in src/nn/CMakeLists.txt; css_fw_engine in
// firmware/cortex-m4), the whole-file replacement seam the engine documents; the engine itself is
// unchanged.
//
// Why it is faster: SMLAD does two 16x16 multiply-accumulates per instruction. Four int8 inputs
// are loaded as one word and split into two int16 pairs with SXTB16 (bytes 0,2) and
// SXTB16 ROR #8 (bytes 1,3); the weights get the same split, so pairs line up and the int32
// sums are exact (|w*x| <= 2^14, same as the reference). Two output channels share each input
// load. Requantisation uses the shift <= 0 fast path below, exact for the reader-guaranteed
// multiplier range. Instruction references: ARMv7-M Architecture Reference Manual, A7.7.111
// (SMLAD) and A7.7.179 (SXTB16). Window mode first tries conv_window_m4.cpp (weights split
// once per call, an assembly step function); the code here is its step mode, and its fallback
// is the gather loop every row kernel shares (kernels/window_rows.hpp).
#if defined(__ARM_FEATURE_DSP)

#include <arm_acle.h>

#include <cstring>

#include "conv_window_m4.hpp"
#include "css/nn/fixed_point.hpp"
#include "css/nn/kernels.hpp"
#include "kernels/window_rows.hpp"

namespace css::nn::kernels {
namespace {

inline std::int32_t load_word(const std::int8_t* p) {
  std::int32_t v;
  std::memcpy(&v, p, sizeof v);  // LDR; ARMv7-M allows unaligned word loads
  return v;
}

inline std::int32_t bytes_0_2(std::int32_t v) {
  return __sxtb16(v);
}

inline std::int32_t bytes_1_3(std::int32_t v) {
  std::int32_t r;
  asm("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(v));
  return r;
}

// acc0 += w0 . x, acc1 += w1 . x over n bytes. The word loop is written in assembly because
// GCC -Os spills the five live pointers/counters and re-tests the bound every iteration
// (22 instructions per 8 MACs); this loop is 15 per 8: 3 loads, 6 SXTB16, 4 SMLAD, 2 loop.
inline void dot2(const std::int8_t* x, const std::int8_t* w0, const std::int8_t* w1, int n,
                 std::int32_t& acc0, std::int32_t& acc1) {
  std::int32_t a0 = acc0, a1 = acc1;
  const int words = n / 4;
  if (words > 0) {
    int count = words;
    std::int32_t xv, x13, u, t;
    asm volatile(
        "1:\n\t"
        "ldr %[xv], [%[x]], #4\n\t"
        "ldr %[u], [%[w0]], #4\n\t"
        "sxtb16 %[x13], %[xv], ror #8\n\t"
        "sxtb16 %[xv], %[xv]\n\t"
        "sxtb16 %[t], %[u]\n\t"
        "smlad %[a0], %[t], %[xv], %[a0]\n\t"
        "sxtb16 %[t], %[u], ror #8\n\t"
        "smlad %[a0], %[t], %[x13], %[a0]\n\t"
        "ldr %[u], [%[w1]], #4\n\t"
        "sxtb16 %[t], %[u]\n\t"
        "smlad %[a1], %[t], %[xv], %[a1]\n\t"
        "sxtb16 %[t], %[u], ror #8\n\t"
        "smlad %[a1], %[t], %[x13], %[a1]\n\t"
        "subs %[count], %[count], #1\n\t"
        "bne 1b"
        : [a0] "+r"(a0), [a1] "+r"(a1), [x] "+r"(x), [w0] "+r"(w0), [w1] "+r"(w1),
          [count] "+r"(count), [xv] "=&r"(xv), [x13] "=&r"(x13), [u] "=&r"(u), [t] "=&r"(t)
        :
        : "cc", "memory");
  }
  for (int i = 0; i < n - words * 4; ++i) {
    a0 += std::int32_t{w0[i]} * x[i];
    a1 += std::int32_t{w1[i]} * x[i];
  }
  acc0 = a0;
  acc1 = a1;
}

inline std::int32_t dot1(const std::int8_t* x, const std::int8_t* w, int n, std::int32_t acc) {
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    const std::int32_t xv = load_word(x + i);
    const std::int32_t u = load_word(w + i);
    acc = __smlad(bytes_0_2(u), bytes_0_2(xv), acc);
    acc = __smlad(bytes_1_3(u), bytes_1_3(xv), acc);
  }
  for (; i < n; ++i) acc += std::int32_t{w[i]} * x[i];
  return acc;
}

// multiply_by_quantized_multiplier() for shift <= 0 without its general int64 saturation path.
// With multiplier in [0, 2^31) the reference high-mul's nudge-then-truncate equals
// floor((acc * multiplier + 2^30) / 2^31) for both signs (negative case: adding 1 - 2^30 then
// truncating is adding 2^31 - 1 + 1 - 2^30 then flooring), which is one SMLAL and a shift.
// The rounding right shift is fixed_point.hpp's rounding_divide_by_pot, restated here so it can
// be forced inline (-Os keeps the header's copy out of line: a call per output channel).
#define CSS_FW_ALWAYS_INLINE inline __attribute__((always_inline))
CSS_FW_ALWAYS_INLINE std::int32_t requantize(std::int32_t acc, std::int32_t multiplier,
                                             std::int32_t shift) {
  if (shift > 0) return multiply_by_quantized_multiplier(acc, multiplier, shift);
  const std::int64_t product = std::int64_t{acc} * multiplier + (std::int64_t{1} << 30);
  const auto high = static_cast<std::int32_t>(product >> 31);
  const int exponent = -shift;
  const std::int32_t mask = static_cast<std::int32_t>((std::uint32_t{1} << exponent) - 1U);
  const std::int32_t remainder = high & mask;
  const std::int32_t threshold = (mask >> 1) + (high < 0 ? 1 : 0);
  return (high >> exponent) + (remainder > threshold ? 1 : 0);
}

CSS_FW_ALWAYS_INLINE std::int8_t output(const ConvQ& p, int o, std::int32_t acc) {
  const std::int32_t v = requantize(acc + p.bias_eff[o], p.multiplier[o], p.shift[o]);
  return clamp_to_int8(v + p.out_zp, p.act_min, p.act_max);
}

// All output channels of one time step from a contiguous row x of kernel*in_ch bytes.
void row_outputs(const ConvQ& p, const std::int8_t* x, std::int8_t* out) {
  const int n = p.kernel * p.in_ch;
  int o = 0;
  for (; o + 2 <= p.out_ch; o += 2) {
    const std::int8_t* w0 = p.weights + static_cast<std::ptrdiff_t>(o) * n;
    std::int32_t acc0 = 0, acc1 = 0;
    dot2(x, w0, w0 + n, n, acc0, acc1);
    out[o] = output(p, o, acc0);
    out[o + 1] = output(p, o + 1, acc1);
  }
  if (o < p.out_ch)
    out[o] = output(p, o, dot1(x, p.weights + static_cast<std::ptrdiff_t>(o) * n, n, 0));
}

}  // namespace

void conv_step_opt(const ConvQ& p, const std::int8_t* const* taps, std::int8_t* out,
                   std::int8_t* scratch) {
  bool contiguous = true;
  for (int j = 1; j < p.kernel; ++j) contiguous = contiguous && taps[j] == taps[j - 1] + p.in_ch;
  if (contiguous) {
    row_outputs(p, taps[0], out);
    return;
  }
  for (int j = 0; j < p.kernel; ++j)
    detail::copy_row(taps[j], p.in_ch, scratch + static_cast<std::ptrdiff_t>(j) * p.in_ch);
  row_outputs(p, scratch, out);
}

void conv_window_opt(const ConvQ& p, int dilation, const std::int8_t* in, int steps,
                     const std::int8_t* zp_row, std::int8_t* out, std::int8_t* scratch) {
  if (m4::conv_window_packed(p, dilation, in, steps, zp_row, out, scratch)) return;
  detail::conv_window_rows(p, dilation, in, steps, zp_row, out, scratch,
                           [&p](const std::int8_t* x, std::int8_t* y) { row_outputs(p, x, y); });
}

}  // namespace css::nn::kernels

#else
#error "kernels_m4.cpp needs the ARMv7E-M DSP extension (-mcpu=cortex-m4 / cortex-m7 / cortex-m33)"
#endif  // defined(__ARM_FEATURE_DSP)

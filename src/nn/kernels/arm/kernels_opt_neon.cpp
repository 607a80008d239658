// Optimised int8 conv kernels with NEON intrinsics (aarch64 / ARMv7 with NEON). Same contract
// and gather scheme as kernels_opt_int8.cpp, which is built instead on non-NEON targets.
// vmull_s8 gives exact int16 products (|w*x| <= 2^14), vpadalq_s16 accumulates pairs in int32.
// The conv computes four output channels per pass over the gathered row and requantises them
// on 4 lanes; add_opt runs 8 lanes. Both are bit-exact with the reference kernels
// (tests/unit/nn, run under qemu-aarch64 by scripts/cross-check, which also counts their
// instructions per MAC: docs/engine.md, "Performance").
#if defined(__ARM_NEON)

#include <arm_neon.h>

#include <cstring>

#include "css/nn/fixed_point.hpp"
#include "css/nn/kernels.hpp"
#include "kernels/window_rows.hpp"

namespace css::nn::kernels {
namespace {

inline std::int32_t horizontal_sum(int32x4_t v) {
#if defined(__aarch64__)
  return vaddvq_s32(v);
#else
  const int32x2_t s = vadd_s32(vget_low_s32(v), vget_high_s32(v));
  return vget_lane_s32(vpadd_s32(s, s), 0);
#endif
}

inline std::int32_t dot_i8(const std::int8_t* a, const std::int8_t* b, int n) {
  int32x4_t acc = vdupq_n_s32(0);
  int i = 0;
  for (; i + 16 <= n; i += 16) {
    const int8x16_t va = vld1q_s8(a + i);
    const int8x16_t vb = vld1q_s8(b + i);
    acc = vpadalq_s16(acc, vmull_s8(vget_low_s8(va), vget_low_s8(vb)));
    acc = vpadalq_s16(acc, vmull_s8(vget_high_s8(va), vget_high_s8(vb)));
  }
  for (; i + 8 <= n; i += 8) acc = vpadalq_s16(acc, vmull_s8(vld1_s8(a + i), vld1_s8(b + i)));
  std::int32_t sum = horizontal_sum(acc);
  for (; i < n; ++i) sum += std::int32_t{a[i]} * b[i];
  return sum;
}

// One output channel at a time: the fallback for rows shorter than one vector (n < 16) and
// layers with fewer than 4 output channels.
void row_outputs_scalar(const ConvQ& p, const std::int8_t* x, std::int8_t* out, int first,
                        int last) {
  const int n = p.kernel * p.in_ch;
  for (int o = first; o < last; ++o) {
    const std::int32_t acc = dot_i8(p.weights + static_cast<std::ptrdiff_t>(o) * n, x, n);
    const std::int32_t v =
        multiply_by_quantized_multiplier(acc + p.bias_eff[o], p.multiplier[o], p.shift[o]);
    out[o] = clamp_to_int8(v + p.out_zp, p.act_min, p.act_max);
  }
}

// acc += w * x over 16 int8 lanes (exact: int16 products, pairwise into int32).
inline int32x4_t mac16(int32x4_t acc, int8x16_t w, int8x16_t x) {
  acc = vpadalq_s16(acc, vmull_s8(vget_low_s8(w), vget_low_s8(x)));
#if defined(__aarch64__)
  return vpadalq_s16(acc, vmull_high_s8(w, x));  // smull2: no move of the high halves
#else
  return vpadalq_s16(acc, vmull_s8(vget_high_s8(w), vget_high_s8(x)));
#endif
}

// {sum(a0), sum(a1), sum(a2), sum(a3)}.
inline int32x4_t horizontal_sums4(int32x4_t a0, int32x4_t a1, int32x4_t a2, int32x4_t a3) {
#if defined(__aarch64__)
  return vpaddq_s32(vpaddq_s32(a0, a1), vpaddq_s32(a2, a3));
#else
  const auto pair = [](int32x4_t a, int32x4_t b) {
    return vpadd_s32(vadd_s32(vget_low_s32(a), vget_high_s32(a)),
                     vadd_s32(vget_low_s32(b), vget_high_s32(b)));
  };
  return vcombine_s32(pair(a0, a1), pair(a2, a3));
#endif
}

// multiply_by_quantized_multiplier on 4 lanes, bit-exact with the scalar definition
// (fixed_point.hpp; multiplier >= 0, shift in [-31, 30]): vqshl is the saturating left shift;
// vqrdmulh is floor((v*m + 2^30) / 2^31) for m >= 0 (it saturates only for m == INT32_MIN);
// the right shift rounds ties away from zero as vrshl (ties up) of v - 1 for negative v, and
// v - 1 cannot saturate because |high-mul| < 2^31.
inline int32x4_t multiply_by_quantized_multiplier4(int32x4_t v, int32x4_t multiplier,
                                                   int32x4_t shift) {
  const int32x4_t right = vminq_s32(shift, vdupq_n_s32(0));  // -right shift, or 0
  v = vqshlq_s32(v, vmaxq_s32(shift, vdupq_n_s32(0)));
  v = vqrdmulhq_s32(v, multiplier);
  v = vqaddq_s32(v, vshrq_n_s32(vandq_s32(v, right), 31));  // -1 where v < 0 and right > 0
  return vrshlq_s32(v, right);
}

// + zero point, clamp to [lo, hi].
inline int32x4_t offset_clamp4(int32x4_t v, std::int32_t zp, std::int32_t lo, std::int32_t hi) {
  v = vaddq_s32(v, vdupq_n_s32(zp));
  return vminq_s32(vmaxq_s32(v, vdupq_n_s32(lo)), vdupq_n_s32(hi));
}

// The conv requantisation of output channels [o, o + 4).
inline int32x4_t requantize4(const ConvQ& p, int o, int32x4_t acc) {
  const int32x4_t v =
      multiply_by_quantized_multiplier4(vaddq_s32(acc, vld1q_s32(p.bias_eff + o)),
                                        vld1q_s32(p.multiplier + o), vld1q_s32(p.shift + o));
  return offset_clamp4(v, p.out_zp, p.act_min, p.act_max);
}

// The last r lanes all ones, the others zero: 16 bytes at kTailMask + r, or 8 bytes at
// kTailMask + 8 + r (r <= 8).
constexpr std::uint8_t kTailMask[32] = {
    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};

// Stores 4 requantised channels [o, o + 4).
inline void store4(const ConvQ& p, int o, int32x4_t acc, std::int8_t* out) {
  const int32x4_t y = requantize4(p, o, acc);
  const int8x8_t y8 = vmovn_s16(vcombine_s16(vmovn_s32(y), vdup_n_s16(0)));
  vst1_lane_s32(reinterpret_cast<std::int32_t*>(out + o), vreinterpret_s32_s8(y8), 0);
}

// First channel of group g of 4 channels: a last group of fewer than 4 channels is recomputed
// overlapping the previous one (the same values written twice; out never aliases x).
inline int group_start(const ConvQ& p, int g) {
  return g + 4 <= p.out_ch ? g : p.out_ch - 4;
}

// Rows of 8..15 bytes (a kernel-1 conv on few channels): two 8-byte halves, the second the
// row's last 8 bytes with the lanes the first covered zeroed.
void row_outputs_narrow(const ConvQ& params, const std::int8_t* x, std::int8_t* out) {
  const ConvQ p = params;  // a local copy: the int8 stores to out cannot change its fields
  const int n = p.kernel * p.in_ch;
  const int8x8_t x_lo = vld1_s8(x);
  const int8x8_t x_hi = vand_s8(vld1_s8(x + n - 8), vreinterpret_s8_u8(vld1_u8(kTailMask + n)));
  for (int g = 0; g < p.out_ch; g += 4) {
    const int o = group_start(p, g);
    int32x4_t acc[4];
    for (int k = 0; k < 4; ++k) {
      const std::int8_t* w = p.weights + static_cast<std::ptrdiff_t>(o + k) * n;
      acc[k] =
          vpadalq_s16(vpaddlq_s16(vmull_s8(vld1_s8(w), x_lo)), vmull_s8(vld1_s8(w + n - 8), x_hi));
    }
    store4(p, o, horizontal_sums4(acc[0], acc[1], acc[2], acc[3]), out);
  }
}

// Output channels in groups of 4 sharing each 16-byte load of the row; a partial last chunk
// is the row's last 16 bytes with the already counted lanes of x zeroed (weights rows are n
// bytes apart, so that load stays inside the row).
void row_outputs(const ConvQ& params, const std::int8_t* x, std::int8_t* out) {
  const ConvQ p = params;  // a local copy: the int8 stores to out cannot change its fields
  const int n = p.kernel * p.in_ch;
  if (n < 8 || p.out_ch < 4) {
    row_outputs_scalar(p, x, out, 0, p.out_ch);
    return;
  }
  if (n < 16) {
    row_outputs_narrow(p, x, out);
    return;
  }
  const int full = n & ~15;
  const int rest = n - full;
  const int8x16_t x_tail =
      vandq_s8(vld1q_s8(x + n - 16), vreinterpretq_s8_u8(vld1q_u8(kTailMask + rest)));
  for (int g = 0; g < p.out_ch; g += 4) {
    const int o = group_start(p, g);
    const std::int8_t* w0 = p.weights + static_cast<std::ptrdiff_t>(o) * n;
    const std::int8_t* w1 = w0 + n;
    const std::int8_t* w2 = w1 + n;
    const std::int8_t* w3 = w2 + n;
    int32x4_t a0 = vdupq_n_s32(0), a1 = vdupq_n_s32(0), a2 = vdupq_n_s32(0), a3 = vdupq_n_s32(0);
    for (int i = 0; i < full; i += 16) {
      const int8x16_t xv = vld1q_s8(x + i);
      a0 = mac16(a0, vld1q_s8(w0 + i), xv);
      a1 = mac16(a1, vld1q_s8(w1 + i), xv);
      a2 = mac16(a2, vld1q_s8(w2 + i), xv);
      a3 = mac16(a3, vld1q_s8(w3 + i), xv);
    }
    if (rest != 0) {
      a0 = mac16(a0, vld1q_s8(w0 + n - 16), x_tail);
      a1 = mac16(a1, vld1q_s8(w1 + n - 16), x_tail);
      a2 = mac16(a2, vld1q_s8(w2 + n - 16), x_tail);
      a3 = mac16(a3, vld1q_s8(w3 + n - 16), x_tail);
    }
    store4(p, o, horizontal_sums4(a0, a1, a2, a3), out);
  }
}

}  // namespace

void conv_step_opt(const ConvQ& p, const std::int8_t* const* taps, std::int8_t* out,
                   std::int8_t* scratch) {
  for (int j = 0; j < p.kernel; ++j)
    detail::copy_row(taps[j], p.in_ch, scratch + static_cast<std::ptrdiff_t>(j) * p.in_ch);
  row_outputs(p, scratch, out);
}

void conv_window_opt(const ConvQ& p, int dilation, const std::int8_t* in, int steps,
                     const std::int8_t* zp_row, std::int8_t* out, std::int8_t* scratch) {
  detail::conv_window_rows(p, dilation, in, steps, zp_row, out, scratch,
                           [&p](const std::int8_t* x, std::int8_t* y) { row_outputs(p, x, y); });
}

// add_ref on 8 lanes at a time (n < 8 through add_ref itself): the same three
// requantisations (multiply_by_quantized_multiplier4) and the saturated int32 sum (vqadd is
// exactly the clamp of the int64 sum). Each chunk is read before it is written, so out may
// equal a or b.
void add_opt(const AddQ& p, const std::int8_t* a, const std::int8_t* b, int n, std::int8_t* out) {
  const int32x4_t a_mult = vdupq_n_s32(p.a_mult), a_shift = vdupq_n_s32(p.a_shift);
  const int32x4_t b_mult = vdupq_n_s32(p.b_mult), b_shift = vdupq_n_s32(p.b_shift);
  const int32x4_t out_mult = vdupq_n_s32(p.out_mult), out_shift = vdupq_n_s32(p.out_shift);
  const int32x4_t a_zp = vdupq_n_s32(p.a_zp), b_zp = vdupq_n_s32(p.b_zp);
  // One half (4 lanes) of the chunk: (x - zp) << kAddLeftShift, as add_ref computes it.
  const auto half = [&](int16x4_t xa, int16x4_t xb) {
    const int32x4_t sa = vshlq_n_s32(vsubq_s32(vmovl_s16(xa), a_zp), kAddLeftShift);
    const int32x4_t sb = vshlq_n_s32(vsubq_s32(vmovl_s16(xb), b_zp), kAddLeftShift);
    const int32x4_t sum = vqaddq_s32(multiply_by_quantized_multiplier4(sa, a_mult, a_shift),
                                     multiply_by_quantized_multiplier4(sb, b_mult, b_shift));
    return offset_clamp4(multiply_by_quantized_multiplier4(sum, out_mult, out_shift), p.out_zp,
                         p.act_min, p.act_max);
  };
  const auto chunk = [&](int i) {
    const int16x8_t xa = vmovl_s8(vld1_s8(a + i));
    const int16x8_t xb = vmovl_s8(vld1_s8(b + i));
    const int32x4_t lo = half(vget_low_s16(xa), vget_low_s16(xb));
    const int32x4_t hi = half(vget_high_s16(xa), vget_high_s16(xb));
    return vmovn_s16(vcombine_s16(vmovn_s32(lo), vmovn_s32(hi)));
  };
  if (n < 8) {
    add_ref(p, a, b, n, out);
    return;
  }
  // A partial last chunk is the last 8 elements, computed before anything is written (out
  // may be a or b) and stored last (its overlap gets the same values again).
  const int8x8_t last = chunk(n - 8);
  for (int i = 0; i + 8 <= n; i += 8) vst1_s8(out + i, chunk(i));
  if (n % 8 != 0) vst1_s8(out + n - 8, last);
}

}  // namespace css::nn::kernels

#endif  // defined(__ARM_NEON)

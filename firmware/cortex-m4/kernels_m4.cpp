// Cortex-M4 (ARMv7E-M DSP extension) twin of the engine's optimised int8 conv kernels
// (src/nn/kernels_opt_int8.cpp): same functions, same contract (css/nn/kernels.hpp), bit-exact
// with conv_step_ref. The firmware build compiles this file INSTEAD of kernels_opt_int8.cpp
// (firmware/cortex-m4/CMakeLists.txt, css_fw_engine), the whole-file replacement seam the
// engine documents; the engine itself is unchanged.
//
// Why it is faster: SMLAD does two 16x16 multiply-accumulates per instruction. Four int8 inputs
// are loaded as one word and split into two int16 pairs with SXTB16 (bytes 0,2) and
// SXTB16 ROR #8 (bytes 1,3); the weights get the same split, so pairs line up and the int32
// sums are exact (|w*x| <= 2^14, same as the reference). Two output channels share each input
// load. Requantisation uses the shift <= 0 fast path below, exact for the reader-guaranteed
// multiplier range. Instruction references: ARMv7-M Architecture Reference Manual, A7.7.111
// (SMLAD) and A7.7.179 (SXTB16).
#if defined(__ARM_FEATURE_DSP)

#include <arm_acle.h>

#include <cstring>

#include "css/nn/fixed_point.hpp"
#include "css/nn/kernels.hpp"

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

// ---- window mode: weights unpacked once per call, 4 output channels per pass ----------------
//
// In window mode every weight is used `steps` times, so the SXTB16 split of the weights is done
// once per call into a stack buffer (int16 lane pairs, zero-padded to whole words), and the MAC
// loop only splits the activations: per 4 input bytes and 4 output channels it is 1 LDR,
// 2 SXTB16, 4 LDRD, 8 SMLAD and the loop branch, 17 instructions for 16 MACs. The zero padding
// also makes a row's last partial word exact without a byte tail: the loop reads up to 3 bytes
// past the row and multiplies them by zero weights. Those bytes are always inside the input
// tensor or the gather scratch: the last in-place rows and zero-point rows are gathered with
// byte-exact tails (copy_row, conv_window_packed), so no buffer is read past its end.
// The packed weights are doubled (SADD16, exact: |2w| <= 256) and the accumulators start at
// 2*bias, so the sum arrives as the 2v that the SMMULR requantisation below needs.

constexpr int kGroup = 4;                   // output channels per pass (the last may use 2)
constexpr std::size_t kPackedBytes = 1536;  // stack buffer for the unpacked weights
constexpr int kMaxChunkChannels = 32;       // channels whose parameters are kept at once
constexpr int kMaxZpBytes = 128;            // widest input row of the packed path (zp copy)

// Requantisation of one channel on the 32-bit path; round already includes out_zp << exponent.
struct ChannelQ {
  std::int32_t bias2, multiplier, round, exponent;
};

// The requantisation of a pass (CSS_FW_REQUANT below, in assembly):
//   high = SMMULR(2v, m); y = clamp((high + round - (high < 0)) >> e, lo, 127)
// SMMULR(a, b) = (a * b + 2^31) >> 32 (ARMv7-M ARM A7.7.121). For |v| < 2^30 and m >= 0,
// SMMULR(2v, m) = floor((v*m + 2^30) / 2^31), exactly the reference high-mul (fixed_point.hpp:
// nudge-then-truncate == floor((p + 2^30) / 2^31) for m >= 0). With 1 <= e <= 22 (pack_chunk
// checks) |high| < 2^30, so multiply_by_quantized_multiplier's rounding shift
// (high + 2^(e-1) - (high < 0)) >> e cannot overflow, and adding out_zp * 2^e (|.| <= 2^29)
// before the shift equals adding out_zp after it. The clamp is SSAT #8 then a conditional move
// to lo (act_max == 127 is checked).

// Bytes [4k, 4k+4) of a weight row of n bytes, zero past n.
std::int32_t row_word(const std::int8_t* w, int k, int n) {
  if (4 * k + 4 <= n) return load_word(w + 4 * k);
  std::uint32_t word = 0;
  for (int i = 4 * k; i < n; ++i)
    word |= (static_cast<std::uint32_t>(w[i]) & 0xFFU) << (8 * (i - 4 * k));
  return static_cast<std::int32_t>(word);
}

// Packs channels [o0, o0 + count) as groups of kGroup (the last group 2 wide when at most 2
// channels remain), each [word][channel][lanes 0,2 | lanes 1,3] so a pass walks it linearly,
// and fills q. False when a channel does not qualify for the pass requantisation: shift in [-22,
// -1], multiplier >= 0, act_max 127, and |bias| + 2^14 * n < 2^30 (bounds |acc + bias|).
bool pack_chunk(const ConvQ& p, int o0, int count, int words, std::int32_t* packed, ChannelQ* q) {
  const int n = p.kernel * p.in_ch;
  for (int g = 0; g < count; g += kGroup) {
    const int width = count - g <= 2 ? 2 : kGroup;
    for (int k = 0; k < words; ++k) {
      for (int c = 0; c < width; ++c) {
        const std::int32_t s =
            g + c < count ? row_word(p.weights + static_cast<std::ptrdiff_t>(o0 + g + c) * n, k, n)
                          : 0;
        const std::int32_t b02 = bytes_0_2(s), b13 = bytes_1_3(s);
        *packed++ = __sadd16(b02, b02);
        *packed++ = __sadd16(b13, b13);
      }
    }
  }
  for (int c = 0; c < count + kGroup; ++c) q[c] = {0, 0, 0, 1};  // padding lanes
  for (int c = 0; c < count; ++c) {
    const int o = o0 + c;
    // |w * x| <= 2^14, so |bias| + 2^14 * n bounds |acc + bias| without reading the weights.
    const std::int64_t bound = (p.bias_eff[o] < 0 ? -std::int64_t{p.bias_eff[o]} : p.bias_eff[o]) +
                               (std::int64_t{1} << 14) * n;
    const std::int32_t e = -p.shift[o];
    if (e < 1 || e > 22 || p.multiplier[o] < 0 || bound >= (std::int64_t{1} << 30)) return false;
    q[c] = {2 * p.bias_eff[o], p.multiplier[o], (std::int32_t{1} << (e - 1)) + p.out_zp * (1 << e),
            e};
  }
  return true;
}

// One requantisation step of a pass (the formula above): channel C's parameters are
// at [q, #16C] (ChannelQ), its accumulator in ACC, result stored to [y, #C] unless C is 3 (the
// fourth channel is returned in ACC: it may not exist, the caller stores it).
// clang-format off
#define CSS_FW_REQUANT(ACC, C, STORE)                                     \
  "ldrd %[wa], %[wb], [%[q], #" #C "*16+4]\n\t" /* multiplier, round */  \
  "ldr %[x13], [%[q], #" #C "*16+12]\n\t"       /* exponent */           \
  "smmulr %[xv], %[" ACC "], %[wa]\n\t"         /* high */               \
  "add %[wb], %[wb], %[xv], asr #31\n\t"        /* round - (high < 0) */ \
  "add %[xv], %[xv], %[wb]\n\t"                                          \
  "asr %[xv], %[xv], %[x13]\n\t"                                         \
  "ssat %[xv], #8, %[xv]\n\t"                                            \
  "cmp %[xv], %[words]\n\t"                     /* words now holds lo */ \
  "it lt\n\t"                                                            \
  "movlt %[xv], %[words]\n\t" STORE
// clang-format on

// One 4-channel pass: the group's dot products with x over `words` words (1 LDR, 2 SXTB16,
// 4 LDRD, 8 SMLAD, SUBS/BNE per 16 MACs), then all four requantisations, in one block so no
// pointer is spilled between them (GCC spilled and reloaded per output: ~20 instructions, now
// 12). y and lo come from memory once the loop has freed registers. q[0..3] are the group's
// channels; y[0..2] are written and the fourth output is returned.
CSS_FW_ALWAYS_INLINE std::int32_t pass4(const std::int8_t* x, const std::int32_t* w, int words,
                                        const ChannelQ* q, std::int8_t* y, std::int32_t lo) {
  std::int32_t a0, a1, a2, a3, xv, x13, wa, wb;
  asm volatile(
      "ldr %[a0], [%[q], #0]\n\t"  // bias2 of each channel
      "ldr %[a1], [%[q], #16]\n\t"
      "ldr %[a2], [%[q], #32]\n\t"
      "ldr %[a3], [%[q], #48]\n\t"
      "1:\n\t"
      "ldr %[xv], [%[x]], #4\n\t"
      "sxtb16 %[x13], %[xv], ror #8\n\t"
      "sxtb16 %[xv], %[xv]\n\t"
      "ldrd %[wa], %[wb], [%[w]], #8\n\t"
      "smlad %[a0], %[wa], %[xv], %[a0]\n\t"
      "smlad %[a0], %[wb], %[x13], %[a0]\n\t"
      "ldrd %[wa], %[wb], [%[w]], #8\n\t"
      "smlad %[a1], %[wa], %[xv], %[a1]\n\t"
      "smlad %[a1], %[wb], %[x13], %[a1]\n\t"
      "ldrd %[wa], %[wb], [%[w]], #8\n\t"
      "smlad %[a2], %[wa], %[xv], %[a2]\n\t"
      "smlad %[a2], %[wb], %[x13], %[a2]\n\t"
      "ldrd %[wa], %[wb], [%[w]], #8\n\t"
      "smlad %[a3], %[wa], %[xv], %[a3]\n\t"
      "smlad %[a3], %[wb], %[x13], %[a3]\n\t"
      "subs %[words], %[words], #1\n\t"
      "bne 1b\n\t"
      "ldr %[x], %[ym]\n\t"       // x := y
      "ldr %[words], %[lom]\n\t"  // words := lo
      CSS_FW_REQUANT("a0", 0, "strb %[xv], [%[x], #0]\n\t")
          CSS_FW_REQUANT("a1", 1, "strb %[xv], [%[x], #1]\n\t") CSS_FW_REQUANT(
              "a2", 2, "strb %[xv], [%[x], #2]\n\t") CSS_FW_REQUANT("a3", 3, "mov %[a3], %[xv]\n\t")
      : [a0] "=&r"(a0), [a1] "=&r"(a1), [a2] "=&r"(a2), [a3] "=&r"(a3), [x] "+&r"(x), [w] "+&r"(w),
        [words] "+&r"(words), [xv] "=&r"(xv), [x13] "=&r"(x13), [wa] "=&r"(wa), [wb] "=&r"(wb)
      : [q] "r"(q), [ym] "m"(y), [lom] "m"(lo)
      : "cc", "memory");
  return a3;
}

// The same for a 2-wide group (11 instructions per 8 MACs); writes y[0], returns channel 1.
CSS_FW_ALWAYS_INLINE std::int32_t pass2(const std::int8_t* x, const std::int32_t* w, int words,
                                        const ChannelQ* q, std::int8_t* y, std::int32_t lo) {
  std::int32_t a0, a1, xv, x13, wa, wb;
  asm volatile(
      "ldr %[a0], [%[q], #0]\n\t"
      "ldr %[a1], [%[q], #16]\n\t"
      "1:\n\t"
      "ldr %[xv], [%[x]], #4\n\t"
      "sxtb16 %[x13], %[xv], ror #8\n\t"
      "sxtb16 %[xv], %[xv]\n\t"
      "ldrd %[wa], %[wb], [%[w]], #8\n\t"
      "smlad %[a0], %[wa], %[xv], %[a0]\n\t"
      "smlad %[a0], %[wb], %[x13], %[a0]\n\t"
      "ldrd %[wa], %[wb], [%[w]], #8\n\t"
      "smlad %[a1], %[wa], %[xv], %[a1]\n\t"
      "smlad %[a1], %[wb], %[x13], %[a1]\n\t"
      "subs %[words], %[words], #1\n\t"
      "bne 1b\n\t"
      "ldr %[x], %[ym]\n\t"
      "ldr %[words], %[lom]\n\t" CSS_FW_REQUANT("a0", 0, "strb %[xv], [%[x], #0]\n\t")
          CSS_FW_REQUANT("a1", 1, "mov %[a1], %[xv]\n\t")
      : [a0] "=&r"(a0), [a1] "=&r"(a1), [x] "+&r"(x), [w] "+&r"(w), [words] "+&r"(words),
        [xv] "=&r"(xv), [x13] "=&r"(x13), [wa] "=&r"(wa), [wb] "=&r"(wb)
      : [q] "r"(q), [ym] "m"(y), [lom] "m"(lo)
      : "cc", "memory");
  return a1;
}
#undef CSS_FW_REQUANT

// Outputs y[0, count) of one time step from the row x (4*words readable bytes).
void chunk_outputs(const std::int8_t* x, int count, int words, const std::int32_t* packed,
                   const ChannelQ* q, std::int32_t lo, std::int8_t* y) {
  int g = 0;
  for (; count - g > 2; g += kGroup, packed += words * 2 * kGroup) {
    const std::int32_t last = pass4(x, packed, words, q + g, y + g, lo);
    if (count - g > 3) y[g + 3] = static_cast<std::int8_t>(last);
  }
  if (count - g > 0) {
    const std::int32_t last = pass2(x, packed, words, q + g, y + g, lo);
    if (count - g > 1) y[g + 1] = static_cast<std::int8_t>(last);
  }
}

// Copies the in_ch bytes at s to d: whole words while the source has the bytes up to the next
// word boundary (`readable` bytes from s on), the tail byte by byte, so nothing past an input
// row's buffer is read. d has 3 writable bytes past the row.
CSS_FW_ALWAYS_INLINE void copy_row(const std::int8_t* s, int in_ch, std::ptrdiff_t readable,
                                   std::int8_t* d) {
  int i = 0;
  const int words_end = readable >= ((in_ch + 3) & ~3) ? in_ch : in_ch & ~3;
  for (; i < words_end; i += 4) {
    const std::int32_t v = load_word(s + i);
    std::memcpy(d + i, &v, sizeof v);
  }
  for (; i < in_ch; ++i) d[i] = s[i];
}

// The kernel rows of time step t into scratch: each row's (up to 3) extra bytes are overwritten
// by the next row or, after the last, stay inside scratch (2*kernel*in_ch bytes, and
// kernel*in_ch >= 3 is checked by the caller). in_end is one past the input; zp_pad is the
// zero-point row padded to whole words.
void gather(const ConvQ& p, int dilation, const std::int8_t* in, const std::int8_t* in_end, int t,
            const std::int8_t* zp_pad, std::int8_t* scratch) {
  for (int j = 0; j < p.kernel; ++j) {
    const int src = t - (p.kernel - 1 - j) * dilation;
    std::int8_t* d = scratch + static_cast<std::ptrdiff_t>(j) * p.in_ch;
    if (src < 0) {
      copy_row(zp_pad, p.in_ch, p.in_ch + 3, d);
    } else {
      const std::int8_t* s = in + static_cast<std::ptrdiff_t>(src) * p.in_ch;
      copy_row(s, p.in_ch, in_end - s, d);
    }
  }
}

// conv_window_opt on packed weights; false (nothing to rely on written) when the layer does not
// fit the buffers or a channel fails the pass requantisation's conditions.
bool conv_window_packed(const ConvQ& p, int dilation, const std::int8_t* in, int steps,
                        const std::int8_t* zp_row, std::int8_t* out, std::int8_t* scratch) {
  const int n = p.kernel * p.in_ch;
  const int words = (n + 3) / 4;
  int chunk =
      static_cast<int>(kPackedBytes / (8U * static_cast<unsigned>(words))) / kGroup * kGroup;
  if (chunk < kGroup || n < 3 || p.in_ch > kMaxZpBytes || p.act_max != 127) return false;
  if (chunk > kMaxChunkChannels) chunk = kMaxChunkChannels;
  alignas(8) std::int32_t packed[kPackedBytes / sizeof(std::int32_t)];
  ChannelQ q[kMaxChunkChannels + kGroup];
  alignas(4) std::int8_t zp_pad[kMaxZpBytes + 4] = {};
  for (int i = 0; i < p.in_ch; ++i) zp_pad[i] = zp_row[i];
  const int span = (p.kernel - 1) * dilation;
  const bool contiguous = dilation == 1 || p.kernel == 1;
  const std::int8_t* in_end = in + static_cast<std::ptrdiff_t>(steps) * p.in_ch;
  // Rows read in place (not gathered) are 4*words bytes long: the last may end up to 3 bytes
  // past the input, so steps from t_direct_end on are gathered (byte-exact tails) instead.
  int t_direct_end = steps;
  while (t_direct_end > span && (t_direct_end - 1 - span) * p.in_ch + 4 * words > steps * p.in_ch)
    --t_direct_end;
  for (int o0 = 0; o0 < p.out_ch; o0 += chunk) {
    const int count = p.out_ch - o0 < chunk ? p.out_ch - o0 : chunk;
    if (!pack_chunk(p, o0, count, words, packed, q)) return false;
    std::int8_t* y = out + o0;
    for (int t = 0; t < steps; ++t, y += p.out_ch) {
      const std::int8_t* x = scratch;
      if (t >= span && t < t_direct_end && contiguous)
        x = in + static_cast<std::ptrdiff_t>(t - span) * p.in_ch;
      else
        gather(p, dilation, in, in_end, t, zp_pad, scratch);
      chunk_outputs(x, count, words, packed, q, p.act_min, y);
    }
  }
  return true;
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
    std::memcpy(scratch + static_cast<std::ptrdiff_t>(j) * p.in_ch, taps[j],
                static_cast<std::size_t>(p.in_ch));
  row_outputs(p, scratch, out);
}

void conv_window_opt(const ConvQ& p, int dilation, const std::int8_t* in, int steps,
                     const std::int8_t* zp_row, std::int8_t* out, std::int8_t* scratch) {
  if (conv_window_packed(p, dilation, in, steps, zp_row, out, scratch)) return;
  const int span = (p.kernel - 1) * dilation;
  const bool contiguous = dilation == 1 || p.kernel == 1;
  for (int t = 0; t < steps; ++t) {
    std::int8_t* y = out + static_cast<std::ptrdiff_t>(t) * p.out_ch;
    if (t >= span && contiguous) {
      row_outputs(p, in + static_cast<std::ptrdiff_t>(t - span) * p.in_ch, y);
      continue;
    }
    for (int j = 0; j < p.kernel; ++j) {
      const int src = t - (p.kernel - 1 - j) * dilation;
      const std::int8_t* row = src >= 0 ? in + static_cast<std::ptrdiff_t>(src) * p.in_ch : zp_row;
      std::memcpy(scratch + static_cast<std::ptrdiff_t>(j) * p.in_ch, row,
                  static_cast<std::size_t>(p.in_ch));
    }
    row_outputs(p, scratch, y);
  }
}

}  // namespace css::nn::kernels

#else
#error "kernels_m4.cpp needs the ARMv7E-M DSP extension (-mcpu=cortex-m4 / cortex-m7 / cortex-m33)"
#endif  // defined(__ARM_FEATURE_DSP)

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
// once per call, an assembly step loop); the code here is its step mode, and its fallback
// is the gather loop every row kernel shares (kernels/window_rows.hpp).
#if defined(__ARM_FEATURE_DSP)

#include <arm_acle.h>

#include <cstddef>
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

// Output channels [o, out_ch) of one time step from a contiguous row x of kernel*in_ch bytes.
void row_outputs(const ConvQ& p, const std::int8_t* x, std::int8_t* out, int o = 0) {
  const int n = p.kernel * p.in_ch;
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

// Step mode, 4 channels at a time (streaming: each weight is read once per call, so the
// weights are split on the fly instead of packed). What mac4 reads and writes; offsets are
// used by the assembly.
struct Mac4Job {
  std::int32_t acc[4];             // +0  out: start + dot product (the 64-bit fallback's input)
  std::int32_t words;              // +16 4-byte words of the row (x is zero-padded to them)
  std::int32_t n;                  // +20 bytes per weight row = kernel * in_ch
  const std::int32_t* multiplier;  // +24 of the group's first channel
  const std::int32_t* shift;       // +28
  std::int32_t zp_round;           // +32 2 * out_zp + 1
  std::uint32_t lo4;               // +36 act_min in each byte
  std::int8_t* y;                  // +40 the group's 4 outputs
  const std::int32_t* start;       // +44 the accumulators' start values (4)
  const std::int8_t* w;            // +48 the group's first weight row
  std::int32_t groups;             // +52 groups left to run (>= 1)
};
static_assert(offsetof(Mac4Job, words) == 16 && offsetof(Mac4Job, n) == 20 &&
              offsetof(Mac4Job, multiplier) == 24 && offsetof(Mac4Job, shift) == 28 &&
              offsetof(Mac4Job, zp_round) == 32 && offsetof(Mac4Job, lo4) == 36 &&
              offsetof(Mac4Job, y) == 40 && offsetof(Mac4Job, start) == 44 && sizeof(void*) == 4);

// One channel's requantisation into byte K of r7 (the derivation is conv_window_m4.cpp's):
// high = SMMULR(2v, m) is the reference high-mul when 2v does not overflow and m >= 0, then
// y = SSAT8((high + 2^(e-1) + out_zp * 2^e - (high < 0)) >> e). A channel outside that
// (e = -shift not in [1, 22], m < 0, |v| >= 2^30) branches to 9: (return false) and the caller
// requantises the group in 64 bits. r10/r11 walk multiplier/shift; ip = 2 * out_zp + 1, so
// ip << (e - 1) is the rounding constant 2^(e-1) + out_zp * 2^e in one shift.
// clang-format off
#define CSS_M4_REQ(ACC, K)                \
  "ldr r8, [r10], #4\n\t"                 \
  "ldr r9, [r11], #4\n\t"                 \
  "rsb r9, r9, #0\n\t"                    \
  "sub r1, r9, #1\n\t"                    \
  "cmp r1, #21\n\t"                       \
  "bhi 9f\n\t"                            \
  "cmp r8, #0\n\t"                        \
  "blt 9f\n\t"                            \
  "adds r0, " ACC ", " ACC "\n\t"         \
  "bvs 9f\n\t"                            \
  "smmulr r0, r0, r8\n\t"                 \
  "lsl r1, ip, r1\n\t"                    \
  "add r1, r1, r0, asr #31\n\t"           \
  "add r0, r0, r1\n\t"                    \
  "asr r0, r0, r9\n\t"                    \
  "ssat r0, #8, r0\n\t"                   \
  "bfi r7, r0, #" #K "*8, #8\n\t"

// Before the first CSS_M4_REQ, with r6 = the Mac4Job: r10 = multiplier, r11 = shift,
// ip = zp_round, and r7 (the packed output bytes) cleared.
// clang-format off
#define CSS_M4_REQ_SETUP \
  "ldr r10, [r6, #24]\n\t" \
  "ldr r11, [r6, #28]\n\t" \
  "ldr ip, [r6, #32]\n\t" \
  "mov r7, #0\n\t"
// clang-format on

// One word of x against 2 channels (r2, r3): the body of mac2's loop, half of mac4's.
// clang-format off
#define CSS_M4_WORD2 \
  "ldr r7, [r0], #4\n\t" \
  "sxtb16 r6, r7\n\t" \
  "sxtb16 r7, r7, ror #8\n\t" \
  "ldr r8, [r1], #4\n\t" \
  "sxtb16 r9, r8\n\t" \
  "sxtb16 r8, r8, ror #8\n\t" \
  "smlad r2, r9, r6, r2\n\t" \
  "smlad r2, r8, r7, r2\n\t" \
  "ldr r8, [r1, r10]\n\t" \
  "sxtb16 r9, r8\n\t" \
  "sxtb16 r8, r8, ror #8\n\t" \
  "smlad r3, r9, r6, r3\n\t" \
  "smlad r3, r8, r7, r3\n\t"
// clang-format on

// One word of x against 4 channels (r2-r5), the body of mac4's loop: CSS_M4_WORD2, then the
// same activations against channels 2 and 3.
// clang-format off
#define CSS_M4_WORD4 \
  CSS_M4_WORD2 \
  "ldr r8, [r1, r11]\n\t" \
  "sxtb16 r9, r8\n\t" \
  "sxtb16 r8, r8, ror #8\n\t" \
  "smlad r4, r9, r6, r4\n\t" \
  "smlad r4, r8, r7, r4\n\t" \
  "ldr r8, [r1, ip]\n\t" \
  "sxtb16 r9, r8\n\t" \
  "sxtb16 r8, r8, ror #8\n\t" \
  "smlad r5, r9, r6, r5\n\t" \
  "smlad r5, r8, r7, r5\n\t"
// clang-format on

// For job->groups groups of 4 channels: acc[c] = start[c] + w[c*n + i] * x[i] over job->words
// words of x, then the 4 requantised, act_min-clamped outputs to job->y; the job then moves to
// the next group (multiplier, shift, y, start by 4, w by 4 rows). True when all are done;
// false at a group outside the 32-bit requantisation, with its acc written and the job still
// on it (the caller requantises it in 64 bits and carries on).
// MACs per word (16): LDR + 2 SXTB16 of x, then per channel LDR (channels 1-3 at register
// offsets n-4, 2n-4, 3n-4 from the post-incremented channel-0 pointer) + 2 SXTB16 + 2 SMLAD:
// 24.5 with the loop, unrolled twice (an odd count enters at the second copy). Weight rows are
// read in whole words, i.e. up to 3 bytes outside a row, which meet the activations' zero
// padding (step_groups says where). Naked for the same reason as the window step functions
// (conv_window_m4.cpp): 14 live registers. Registers: r0 x, r1 w, r2-r5 accumulators, r6/r7 x
// lanes 0,2 / 1,3, r8/r9 weight lanes, r10/r11/ip channel offsets, lr word counter (>= 1); x and
// the job are kept on the stack.
__attribute__((naked, noinline)) bool mac4(const std::int8_t*, Mac4Job*) {
  asm volatile(
      "push {r4-r11, lr}\n\t"
      "push {r0, r1}\n\t"
      "0:\n\t"
      "ldrd r0, r2, [sp]\n\t"
      "ldr r1, [r2, #48]\n\t"
      "ldr lr, [r2, #16]\n\t"
      "ldr r10, [r2, #20]\n\t"
      "ldr r2, [r2, #44]\n\t"
      "ldm r2, {r2-r5}\n\t"
      "sub r10, r10, #4\n\t"
      "add r11, r10, r10\n\t"
      "add r11, r11, #4\n\t"
      "add ip, r11, r10\n\t"
      "add ip, ip, #4\n\t"
      "tst lr, #1\n\t"
      "bne 3f\n\t"
      "1:\n\t"
      CSS_M4_WORD4
      "3:\n\t"
      CSS_M4_WORD4
      "subs lr, lr, #2\n\t"
      "bgt 1b\n\t"
      "ldr r6, [sp, #4]\n\t"
      "stm r6, {r2-r5}\n\t"
      CSS_M4_REQ_SETUP
      CSS_M4_REQ("r2", 0)
      CSS_M4_REQ("r3", 1)
      CSS_M4_REQ("r4", 2)
      CSS_M4_REQ("r5", 3)
      "ldrd r0, lr, [r6, #36]\n\t"
      "ssub8 r1, r7, r0\n\t"
      "sel r7, r7, r0\n\t"
      "str r7, [lr], #4\n\t"
      "strd r10, r11, [r6, #24]\n\t"  /* multiplier, shift: advanced by the REQs */
      "str lr, [r6, #40]\n\t"
      "ldrd r0, r1, [r6, #44]\n\t"    /* start, w */
      "ldr r2, [r6, #20]\n\t"
      "add r0, r0, #16\n\t"
      "add r1, r1, r2, lsl #2\n\t"
      "strd r0, r1, [r6, #44]\n\t"
      "ldr r0, [r6, #52]\n\t"
      "subs r0, r0, #1\n\t"
      "str r0, [r6, #52]\n\t"
      "bne 0b\n\t"
      "mov r0, #1\n\t"
      "add sp, sp, #8\n\t"
      "pop {r4-r11, pc}\n\t"
      "9:\n\t"
      "mov r0, #0\n\t"
      "add sp, sp, #8\n\t"
      "pop {r4-r11, pc}\n\t");
}
// clang-format on

// mac4 for one group of 2 channels (job->groups is not read): 14.5 instructions per word (8
// MACs), the same requantisation, a halfword store. True, or false with acc[0..1] written.
// clang-format off
__attribute__((naked, noinline)) bool mac2(const std::int8_t*, Mac4Job*) {
  asm volatile(
      "push {r4-r11, lr}\n\t"
      "push {r1}\n\t"
      "ldr r2, [r1, #44]\n\t"
      "ldr lr, [r1, #16]\n\t"
      "ldr r10, [r1, #20]\n\t"
      "ldr r1, [r1, #48]\n\t"
      "ldm r2, {r2, r3}\n\t"
      "sub r10, r10, #4\n\t"
      "tst lr, #1\n\t"
      "bne 3f\n\t"
      "1:\n\t"
      CSS_M4_WORD2
      "3:\n\t"
      CSS_M4_WORD2
      "subs lr, lr, #2\n\t"
      "bgt 1b\n\t"
      "pop {r6}\n\t"
      "stm r6, {r2, r3}\n\t"
      CSS_M4_REQ_SETUP
      CSS_M4_REQ("r2", 0)
      CSS_M4_REQ("r3", 1)
      "ldrd r0, lr, [r6, #36]\n\t"
      "ssub8 r1, r7, r0\n\t"
      "sel r7, r7, r0\n\t"
      "strh r7, [lr]\n\t"
      "mov r0, #1\n\t"
      "pop {r4-r11, pc}\n\t"
      "9:\n\t"
      "mov r0, #0\n\t"
      "pop {r4-r11, pc}\n\t");
}
// clang-format on

// Copies in_ch bytes, whole words first; reads exactly in_ch bytes of src.
CSS_FW_ALWAYS_INLINE std::int8_t* copy_tap(const std::int8_t* src, int in_ch, std::int8_t* d) {
  int i = 0;
  for (; i + 4 <= in_ch; i += 4) {
    const std::int32_t v = load_word(src + i);
    std::memcpy(d + i, &v, 4);
  }
  for (; i < in_ch; ++i) d[i] = src[i];
  return d + in_ch;
}

// Runs job.groups (>= 0) groups with mac4; a group it refuses is requantised here in 64 bits.
void run_groups(const ConvQ& p, const std::int8_t* x, Mac4Job& job, std::int8_t* out) {
  while (job.groups > 0 && !mac4(x, &job)) {
    const auto o = static_cast<int>(job.multiplier - p.multiplier);
    for (int c = 0; c < 4; ++c) out[o + c] = output(p, o + c, job.acc[c] - p.bias_eff[o + c]);
    job.multiplier += 4;
    job.shift += 4;
    job.y += 4;
    job.start += 4;
    job.w += 4 * job.n;
    --job.groups;
  }
}

// Points the job at the group starting with channel o; its rows are read from `back` bytes
// before their start.
void point_at(const ConvQ& p, int o, int back, std::int8_t* out, Mac4Job& job) {
  job.multiplier = p.multiplier + o;
  job.shift = p.shift + o;
  job.y = out + o;
  job.start = p.bias_eff + o;
  job.w = p.weights + static_cast<std::ptrdiff_t>(o) * job.n - back;
}

// conv_step_opt's fast path (out_ch >= 4, act_max 127). mac4/mac2 read rows of n bytes as
// whole words: pad = 4*words - n bytes past a row, which for all groups but the last are the
// next channel's weights, met by zeros after the activations. The last group (it holds the
// layer's last row) reads from pad bytes before its first row instead, i.e. the end of the
// previous channel's row, met by zeros before the activations; so nothing outside the weights
// is read. scratch (2n >= n + 6 bytes) holds both layouts at once: pad zeros, the gathered taps,
// pad zeros. The last group is [out_ch - 4, out_ch) for 0 or 3 channels left after the
// 4-groups (overlapping the previous group when 3: those outputs are written twice, the same),
// a 2-group [out_ch - 2, out_ch) for 1 or 2.
bool step_groups(const ConvQ& p, const std::int8_t* const* taps, std::int8_t* out,
                 std::int8_t* scratch) {
  const int in_ch = p.in_ch, n = p.kernel * in_ch, out_ch = p.out_ch;
  const int words = (n + 3) / 4, pad = 4 * words - n, left = out_ch % 4;
  const bool wide_last = left == 0 || left == 3;
  const int last = wide_last ? out_ch - 4 : out_ch - 2;
  if (out_ch < 4 || n < 6 || p.act_max != 127 || (pad > 0 && last == 0)) return false;
  std::int8_t* d = scratch;
  for (int i = 0; i < pad; ++i) *d++ = 0;
  for (int j = 0; j < p.kernel; ++j) d = copy_tap(taps[j], in_ch, d);
  for (int i = 0; i < pad; ++i) *d++ = 0;
  Mac4Job job;
  job.words = words;
  job.n = n;
  job.zp_round = 2 * p.out_zp + 1;
  job.lo4 = (static_cast<std::uint32_t>(p.act_min) & 0xFFU) * 0x01010101U;
  point_at(p, 0, 0, out, job);
  job.groups = (out_ch - (left == 0 ? 4 : left)) / 4;
  run_groups(p, scratch + pad, job, out);
  point_at(p, last, pad, out, job);
  if (wide_last) {
    job.groups = 1;
    run_groups(p, scratch, job, out);
  } else if (!mac2(scratch, &job)) {
    for (int c = 0; c < 2; ++c)
      out[last + c] = output(p, last + c, job.acc[c] - p.bias_eff[last + c]);
  }
  return true;
}

}  // namespace

void conv_step_opt(const ConvQ& p, const std::int8_t* const* taps, std::int8_t* out,
                   std::int8_t* scratch) {
  if (step_groups(p, taps, out, scratch)) return;
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

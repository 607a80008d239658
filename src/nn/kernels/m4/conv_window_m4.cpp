// Window-mode int8 conv for the Cortex-M4 (ARMv7E-M DSP): conv_window_opt's fast path.
//
// Every weight is used `steps` times in window mode, so the weights are SXTB16-split once per
// call into a "pass stream" (int16 lane pairs, doubled, zero-padded to whole words, with each
// group's biases and requantisation parameters in line), and one assembly function per output
// time step (step_*) walks it: for each group of 4 output channels (a remainder of 1-2 uses a
// 2-wide group, of 3 a padded 4-wide one) the MAC loop, then the 4 requantisations, then one
// 4-byte store. Why assembly: the loop needs 14 registers at once (4 accumulators, 2 split
// activations, 4 weight words for one LDM, 3 pointers/counters) and LDM needs fixed, ascending
// registers; GCC's version of the same loop spilled and used LDRD (17 instructions per 16 MACs,
// ~80 per group around it; now 13 per 16 MACs plus 1 per 2 words of loop control, ~35 around).
//
// MAC loop, per 4 input bytes and 4 channels: LDR + 2 SXTB16 (bytes 0,2 and 1,3 of the
// activations as int16 pairs) + 2 LDM (4 weight words each) + 8 SMLAD; unrolled twice.
// Requantisation, per channel (ARMv7-M ARM A7.7.121 SMMULR / SMMLAR, A7.7.165 SSAT):
//   high = SMMULR(2v, m) = floor((v*m + 2^30) / 2^31)   (|v| < 2^30, m >= 0: the reference
//          high-mul, fixed_point.hpp; the weights and bias are doubled so the sum is 2v)
//   y = SSAT8((high + round - (high < 0)) >> e),  round = 2^(e-1) + out_zp * 2^e
// then max(y, act_min) for 4 channels at once with SSUB8 + SEL. When act_min >= out_zp (ReLU)
// the "- (high < 0)" term cannot change a result: for high < 0 both forms give at most out_zp,
// which the clamp raises to act_min. That variant (step_relu) computes high + round with one
// SMMLAR. With 1 <= e <= 22 nothing overflows (|high| < 2^30, |round| < 2^30).
//
// Reads: 4*words bytes of each row (up to 3 past kernel*in_ch, multiplied by zero weights);
// conv_window_packed gathers the rows where that would leave the input tensor, byte-exact.
// Writes: exactly out_ch bytes per step (a 3-wide remainder is stored as STRH + STRB).
#if defined(__ARM_FEATURE_DSP)

#include "conv_window_m4.hpp"

#include <arm_acle.h>

#include <cstddef>
#include <cstring>

namespace css::nn::kernels::m4 {
namespace {

constexpr std::size_t kStreamBytes = 1536;  // stack buffer for the pass stream
constexpr int kMaxZpBytes = 128;            // widest input row of this path (zp copy)
constexpr int kPhaseBytes = 1024;           // stack buffer for one phase of a dilated layer

// What a step function reads; field offsets are used by the assembly (checked below).
struct StepJob {
  const std::int8_t* x;          // +0  the row (stored by the step function from its argument)
  std::int32_t words;            // +4  4-byte words per row
  const std::int32_t* stream;    // +8  the chunk's pass stream
  std::int8_t* y;                // +12 outputs of this step (advanced by 4 per full group)
  std::uint32_t lo4;             // +16 act_min in each byte
  const std::int32_t* full_end;  // +20 stream position after the full 4-wide groups
  std::int32_t tail;             // +24 channels after the full groups: 0..3
};
static_assert(offsetof(StepJob, words) == 4 && offsetof(StepJob, stream) == 8 &&
              offsetof(StepJob, y) == 12 && offsetof(StepJob, lo4) == 16 &&
              offsetof(StepJob, full_end) == 20 && offsetof(StepJob, tail) == 24 &&
              sizeof(void*) == 4);

// Registers: r0/r1 activations (bytes 0,2 / 1,3), r2-r5 accumulators, r6 row pointer, r7 stream,
// r8-r11 weights (LDM), ip the job, lr the word counter.
// clang-format off
#define CSS_M4_BODY2                                 \
  "ldr r0, [r6], #4\n\t"                             \
  "sxtb16 r1, r0, ror #8\n\t"                        \
  "sxtb16 r0, r0\n\t"                                \
  "ldmia r7!, {r8-r11}\n\t"                          \
  "smlad r2, r8, r0, r2\n\t"                         \
  "smlad r2, r9, r1, r2\n\t"                         \
  "smlad r3, r10, r0, r3\n\t"                        \
  "smlad r3, r11, r1, r3\n\t"

// The same activations (r0/r1) against two more channels' weights.
#define CSS_M4_BODY4                                 \
  CSS_M4_BODY2                                       \
  "ldmia r7!, {r8-r11}\n\t"                          \
  "smlad r4, r8, r0, r4\n\t"                         \
  "smlad r4, r9, r1, r4\n\t"                         \
  "smlad r5, r10, r0, r5\n\t"                        \
  "smlad r5, r11, r1, r5\n\t"

// Loop over `lr` words, BODY unrolled twice; an odd count enters at the second copy.
#define CSS_M4_MACS(BODY, L1, L2)                    \
  "ldm ip, {r6, lr}\n\t"          /* row, words */   \
  "tst lr, #1\n\t"                                   \
  "bne " L2 "f\n\t"                                  \
  L1 ":\n\t" BODY                                    \
  L2 ":\n\t" BODY                                    \
  "subs lr, lr, #2\n\t"                              \
  "bgt " L1 "b\n\t"

// high + round - (high < 0) of accumulator ACC into r0 (exact form), or high + round (ReLU).
#define CSS_M4_HIGH_EXACT(ACC)                       \
  "ldmia r7!, {r8-r10}\n\t"       /* m, round, e */  \
  "smmulr r0, " ACC ", r8\n\t"                       \
  "add r9, r9, r0, asr #31\n\t"                      \
  "add r0, r0, r9\n\t"
#define CSS_M4_HIGH_RELU(ACC)                        \
  "ldmia r7!, {r8-r10}\n\t"                          \
  "smmlar r0, " ACC ", r8, r9\n\t"

// Channel 0 of a group into r11; channel K (1..3) into byte K of r11.
#define CSS_M4_OUT0(HIGH)                            \
  HIGH("r2")                                         \
  "asr r0, r0, r10\n\t"                              \
  "ssat r11, #8, r0\n\t"
#define CSS_M4_OUTK(HIGH, ACC, K)                    \
  HIGH(ACC)                                          \
  "asr r0, r0, r10\n\t"                              \
  "ssat r0, #8, r0\n\t"                              \
  "bfi r11, r0, #" #K "*8, #8\n\t"

// Clamp the bytes of r11 from below by act_min: r6 = y, lr = lo4 afterwards.
#define CSS_M4_CLAMP                                 \
  "ldrd r6, lr, [ip, #12]\n\t"                       \
  "ssub8 r0, r11, lr\n\t"                            \
  "sel r11, r11, lr\n\t"

#define CSS_M4_GROUP4(HIGH, L1, L2)                  \
  "ldmia r7!, {r2-r5}\n\t"        /* 2 * bias */     \
  CSS_M4_MACS(CSS_M4_BODY4, L1, L2)                  \
  CSS_M4_OUT0(HIGH)                                  \
  CSS_M4_OUTK(HIGH, "r3", 1)                         \
  CSS_M4_OUTK(HIGH, "r4", 2)                         \
  CSS_M4_OUTK(HIGH, "r5", 3)                         \
  CSS_M4_CLAMP

// void step(const int8_t* x, StepJob* job): all output channels of one time step.
#define CSS_M4_STEP(HIGH)                                                  \
  "push {r4-r11, lr}\n\t"                                                  \
  "mov ip, r1\n\t"                                                         \
  "str r0, [ip]\n\t"                                                       \
  "ldr r7, [ip, #8]\n\t"                                                   \
  "ldr r0, [ip, #20]\n\t"                                                  \
  "cmp r7, r0\n\t"                                                         \
  "beq 20f\n\t"                                                            \
  "10:\n\t"                                                                \
  CSS_M4_GROUP4(HIGH, "11", "12")                                          \
  "str r11, [r6], #4\n\t"                                                  \
  "str r6, [ip, #12]\n\t"                                                  \
  "ldr r0, [ip, #20]\n\t"                                                  \
  "cmp r7, r0\n\t"                                                         \
  "bne 10b\n\t"                                                            \
  "20:\n\t"                                                                \
  "ldr r0, [ip, #24]\n\t"                                                  \
  "cmp r0, #3\n\t"                                                         \
  "beq 30f\n\t"                                                            \
  "cmp r0, #0\n\t"                                                         \
  "beq 90f\n\t"                                                            \
  "ldmia r7!, {r2, r3}\n\t"                                                \
  CSS_M4_MACS(CSS_M4_BODY2, "21", "22")                                    \
  CSS_M4_OUT0(HIGH)                                                        \
  CSS_M4_OUTK(HIGH, "r3", 1)                                               \
  CSS_M4_CLAMP                                                             \
  "strb r11, [r6]\n\t"                                                     \
  "ldr r0, [ip, #24]\n\t"                                                  \
  "cmp r0, #1\n\t"                                                         \
  "beq 90f\n\t"                                                            \
  "lsrs r11, r11, #8\n\t"                                                  \
  "strb r11, [r6, #1]\n\t"                                                 \
  "b 90f\n\t"                                                              \
  "30:\n\t"                                                                \
  CSS_M4_GROUP4(HIGH, "31", "32")                                          \
  "strh r11, [r6]\n\t"                                                     \
  "lsrs r11, r11, #16\n\t"                                                 \
  "strb r11, [r6, #2]\n\t"                                                 \
  "90:\n\t"                                                                \
  "pop {r4-r11, pc}\n\t"
// clang-format on

// Naked: the asm is the whole function (AAPCS: r0 = x, r1 = job; r4-r11 saved by the push).
__attribute__((naked, noinline)) void step_exact(const std::int8_t*, StepJob*) {
  asm volatile(CSS_M4_STEP(CSS_M4_HIGH_EXACT));
}
__attribute__((naked, noinline)) void step_relu(const std::int8_t*, StepJob*) {
  asm volatile(CSS_M4_STEP(CSS_M4_HIGH_RELU));
}

inline std::int32_t bytes_1_3(std::int32_t v) {
  std::int32_t r;
  asm("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(v));
  return r;
}

inline std::int32_t load_word(const std::int8_t* p) {
  std::int32_t v;
  std::memcpy(&v, p, sizeof v);  // LDR; ARMv7-M allows unaligned word loads
  return v;
}

// Bytes [4k, 4k+4) of a weight row of n bytes, zero past n.
std::int32_t row_word(const std::int8_t* w, int k, int n) {
  if (4 * k + 4 <= n) return load_word(w + 4 * k);
  std::uint32_t word = 0;
  for (int i = 4 * k; i < n; ++i)
    word |= (static_cast<std::uint32_t>(w[i]) & 0xFFU) << (8 * (i - 4 * k));
  return static_cast<std::int32_t>(word);
}

// The weight word v as doubled int16 lanes (exact, |2w| <= 256): d[0] bytes 0,2, d[1] 1,3.
inline void put_lanes(std::int32_t v, std::int32_t* d) {
  const std::int32_t b02 = __sxtb16(v), b13 = bytes_1_3(v);
  d[0] = __sadd16(b02, b02);
  d[1] = __sadd16(b13, b13);
}

// Width of each group of a chunk of `count` channels: 4, except a remainder of 1-2 (2-wide).
constexpr int tail_width(int count) {
  return count % 4 == 0 ? 0 : count % 4 == 3 ? 4 : 2;
}
// int32 words of the pass stream of `count` channels: per channel of a group 2*words weight
// words, 1 bias and 3 requantisation words.
constexpr int stream_words(int count, int words) {
  return (count / 4 * 4 + tail_width(count)) * (2 * words + 4);
}

// Writes the pass stream of channels [o0, o0 + count): per group [2*bias x width]
// [words x width x (lanes 0,2 | lanes 1,3), doubled] [(m, round, e) x width]; padding channels
// are all zero (e = 1). False when a channel does not qualify for the 32-bit requantisation.
bool pack_stream(const ConvQ& p, int o0, int count, int words, std::int32_t* s) {
  const int n = p.kernel * p.in_ch;
  for (int g = 0; g < count; g += 4) {
    const int width = count - g >= 4 ? 4 : tail_width(count - g);
    for (int c = 0; c < width; ++c) {  // 2 * bias, modulo 2^32 (a bias too large fails below)
      const auto bias = g + c < count ? static_cast<std::uint32_t>(p.bias_eff[o0 + g + c]) : 0U;
      *s++ = static_cast<std::int32_t>(2U * bias);
    }
    for (int c = 0; c < width; ++c) {  // channel by channel: whole words without bounds tests
      std::int32_t* d = s + 2 * c;
      const std::ptrdiff_t step = 2 * width;
      if (g + c >= count) {
        for (int k = 0; k < words; ++k, d += step) d[0] = d[1] = 0;
        continue;
      }
      const std::int8_t* w = p.weights + static_cast<std::ptrdiff_t>(o0 + g + c) * n;
      for (int k = 0; k < n / 4; ++k, d += step) put_lanes(load_word(w + 4 * k), d);
      if (n % 4 != 0) put_lanes(row_word(w, n / 4, n), d);
    }
    s += static_cast<std::ptrdiff_t>(2 * width) * words;
    for (int c = 0; c < width; ++c) {
      if (g + c >= count) {
        s[0] = s[1] = 0;
        s[2] = 1;
        s += 3;
        continue;
      }
      const int o = o0 + g + c;
      // |w * x| <= 2^14, so |bias| + 2^14 * n bounds |acc + bias| without reading the weights.
      const std::int64_t bias = p.bias_eff[o];
      const std::int64_t bound = (bias < 0 ? -bias : bias) + (std::int64_t{1} << 14) * n;
      const std::int32_t e = -p.shift[o];
      if (e < 1 || e > 22 || p.multiplier[o] < 0 || bound >= (std::int64_t{1} << 30)) return false;
      *s++ = p.multiplier[o];
      *s++ = (std::int32_t{1} << (e - 1)) + p.out_zp * (1 << e);
      *s++ = e;
    }
  }
  return true;
}

// Copies the in_ch bytes at s to d: whole words while the source has the bytes up to the next
// word boundary (`readable` bytes from s on), the tail byte by byte, so nothing past an input
// row's buffer is read. d has 3 writable bytes past the row.
inline __attribute__((always_inline)) void copy_row(const std::int8_t* s, int in_ch,
                                                    std::ptrdiff_t readable, std::int8_t* d) {
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

// Copies n words from s to d (unaligned LDR/STR).
inline __attribute__((always_inline)) void copy_words(const std::int8_t* s, int n, std::int8_t* d) {
  do {
    std::memcpy(d, s, 4);
    s += 4;
    d += 4;
  } while (--n > 0);
}

using StepFn = void (*)(const std::int8_t*, StepJob*);

// Dilated layers, one phase (residue r of t mod dilation) at a time: the steps t = r + i*d read
// rows r + (i - k + 1 .. i)*d, i.e. k consecutive rows of the phase's own row sequence (k - 1
// zero-point rows, then in[r], in[r + d], ...). Copying that sequence once into buf makes every
// step's k rows contiguous: one row copied per step instead of k, and the zero-point rows once
// per phase instead of at every step before the span. Long phases go in segments of buf.
void run_phases(const ConvQ& p, int dilation, const std::int8_t* in, int steps,
                const std::int8_t* zp_pad, std::int8_t* out, StepFn step, StepJob& job) {
  alignas(4) std::int8_t buf[kPhaseBytes + 4];
  const int k1 = p.kernel - 1;
  const int segment = kPhaseBytes / p.in_ch - k1;  // >= 1: checked by the caller
  const int row_words = (p.in_ch + 3) / 4;
  const std::ptrdiff_t in_stride = static_cast<std::ptrdiff_t>(dilation) * p.in_ch;
  const std::int8_t* last = in + static_cast<std::ptrdiff_t>(steps - 1) * p.in_ch;
  // The first k1 rows of a phase's first segment are zero-point rows for every phase: written
  // once, rewritten only after a later segment has overwritten them.
  bool zp_ready = false;
  for (int r = 0; r < dilation && r < steps; ++r) {
    const int count = (steps - r + dilation - 1) / dilation;
    for (int i0 = 0; i0 < count; i0 += segment) {
      const int i1 = count - i0 < segment ? count : i0 + segment;
      std::int8_t* d = buf;
      int j = i0;
      if (i0 == 0 && zp_ready) {
        d += static_cast<std::ptrdiff_t>(k1) * p.in_ch;
        j = k1;
      }
      zp_ready = i0 == 0;
      for (; j < k1 && r + (j - k1) * dilation < 0; ++j, d += p.in_ch)
        copy_words(zp_pad, row_words, d);
      // Whole words: a row that is not the input's last has its next row's bytes after it.
      const std::int8_t* s = in + static_cast<std::ptrdiff_t>(r + (j - k1) * dilation) * p.in_ch;
      for (; j < i1 + k1; ++j, d += p.in_ch, s += in_stride) {
        if (s != last)
          copy_words(s, row_words, d);
        else
          copy_row(s, p.in_ch, p.in_ch, d);
      }
      const std::int8_t* x = buf;
      std::int8_t* y = out + static_cast<std::ptrdiff_t>(r + i0 * dilation) * p.out_ch;
      const std::ptrdiff_t y_stride = static_cast<std::ptrdiff_t>(dilation) * p.out_ch;
      for (int i = i0; i < i1; ++i, x += p.in_ch, y += y_stride) {
        job.y = y;
        step(x, &job);
      }
    }
  }
}

}  // namespace

bool conv_window_packed(const ConvQ& p, int dilation, const std::int8_t* in, int steps,
                        const std::int8_t* zp_row, std::int8_t* out, std::int8_t* scratch) {
  const int n = p.kernel * p.in_ch;
  const int words = (n + 3) / 4;
  constexpr int kCapacity = static_cast<int>(kStreamBytes / sizeof(std::int32_t));
  // The whole layer in one chunk when it fits, else as many whole 4-groups as fit.
  int chunk = p.out_ch;
  if (stream_words(chunk, words) > kCapacity) chunk = kCapacity / (4 * (2 * words + 4)) * 4;
  if (chunk < 4 && chunk < p.out_ch) return false;
  if (n < 3 || p.in_ch > kMaxZpBytes || p.act_max != 127) return false;
  alignas(8) std::int32_t stream[kCapacity];
  alignas(4) std::int8_t zp_pad[kMaxZpBytes + 4] = {};
  for (int i = 0; i < p.in_ch; ++i) zp_pad[i] = zp_row[i];
  const StepFn step = p.act_min >= p.out_zp ? step_relu : step_exact;
  const int span = (p.kernel - 1) * dilation;
  const bool contiguous = dilation == 1 || p.kernel == 1;
  const bool phased = !contiguous && n <= kPhaseBytes - p.in_ch;
  const std::int8_t* in_end = in + static_cast<std::ptrdiff_t>(steps) * p.in_ch;
  // Rows read in place (not gathered) are 4*words bytes long: the last may end up to 3 bytes
  // past the input, so steps from t_direct_end on are gathered (byte-exact tails) instead.
  int t_direct_end = steps;
  while (t_direct_end > span && (t_direct_end - 1 - span) * p.in_ch + 4 * words > steps * p.in_ch)
    --t_direct_end;
  StepJob job{};
  job.words = words;
  job.stream = stream;
  job.lo4 = (static_cast<std::uint32_t>(p.act_min) & 0xFFU) * 0x01010101U;
  for (int o0 = 0; o0 < p.out_ch; o0 += chunk) {
    const int count = p.out_ch - o0 < chunk ? p.out_ch - o0 : chunk;
    if (!pack_stream(p, o0, count, words, stream)) return false;
    job.full_end = stream + count / 4 * 4 * (2 * words + 4);
    job.tail = count % 4;
    if (phased) {
      run_phases(p, dilation, in, steps, zp_pad, out + o0, step, job);
      continue;
    }
    std::int8_t* y = out + o0;
    for (int t = 0; t < steps; ++t, y += p.out_ch) {
      const std::int8_t* x = scratch;
      if (t >= span && t < t_direct_end && contiguous)
        x = in + static_cast<std::ptrdiff_t>(t - span) * p.in_ch;
      else
        gather(p, dilation, in, in_end, t, zp_pad, scratch);
      job.y = y;
      step(x, &job);
    }
  }
  return true;
}

}  // namespace css::nn::kernels::m4

#endif  // defined(__ARM_FEATURE_DSP)

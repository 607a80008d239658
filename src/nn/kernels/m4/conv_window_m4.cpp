// Window-mode int8 conv for the Cortex-M4 (ARMv7E-M DSP): conv_window_opt's fast path.
//
// Every weight is used `steps` times in window mode, so the weights are SXTB16-split once per
// call into a "pass stream" (int16 lane pairs, doubled, zero-padded to whole words, with each
// group's biases and requantisation parameters in line), and one assembly function (steps_*)
// runs a whole run of output time steps over it (the rows of a run are x_stride bytes apart:
// the input itself, a dilated phase's copied rows, or one gathered row). Per step and group of
// output channels: the MAC loop, the requantisations, one store. Groups are 4 wide; a remainder
// of 1-2 channels joins the last 4-group as one 6-wide group (padded when 5), a remainder of 3
// (or fewer than 4 channels) goes as 2-wide groups. Why assembly: the 4-wide loop needs 14
// registers at once (4 accumulators, 2 split activations, 4 weight words for one LDM,
// 3 pointers/counters; the 6-wide one 6 + 2 + 3 + 3) and LDM needs fixed, ascending registers;
// GCC's version of the same loop spilled and used LDRD (17 instructions per 16 MACs).
//
// MAC loop, per 4 input bytes and 4 channels: LDR + 2 SXTB16 (bytes 0,2 and 1,3 of the
// activations as int16 pairs) + 2 LDM (4 weight words each) + 8 SMLAD = 13 per 16 MACs; 6 wide:
// 19 per 24 MACs (4 LDM of 3 words). Unrolled 4 times and entered through TBB at words % 4, so
// loop control is 2 instructions per 4 words.
// Requantisation, per channel (ARMv7-M ARM A7.7.121 SMMULR / SMMLAR, A7.7.165 SSAT):
//   high = SMMULR(2v, m) = floor((v*m + 2^30) / 2^31)   (|v| < 2^30, m >= 0: the reference
//          high-mul, fixed_point.hpp; the weights and bias are doubled so the sum is 2v)
//   y = SSAT8((high + round - (high < 0)) >> e),  round = 2^(e-1) + out_zp * 2^e
// then max(y, act_min) for 4 channels at once with SSUB8 + SEL (steps_exact: 2 + ASR + SSAT +
// BFI per channel, the (m, round, e) of two channels per LDM). When act_min = out_zp = -128 (a
// ReLU with the lowest zero point, as the shipped model's are) neither the "- (high < 0)" term
// nor the clamp can change a result: for high < 0 both forms give at most out_zp = -128, which
// SSAT already bounds. That variant (steps_relu) computes high + round with one SMMLAR and has
// no clamp. With 1 <= e <= 22 nothing overflows (|high| < 2^30, |round| < 2^30).
//
// Reads: 4*words bytes of each row (up to 3 past kernel*in_ch, multiplied by zero weights);
// conv_window_packed gathers the rows where that would leave the input tensor, byte-exact.
// Writes: exactly out_ch bytes per step (a partial group is stored as STRH / STRB).
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

// What a step function reads and updates; field offsets are used by the assembly (checked below:
// y, x, words, y_adv, x_stride, x_end, stream, next_step are loaded by one LDM at the end of a
// step).
struct StepJob {
  std::uint32_t lo4;             // +0  act_min in each byte
  std::int8_t* y;                // +4  outputs of the current step (advanced by 4 per 4-group)
  const std::int8_t* x;          // +8  row of the current step
  std::int32_t words;            // +12 4-byte words per row, rounded up to a multiple of 4
  std::int32_t y_adv;            // +16 added to y after a step (output stride - 4 per 4-group)
  std::int32_t x_stride;         // +20 bytes from one step's row to the next
  const std::int8_t* x_end;      // +24 x after the last step (steps >= 1)
  const std::int32_t* stream;    // +28 the chunk's pass stream
  std::uint32_t next_step;       // +32 code address a step starts at (set by the assembly)
  std::int32_t tail;             // +36 channels after the 4-wide groups: 0..3, 5 or 6
  std::int32_t entry;            // +40 first unrolled MAC body: (4 - words % 4) % 4
  const std::int32_t* full_end;  // +44 stream position after the 4-wide groups
  std::int32_t y_groups;         // bytes the 4-groups advance y per step (C only)
};
static_assert(offsetof(StepJob, y) == 4 && offsetof(StepJob, x) == 8 &&
              offsetof(StepJob, words) == 12 && offsetof(StepJob, y_adv) == 16 &&
              offsetof(StepJob, x_stride) == 20 && offsetof(StepJob, x_end) == 24 &&
              offsetof(StepJob, stream) == 28 && offsetof(StepJob, next_step) == 32 &&
              offsetof(StepJob, tail) == 36 && offsetof(StepJob, entry) == 40 &&
              offsetof(StepJob, full_end) == 44 && sizeof(void*) == 4);

// MAC loops. Registers: r0/r1 activations (bytes 0,2 / 1,3), r6 row pointer, r7 stream,
// lr the word counter; 4-group: r2-r5 accumulators, r8-r11 weights (LDM), ip the job;
// 6-group: r2-r5, r11, ip accumulators, r8-r10 weights (the job is on the stack).
// clang-format off
#define CSS_M4_ACT                                   \
  "ldr r0, [r6], #4\n\t"                             \
  "sxtb16 r1, r0, ror #8\n\t"                        \
  "sxtb16 r0, r0\n\t"

#define CSS_M4_BODY2                                 \
  CSS_M4_ACT                                         \
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

// Six channels, three weight words per LDM: 19 instructions per 24 MACs.
#define CSS_M4_BODY6                                 \
  CSS_M4_ACT                                         \
  "ldmia r7!, {r8-r10}\n\t"                          \
  "smlad r2, r8, r0, r2\n\t"                         \
  "smlad r2, r9, r1, r2\n\t"                         \
  "smlad r3, r10, r0, r3\n\t"                        \
  "ldmia r7!, {r8-r10}\n\t"                          \
  "smlad r3, r8, r1, r3\n\t"                         \
  "smlad r4, r9, r0, r4\n\t"                         \
  "smlad r4, r10, r1, r4\n\t"                        \
  "ldmia r7!, {r8-r10}\n\t"                          \
  "smlad r5, r8, r0, r5\n\t"                         \
  "smlad r5, r9, r1, r5\n\t"                         \
  "smlad r11, r10, r0, r11\n\t"                      \
  "ldmia r7!, {r8-r10}\n\t"                          \
  "smlad r11, r8, r1, r11\n\t"                       \
  "smlad ip, r9, r0, ip\n\t"                         \
  "smlad ip, r10, r1, ip\n\t"

// Loop over `lr` words (row pointer r6; lr rounded up to a multiple of 4), BODY unrolled 4
// times; entering at body `r0` (TBB, ARMv7-M ARM A7.7.185) runs the words % 4 odd ones first.
#define CSS_M4_MACS(BODY, L)                         \
  "tbb [pc, r0]\n\t"                                \
  L "0:\n\t"                                        \
  ".byte (" L "1f - " L "0b) / 2, (" L "2f - " L "0b) / 2\n\t" \
  ".byte (" L "3f - " L "0b) / 2, (" L "4f - " L "0b) / 2\n\t" \
  L "1:\n\t" BODY                                   \
  L "2:\n\t" BODY                                   \
  L "3:\n\t" BODY                                   \
  L "4:\n\t" BODY                                   \
  "subs lr, lr, #4\n\t"                             \
  "bgt " L "1b\n\t"

// D = high + round - (high < 0) of accumulator ACC (exact form) or high + round (ReLU), from
// the channel's M and ROUND registers (ROUND is clobbered). The exact form subtracts
// (ACC < 0) instead, which gives the same output: high < 0 implies ACC < 0 (m >= 0), and when
// ACC < 0 but high = 0 both forms give (round - 1) >> e = round >> e = out_zp (e >= 1).
#define CSS_M4_HIGH_EXACT(D, ACC, M, ROUND)          \
  "add " ROUND ", " ROUND ", " ACC ", asr #31\n\t"  \
  "smmlar " D ", " ACC ", " M ", " ROUND "\n\t"
#define CSS_M4_HIGH_RELU(D, ACC, M, ROUND)           \
  "smmlar " D ", " ACC ", " M ", " ROUND "\n\t"

// Two channels' outputs from one LDM of (m, round, e) x 2 (and EXTRA registers after them):
// accumulator A into byte KA of OUT (KA 0: OUT is written whole), B into byte KA + 1; SCR is a
// free register for the LDM list.
#define CSS_M4_PAIR(HIGH, A, B, OUT, KA, KB, SCR, EXTRA)              \
  "ldmia r7!, {r0, r1, " SCR ", r8, r9, r10" EXTRA "}\n\t"           \
  HIGH("r0", A, "r0", "r1")                                         \
  "asr r0, r0, " SCR "\n\t"                                         \
  CSS_M4_SAT_##KA(OUT)                                              \
  HIGH("r8", B, "r8", "r9")                                         \
  "asr r8, r8, r10\n\t"                                             \
  "ssat r8, #8, r8\n\t"                                             \
  "bfi " OUT ", r8, #" #KB "*8, #8\n\t"
#define CSS_M4_SAT_0(OUT) "ssat " OUT ", #8, r0\n\t"
#define CSS_M4_SAT_2(OUT) "ssat r0, #8, r0\n\t" "bfi " OUT ", r0, #16, #8\n\t"

// Clamps the bytes of R from below by act_min (LO = lo4); not needed when act_min = -128.
#define CSS_M4_CLAMP(R, LO)                          \
  "ssub8 r0, " R ", " LO "\n\t"                      \
  "sel " R ", " R ", " LO "\n\t"
#define CSS_M4_NO_CLAMP(R, LO)

// void steps(StepJob* job): the steps from job->x to job->x_end, all channels of the chunk.
// A 4-group's last stream word says whether another 4-group follows; a step starts at the
// 4-groups or, when the chunk has none, at the tail (next_step, chosen once per call; the
// address comes from a literal pool: GAS's ADR to these labels came out 2 bytes off).
#define CSS_M4_STEPS(HIGH, CLAMP)                                          \
  "push {r4-r11, lr}\n\t"                                                  \
  "mov ip, r0\n\t"                                                         \
  "ldr r7, [ip, #28]\n\t"                  /* stream */                    \
  "ldr r0, [ip, #44]\n\t"                  /* full_end */                  \
  "cmp r7, r0\n\t"                                                         \
  "bne 2f\n\t"                                                             \
  "ldr r8, =20f\n\t"                       /* not ADR: see below */       \
  "str r8, [ip, #32]\n\t"                                                  \
  "b 20f\n\t"                                                              \
  "2:\n\t"                                                                 \
  "ldr r8, =10f\n\t"                                                       \
  "str r8, [ip, #32]\n\t"                                                  \
  "10:\n\t"                                /* 4-wide groups */             \
  "ldmia r7!, {r2-r5}\n\t"                 /* 2 * bias */                  \
  "ldrd r6, lr, [ip, #8]\n\t"              /* row, words */                \
  "ldr r0, [ip, #40]\n\t"                  /* entry */                     \
  CSS_M4_MACS(CSS_M4_BODY4, "4")                                           \
  CSS_M4_PAIR(HIGH, "r2", "r3", "r11", 0, 1, "r6", "")                     \
  CSS_M4_PAIR(HIGH, "r4", "r5", "r11", 2, 3, "r6", ", lr") /* lr: more */  \
  "ldrd r3, r6, [ip]\n\t"                  /* lo4, y */                    \
  CLAMP("r11", "r3")                                                       \
  "str r11, [r6], #4\n\t"                                                  \
  "str r6, [ip, #4]\n\t"                                                   \
  "cmp lr, #0\n\t"                                                         \
  "bne 10b\n\t"                                                            \
  "20:\n\t"                                                                \
  "ldr r4, [ip, #36]\n\t"                  /* tail channels */             \
  "cmp r4, #4\n\t"                                                         \
  "bgt 60f\n\t"                                                            \
  "cmp r4, #0\n\t"                                                         \
  "beq 90f\n\t"                                                            \
  "movs r5, #0\n\t"                        /* byte offset in y */          \
  "30:\n\t"                                /* 2-wide groups, r4 left */    \
  "ldmia r7!, {r2, r3}\n\t"                                                \
  "ldrd r6, lr, [ip, #8]\n\t"                                              \
  "ldr r0, [ip, #40]\n\t"                                                  \
  CSS_M4_MACS(CSS_M4_BODY2, "5")                                           \
  CSS_M4_PAIR(HIGH, "r2", "r3", "r11", 0, 1, "r6", "")                     \
  "ldrd lr, r6, [ip]\n\t"                                                  \
  CLAMP("r11", "lr")                                                       \
  "cmp r4, #1\n\t"                                                         \
  "beq 35f\n\t"                                                            \
  "strh r11, [r6, r5]\n\t"                                                 \
  "adds r5, r5, #2\n\t"                                                    \
  "subs r4, r4, #2\n\t"                                                    \
  "bne 30b\n\t"                                                            \
  "b 90f\n\t"                                                              \
  "35:\n\t"                                                                \
  "strb r11, [r6, r5]\n\t"                                                 \
  "b 90f\n\t"                                                              \
  "60:\n\t"                                /* one 6-wide group */          \
  "ldrd r6, lr, [ip, #8]\n\t"                                              \
  "ldr r0, [ip, #40]\n\t"                                                  \
  "push {r4, ip}\n\t"                      /* tail, job */                 \
  "ldmia r7!, {r2-r5, r11, ip}\n\t"                                        \
  CSS_M4_MACS(CSS_M4_BODY6, "7")                                           \
  CSS_M4_PAIR(HIGH, "r2", "r3", "r2", 0, 1, "r6", "")                      \
  CSS_M4_PAIR(HIGH, "r4", "r5", "r2", 2, 3, "r3", "")                      \
  CSS_M4_PAIR(HIGH, "r11", "ip", "r5", 0, 1, "r3", "")                     \
  "pop {r4, ip}\n\t"                                                       \
  "ldrd lr, r6, [ip]\n\t"                                                  \
  CLAMP("r2", "lr")                                                        \
  CLAMP("r5", "lr")                                                        \
  "str r2, [r6]\n\t"                                                       \
  "cmp r4, #6\n\t"                                                         \
  "ite eq\n\t"                                                             \
  "strheq r5, [r6, #4]\n\t"                                                \
  "strbne r5, [r6, #4]\n\t"                                                \
  "90:\n\t"                                /* next step */                 \
  "add r5, ip, #4\n\t"                                                     \
  "ldm r5, {r0-r4, r6-r8}\n\t"  /* y x words y_adv x_stride x_end stream next_step */ \
  "add r0, r0, r3\n\t"                                                     \
  "add r1, r1, r4\n\t"                                                     \
  "stm r5, {r0, r1}\n\t"                                                   \
  "cmp r1, r6\n\t"                                                         \
  "beq 99f\n\t"                                                            \
  "mov pc, r8\n\t"                                                         \
  "99:\n\t"                                                                \
  "pop {r4-r11, pc}\n\t"                                                   \
  ".ltorg\n\t"
// clang-format on

// Naked: the asm is the whole function (AAPCS: r0 = job; r4-r11 saved by the push).
// steps_exact: any act_min. steps_relu: act_min = out_zp = -128 (a ReLU whose zero point is the
// lowest code, as the engine's calibration gives it), where the SSAT bound is already the clamp.
__attribute__((naked, noinline)) void steps_exact(StepJob*) {
  asm volatile(CSS_M4_STEPS(CSS_M4_HIGH_EXACT, CSS_M4_CLAMP));
}
__attribute__((naked, noinline)) void steps_relu(StepJob*) {
  asm volatile(CSS_M4_STEPS(CSS_M4_HIGH_RELU, CSS_M4_NO_CLAMP));
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

// Channels after the 4-wide groups of a chunk of `count` (run by the tail code): a remainder of
// 1 or 2 joins the last 4-group as one 6-wide group (padded when 5), one of 3 (or a count < 4)
// goes as 2-wide groups (the last padded when odd).
constexpr int tail_channels(int count) {
  return count >= 5 && (count % 4 == 1 || count % 4 == 2) ? count % 4 + 4 : count % 4;
}
// Width of the group starting at channel g of a chunk of `count`.
constexpr int group_width(int count, int g) {
  const int tail = tail_channels(count);
  if (g < count - tail) return 4;
  return tail >= 5 ? 6 : 2;
}
// Channels of the pass stream, padding included.
constexpr int padded_channels(int count) {
  const int tail = tail_channels(count);
  return count - tail + (tail >= 5 ? 6 : (tail + 1) / 2 * 2);
}
// int32 words of the pass stream of `count` channels: per channel of a group 2*words weight
// words, 1 bias and 3 requantisation words; per 4-group one more (another 4-group follows).
constexpr int stream_words(int count, int words) {
  return padded_channels(count) * (2 * words + 4) + (count - tail_channels(count)) / 4;
}

// The taps of a layer that the step loop runs: taps [dead, kernel) of p. The leading `dead` taps
// read only rows before t = 0 at every step of the window (their offset (kernel-1-j)*d is at
// least `steps`), i.e. the zero-point row: their sum is a per-channel constant, added to the
// bias exactly (integer arithmetic), and they are neither packed nor run.
struct LiveTaps {
  ConvQ q;           // p with kernel - dead taps, weights from tap `dead` on
  int w_stride = 0;  // bytes from one output channel's weights to the next (p's)
  int dead_n = 0;    // dead * in_ch: weight bytes before q.weights in each channel
  const std::int8_t* zp_row = nullptr;
};

// bias_eff of channel o plus the dead taps' constant sum (|sum| <= 2^14 * dead_n).
std::int64_t live_bias(const LiveTaps& lt, int o) {
  std::int64_t bias = lt.q.bias_eff[o];
  const std::int8_t* w = lt.q.weights + static_cast<std::ptrdiff_t>(o) * lt.w_stride - lt.dead_n;
  for (int i = 0; i < lt.dead_n; ++i) bias += w[i] * lt.zp_row[i % lt.q.in_ch];
  return bias;
}

// Writes the pass stream of channels [o0, o0 + count): per group [2*bias x width]
// [words x width x (lanes 0,2 | lanes 1,3), doubled] [(m, round, e) x width] (4-groups: [more]);
// padding channels are all zero (e = 1). False when a channel does not qualify for the 32-bit
// requantisation.
bool pack_stream(const LiveTaps& lt, int o0, int count, int words, std::int32_t* s) {
  const ConvQ& p = lt.q;
  const int n = p.kernel * p.in_ch;
  for (int g = 0; g < count;) {
    const int width = group_width(count, g);
    std::int64_t bias[6];
    for (int c = 0; c < width; ++c) {  // 2 * bias, modulo 2^32 (a bias too large fails below)
      bias[c] = g + c < count ? live_bias(lt, o0 + g + c) : 0;
      *s++ = static_cast<std::int32_t>(2U * static_cast<std::uint32_t>(bias[c]));
    }
    for (int c = 0; c < width; ++c) {  // channel by channel: whole words without bounds tests
      std::int32_t* d = s + 2 * c;
      const std::ptrdiff_t step = 2 * width;
      if (g + c >= count) {
        for (int k = 0; k < words; ++k, d += step) d[0] = d[1] = 0;
        continue;
      }
      const std::int8_t* w = p.weights + static_cast<std::ptrdiff_t>(o0 + g + c) * lt.w_stride;
      if (int k = n / 4; k > 0) {
        do {
          put_lanes(load_word(w), d);
          w += 4;
          d += step;
        } while (--k > 0);
      }
      if (n % 4 != 0) put_lanes(row_word(w, 0, n % 4), d);
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
      const std::int64_t b = bias[c];
      const std::int64_t bound = (b < 0 ? -b : b) + (std::int64_t{1} << 14) * n;
      const std::int32_t e = -p.shift[o];
      if (e < 1 || e > 22 || p.multiplier[o] < 0 || bound >= (std::int64_t{1} << 30)) return false;
      *s++ = p.multiplier[o];
      *s++ = (std::int32_t{1} << (e - 1)) + p.out_zp * (1 << e);
      *s++ = e;
    }
    const int full = count - tail_channels(count);
    if (g < full) *s++ = g + 4 < full ? 1 : 0;  // a 4-group: does another one follow?
    g += width;
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

// Copies `rows` >= 0 rows of n >= 1 words (unaligned LDR/STR) from s to d, rows s_stride and
// d_stride bytes apart: 4 instructions per word and 5 per row.
void copy_rows(const std::int8_t* s, std::ptrdiff_t s_stride, std::int8_t* d,
               std::ptrdiff_t d_stride, int rows, int n) {
  if (rows <= 0) return;
  const std::ptrdiff_t s_adj = s_stride - 4 * n, d_adj = d_stride - 4 * n;
  std::int32_t t, c;
  asm volatile(
      "1:\n\t"
      "mov %[c], %[n]\n\t"
      "2:\n\t"
      "ldr %[t], [%[s]], #4\n\t"
      "str %[t], [%[d]], #4\n\t"
      "subs %[c], %[c], #1\n\t"
      "bne 2b\n\t"
      "add %[s], %[s], %[s_adj]\n\t"
      "add %[d], %[d], %[d_adj]\n\t"
      "subs %[rows], %[rows], #1\n\t"
      "bne 1b"
      : [s] "+r"(s), [d] "+r"(d), [rows] "+r"(rows), [t] "=&r"(t), [c] "=&r"(c)
      : [n] "r"(n), [s_adj] "r"(s_adj), [d_adj] "r"(d_adj)
      : "cc", "memory");
}

using StepsFn = void (*)(StepJob*);

// Runs `count` steps from row x (rows x_stride apart) into y (outputs y_stride apart).
inline void run(StepsFn fn, StepJob& job, const std::int8_t* x, std::int32_t x_stride,
                std::int8_t* y, std::int32_t y_stride, int count) {
  job.x = x;
  job.x_stride = x_stride;
  job.x_end = x + static_cast<std::ptrdiff_t>(count) * x_stride;
  job.y = y;
  job.y_adv = y_stride - job.y_groups;
  fn(&job);
}

// `rows` >= 1 rows of a phase sequence (in_stride bytes apart) from s on to d, in_ch bytes
// apart: whole words (a row that is not the input's `last` has its next row's bytes after it),
// the input's last row byte-exact. A named function, not a lambda: lambdas' sections fall
// outside the linker script's __conv_kernels range and would not be counted.
void copy_seq(const std::int8_t* s, std::ptrdiff_t in_stride, const std::int8_t* last, int rows,
              std::int8_t* d, int in_ch) {
  const bool has_last = s + static_cast<std::ptrdiff_t>(rows - 1) * in_stride == last;
  copy_rows(s, in_stride, d, in_ch, rows - has_last, (in_ch + 3) / 4);
  if (has_last) copy_row(last, in_ch, in_ch, d + static_cast<std::ptrdiff_t>(rows - 1) * in_ch);
}

// Dilated layers, one phase (residue r of t mod dilation) at a time: the steps t = r + i*d read
// rows r + (i - k + 1 .. i)*d, i.e. k consecutive rows of the phase's own row sequence (k - 1
// zero-point rows, then in[r], in[r + d], ...). Copying that sequence once into buf makes every
// step's k rows contiguous: one row copied per step instead of k. The k - 1 zero-point rows at
// the head of buf are the same for every phase: written once per call (again after a phase too
// long for buf, which goes in segments). One steps call per phase (segment).
void run_phases(const ConvQ& p, int dilation, const std::int8_t* in, int steps,
                const std::int8_t* zp_pad, std::int8_t* out, StepsFn fn, StepJob& job) {
  alignas(4) std::int8_t buf[kPhaseBytes + 4];
  const int in_ch = p.in_ch;
  const int k1 = p.kernel - 1;
  const int segment = kPhaseBytes / in_ch - k1;  // steps per buf: >= 2 (checked by the caller)
  const int row_words = (in_ch + 3) / 4;
  const std::ptrdiff_t in_stride = static_cast<std::ptrdiff_t>(dilation) * in_ch;
  const std::int8_t* last = in + static_cast<std::ptrdiff_t>(steps - 1) * in_ch;
  std::int8_t* const seq = buf + static_cast<std::ptrdiff_t>(k1) * in_ch;
  copy_rows(zp_pad, 0, buf, in_ch, k1, row_words);
  job.x_stride = in_ch;
  job.y_adv = dilation * p.out_ch - job.y_groups;
  const int phases = dilation < steps ? dilation : steps;
  for (int r = 0; r < phases; ++r) {
    const int count = (steps - r + dilation - 1) / dilation;
    std::int8_t* y = out + static_cast<std::ptrdiff_t>(r) * p.out_ch;
    if (count <= segment) {
      copy_seq(in + static_cast<std::ptrdiff_t>(r) * in_ch, in_stride, last, count, seq, in_ch);
      job.x = buf;
      job.x_end = buf + static_cast<std::ptrdiff_t>(count) * in_ch;
      job.y = y;
      fn(&job);
      continue;
    }
    for (int i0 = 0; i0 < count; i0 += segment) {  // sequence rows i0 .. i1 + k1 - 1 into buf
      const int i1 = count - i0 < segment ? count : i0 + segment;
      int j = i0 > k1 ? i0 : k1;  // rows before k1 are zero-point rows
      std::int8_t* d = buf + static_cast<std::ptrdiff_t>(j - i0) * in_ch;
      copy_rows(zp_pad, 0, buf, in_ch, j - i0, row_words);
      copy_seq(in + static_cast<std::ptrdiff_t>(r + (j - k1) * dilation) * in_ch, in_stride, last,
               i1 + k1 - j, d, in_ch);
      job.x = buf;
      job.x_end = buf + static_cast<std::ptrdiff_t>(i1 - i0) * in_ch;
      job.y = y + static_cast<std::ptrdiff_t>(i0) * dilation * p.out_ch;
      fn(&job);
    }
    copy_rows(zp_pad, 0, buf, in_ch, k1, row_words);
  }
}

}  // namespace

namespace {

bool run_layer(const LiveTaps& lt, int dilation, const std::int8_t* in, int steps, std::int8_t* out,
               std::int8_t* scratch) {
  const ConvQ& p = lt.q;
  const std::int8_t* zp_row = lt.zp_row;
  const int n = p.kernel * p.in_ch;
  const int words = (n + 3) / 4;
  constexpr int kCapacity = static_cast<int>(kStreamBytes / sizeof(std::int32_t));
  // The whole layer in one chunk when it fits, else as many whole 4-groups as fit.
  int chunk = p.out_ch;
  if (stream_words(chunk, words) > kCapacity) chunk = kCapacity / (4 * (2 * words + 4) + 1) * 4;
  if (chunk < 4 && chunk < p.out_ch) return false;
  if (n < 3 || p.in_ch > kMaxZpBytes || p.act_max != 127 || steps < 1) return false;
  alignas(8) std::int32_t stream[kCapacity];
  alignas(4) std::int8_t zp_pad[kMaxZpBytes + 4] = {};
  for (int i = 0; i < p.in_ch; ++i) zp_pad[i] = zp_row[i];
  const StepsFn fn = p.act_min == -128 && p.out_zp == -128 ? steps_relu : steps_exact;
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
  job.words = (words + 3) & ~3;
  job.entry = (4 - words % 4) % 4;
  job.stream = stream;
  job.lo4 = (static_cast<std::uint32_t>(p.act_min) & 0xFFU) * 0x01010101U;
  for (int o0 = 0; o0 < p.out_ch; o0 += chunk) {
    const int count = p.out_ch - o0 < chunk ? p.out_ch - o0 : chunk;
    if (!pack_stream(lt, o0, count, words, stream)) return false;
    job.full_end = stream + stream_words(count - tail_channels(count), words);
    job.tail = tail_channels(count);
    job.y_groups = count - job.tail;
    std::int8_t* y = out + o0;
    if (phased) {
      run_phases(p, dilation, in, steps, zp_pad, y, fn, job);
      continue;
    }
    const bool direct = contiguous && t_direct_end > span;
    for (int t = 0; t < steps; ++t) {
      std::int8_t* yt = y + static_cast<std::ptrdiff_t>(t) * p.out_ch;
      if (direct && t == span) {  // the rows of steps [span, t_direct_end) lie in the input
        run(fn, job, in, p.in_ch, yt, p.out_ch, t_direct_end - span);
        t = t_direct_end - 1;
        continue;
      }
      gather(p, dilation, in, in_end, t, zp_pad, scratch);
      run(fn, job, scratch, 0, yt, 0, 1);
    }
  }
  return true;
}

}  // namespace

bool conv_window_packed(const ConvQ& p, int dilation, const std::int8_t* in, int steps,
                        const std::int8_t* zp_row, std::int8_t* out, std::int8_t* scratch) {
  int dead = 0;
  while (dead < p.kernel - 1 && static_cast<std::int64_t>(p.kernel - 1 - dead) * dilation >= steps)
    ++dead;
  if ((p.kernel - dead) * p.in_ch < 3) dead = 0;  // keep the packed path for tiny rows
  LiveTaps lt;
  lt.q = p;
  lt.q.kernel = p.kernel - dead;
  lt.q.weights = p.weights + static_cast<std::ptrdiff_t>(dead) * p.in_ch;
  lt.w_stride = p.kernel * p.in_ch;
  lt.dead_n = dead * p.in_ch;
  lt.zp_row = zp_row;
  return run_layer(lt, dilation, in, steps, out, scratch);
}

}  // namespace css::nn::kernels::m4

#endif  // defined(__ARM_FEATURE_DSP)

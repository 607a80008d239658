// Cortex-M4 twin of the portable residual add: defines css::nn::kernels::add_opt (the
// KernelTable's add, css/nn/kernels.hpp) for the firmware image, in place of the forwarding
// add_opt that kernels_opt_int8.cpp provides (kernels_m4.cpp replaces that file whole; see
// firmware/cortex-m4/CMakeLists.txt). Same contract and result as kernels::add_ref. add_ref
// evaluates three 64-bit multiply_by_quantized_multiplier calls per element (~190 instructions at
// -Os); this is the same arithmetic in 32-bit DSP instructions, bit-exact under conditions checked
// once per call:
//  - input terms: sa = (x - zp) * 2^20 with |x - zp| <= 255, so |2 sa| < 2^29 and the reference
//    high-mul floor((sa*m + 2^30) / 2^31) equals SMMULR(2 sa, m) = (2 sa * m + 2^31) >> 32
//    (ARMv7-M ARM A7.7.121) for m >= 0; with shift <= 0 each term is below 2^28 in magnitude,
//    so their sum never saturates and its double still fits SMMULR the same way;
//  - the rounding shift is multiply_by_quantized_multiplier's (h + 2^(e-1) - (h < 0)) >> e,
//    and out_zp * 2^e (e <= 22) is folded into the rounding constant, exact because it is a
//    multiple of 2^e.
// Anything else (positive shifts, act_max != 127) goes to the reference add_ref.
// Long inputs (window mode) first tabulate 2 * term(x) for all 256 values of each input, then
// spend ~15 instructions per element; short ones (streaming: one row) compute terms directly.
#include <cstddef>
#include <cstdint>

#include "css/nn/kernels.hpp"

namespace css::nn::kernels {
namespace {

inline std::int32_t smmulr(std::int32_t a, std::int32_t b) {
  std::int32_t r;
  asm("smmulr %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
  return r;
}

// One input's term multiply_by_quantized_multiplier((x - zp) << 20, m, -e) for e >= 0, doubled.
struct Term {
  std::int32_t zp21, multiplier, round, neg_mask, exponent;
  Term(std::int32_t zp, std::int32_t m, std::int32_t shift)
      : zp21(zp * (1 << (kAddLeftShift + 1))),
        multiplier(m),
        round(shift < 0 ? std::int32_t{1} << (-shift - 1) : 0),
        neg_mask(shift < 0 ? -1 : 0),
        exponent(-shift) {}
  __attribute__((always_inline)) std::int32_t operator()(std::int32_t x) const {
    const std::int32_t high = smmulr(x * (1 << (kAddLeftShift + 1)) - zp21, multiplier);
    return ((high + round + ((high >> 31) & neg_mask)) >> exponent) * 2;
  }
};

struct Output {
  std::int32_t multiplier, round, exponent, lo;
  __attribute__((always_inline)) std::int8_t operator()(std::int32_t sum2) const {
    const std::int32_t high = smmulr(sum2, multiplier);
    std::int32_t v = (high + round + (high >> 31)) >> exponent;
    asm("ssat %0, #8, %0\n\t"
        "cmp %0, %1\n\t"
        "it lt\n\t"
        "movlt %0, %1"
        : "+r"(v)
        : "r"(lo)
        : "cc");
    return static_cast<std::int8_t>(v);
  }
};

constexpr int kTableMinElements = 256;  // below this the two 256-entry tables cost more

// A streaming row when one input's term is exact: multiplier 2^30 with shift 0 (what the
// writer gives the input of the larger scale, TFLite's "twice the max scale" add) makes its
// doubled term exactly (x - zp) << 20. Then zp << 20 can be folded into the other term's
// rounding constant (exact: floor((v + c * 2^e) / 2^e) = floor(v / 2^e) + c), and the loop
// needs 12 constants and pointers, which fit the registers: 20 instructions per element
// against ~38 for the C loop (which spills). Fields in load order (LDM r0-r11).
struct HalfRowJob {
  const std::int8_t* a;    // r0 the input with the general term
  const std::int8_t* b;    // r1 the input with the exact term
  std::int8_t* out;        // r2
  std::int32_t lo;         // r3 act_min
  std::int32_t zp21;       // r4 a's zero point * 2^21
  std::int32_t m;          // r5 a's multiplier
  std::int32_t round;      // r6 2^(e-1) - b_zp * 2^(19+e)
  std::int32_t e;          // r7 a's exponent (1..4)
  const std::int8_t* end;  // r8 a + n
  std::int32_t out_m;      // r9
  std::int32_t out_round;  // r10 2^(eo-1) + out_zp * 2^eo
  std::int32_t out_e;      // r11
};
static_assert(sizeof(HalfRowJob) == 48 && sizeof(void*) == 4);

// for each element: h = SMMULR((a << 21) - zp21, m); t = (h + round + (h < 0 ? -1 : 0)) >> e;
// s = (b << 20) + 2t; h = SMMULR(s, out_m); y = max(SSAT8((h + out_round - (h < 0)) >> out_e), lo).
// n >= 1.
__attribute__((naked, noinline)) void add_half_row(const HalfRowJob*) {
  asm volatile(
      "push {r4-r11, lr}\n\t"
      "ldm r0, {r0-r11}\n\t"
      "1:\n\t"
      "ldrsb lr, [r0], #1\n\t"
      "rsb lr, r4, lr, lsl #21\n\t"
      "smmulr lr, lr, r5\n\t"
      "add ip, r6, lr, asr #31\n\t"
      "add lr, lr, ip\n\t"
      "asr lr, lr, r7\n\t"
      "ldrsb ip, [r1], #1\n\t"
      "lsl ip, ip, #20\n\t"
      "add lr, ip, lr, lsl #1\n\t"
      "smmulr lr, lr, r9\n\t"
      "add ip, r10, lr, asr #31\n\t"
      "add lr, lr, ip\n\t"
      "asr lr, lr, r11\n\t"
      "ssat lr, #8, lr\n\t"
      "cmp lr, r3\n\t"
      "it lt\n\t"
      "movlt lr, r3\n\t"
      "strb lr, [r2], #1\n\t"
      "cmp r0, r8\n\t"
      "bne 1b\n\t"
      "pop {r4-r11, pc}\n\t");
}

// add_half_row for p if one input's term is exact and the other's exponent is 1..4 (bounds
// above: |h| < 2^29, |round| <= 2^30); false otherwise.
bool try_half_row(const AddQ& p, const std::int8_t* a, const std::int8_t* b, int n,
                  std::int8_t* out) {
  const bool b_exact = p.b_mult == (1 << 30) && p.b_shift == 0;
  const bool a_exact = p.a_mult == (1 << 30) && p.a_shift == 0;
  if (n < 1 || (!a_exact && !b_exact)) return false;
  const std::int32_t zp = b_exact ? p.a_zp : p.b_zp, exact_zp = b_exact ? p.b_zp : p.a_zp;
  const std::int32_t m = b_exact ? p.a_mult : p.b_mult;
  const std::int32_t e = -(b_exact ? p.a_shift : p.b_shift);
  if (e < 1 || e > 4) return false;
  const std::int32_t eo = -p.out_shift;
  HalfRowJob job{b_exact ? a : b,
                 b_exact ? b : a,
                 out,
                 p.act_min,
                 zp * (1 << (kAddLeftShift + 1)),
                 m,
                 (1 << (e - 1)) - exact_zp * (1 << (19 + e)),
                 e,
                 (b_exact ? a : b) + n,
                 p.out_mult,
                 (std::int32_t{1} << (eo - 1)) + p.out_zp * (1 << eo),
                 eo};
  add_half_row(&job);
  return true;
}

}  // namespace

void add_opt(const AddQ& p, const std::int8_t* a, const std::int8_t* b, int n, std::int8_t* out) {
  const bool fast = p.a_shift <= 0 && p.b_shift <= 0 && p.a_mult >= 0 && p.b_mult >= 0 &&
                    p.out_mult >= 0 && p.out_shift <= -1 && p.out_shift >= -22 &&
                    p.act_max == 127 && p.a_zp >= -128 && p.a_zp <= 127 && p.b_zp >= -128 &&
                    p.b_zp <= 127 && p.out_zp >= -128 && p.out_zp <= 127;
  if (!fast) {
    add_ref(p, a, b, n, out);
    return;
  }
  const Term ta(p.a_zp, p.a_mult, p.a_shift), tb(p.b_zp, p.b_mult, p.b_shift);
  const std::int32_t e = -p.out_shift;
  const Output o{p.out_mult, (std::int32_t{1} << (e - 1)) + p.out_zp * (1 << e), e, p.act_min};
  if (n < kTableMinElements) {
    if (try_half_row(p, a, b, n, out)) return;
    for (int i = 0; i < n; ++i) out[i] = o(ta(a[i]) + tb(b[i]));
    return;
  }
  std::int32_t table[512];  // [0, 256): 2 * term_a(x + 128), [256, 512): term_b
  for (int x = -128; x < 128; ++x) {
    table[x + 128] = ta(x);
    table[x + 384] = tb(x);
  }
  const std::int32_t* table_a = table + 128;
  const std::int32_t* table_b = table + 384;
  for (int i = 0; i < n; ++i) out[i] = o(table_a[a[i]] + table_b[b[i]]);
}

}  // namespace css::nn::kernels

// Private, any x86 target: the constants of the plane kernels' float epilogue (AVX2, AVX-VNNI,
// AVX-512), each proven at init (prepare_tail, after packing) to reproduce the exact integer
// requantisation on every input it can get.
//
// Why it is exact. A requantisation (multiply_by_quantized_multiplier, zero point, clamp) is a
// non-decreasing step function g(a) of its int32 input. For |a| < 2^24, float(a) is exact and
// fma(float(a), s, b) is one correctly rounded operation, non-decreasing in a for s > 0, so
// h(a) = clamp(floor(fma(a, s, b)), lo, hi) is a non-decreasing step function too. Two such
// functions are equal on [a0, a1] iff they reach every level n in (lo, hi] at the same input:
// find_affine computes where g reaches each level once (binary search) and accepts the first
// (s, b) near the real scale and offset whose h steps at exactly those inputs. Nothing is
// assumed about rounding error: a candidate reproduces every output or is not used, and a
// channel (or add) with no such candidate keeps the integer epilogue. For lo >= 0, truncation
// (cvttps2dq) and floor agree after the clamp, so the kernels may use either.
// Pure scalar code (std::fma is IEEE-754's correctly rounded fused multiply-add, as vfmadd):
// may be included inside or outside a target region.
#pragma once

#include <climits>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "css/nn/fixed_point.hpp"
#include "css/nn/kernels.hpp"

namespace css::nn::detail::fepi {
namespace {

constexpr std::int64_t kExactInt = std::int64_t{1} << 24;  // |a| below this: float(a) is exact
constexpr double kMaxF = 1073741824.0;  // |fma| below 2^30: cvttps2dq never overflows

// y = fma(a, s, a < 0 ? b_neg : b): two offsets where the requantisation rounds ties differently
// on either side of zero (a signed output), b_neg == b where one line follows it everywhere.
struct Affine {
  float s = 0, b = 0, b_neg = 0;
};

inline std::int32_t h_of(std::int64_t a, float s, float b, std::int32_t lo, std::int32_t hi) {
  const float f = std::floor(std::fma(static_cast<float>(a), s, b));
  return f < float(lo) ? lo : f > float(hi) ? hi : static_cast<std::int32_t>(f);
}

inline float step_ulps(float v, int n) {
  for (; n > 0; --n) v = std::nextafter(v, HUGE_VALF);
  for (; n < 0; ++n) v = std::nextafter(v, -HUGE_VALF);
  return v;
}

// Tries (s, b) within s_ulps and b_ulps of (s_real, b_real), nearest first; ok(s, b) decides.
template <class Ok>
bool search(double s_real, double b_real, Ok ok, Affine& out, int s_ulps, int b_ulps) {
  const float s0 = static_cast<float>(s_real), b0 = static_cast<float>(b_real);
  if (!(s0 > 0.0f) || !std::isfinite(s0) || !std::isfinite(b0)) return false;
  for (int i = 0; i <= 2 * s_ulps; ++i) {
    const float s = step_ulps(s0, (i + 1) / 2 * (i % 2 == 0 ? 1 : -1));
    for (int j = 0; j <= 2 * b_ulps; ++j) {
      const float b = step_ulps(b0, (j + 1) / 2 * (j % 2 == 0 ? 1 : -1));
      if (ok(s, b)) {
        out = {s, b, b};
        return true;
      }
    }
  }
  return false;
}

// The first a in [a0, a1] with g(a) >= n (a1 + 1 when none), g non-decreasing: a short walk from
// the real form's estimate, a binary search when that is far off.
template <class G>
std::int64_t first_reaching(G g, std::int32_t n, std::int64_t a0, std::int64_t a1, double guess) {
  std::int64_t l = a0, r = a1 + 1;  // invariant: the answer is in [l, r]
  const double c = std::ceil(guess);
  if (c > double(a0) && c <= double(a1)) {
    std::int64_t a = static_cast<std::int64_t>(c);
    for (int i = 0; i < 8; ++i) {  // usually one or two evaluations
      if (g(a) >= n) {
        r = a;
        if (a == l || g(a - 1) < n) return a;
        --a;
      } else {
        l = a + 1;
        if (a == a1) return a1 + 1;
        ++a;
      }
    }
  }
  while (l < r) {
    const std::int64_t mid = l + (r - l) / 2;
    if (g(mid) >= n)
      r = mid;
    else
      l = mid + 1;
  }
  return l;
}

// g: non-decreasing, values in [lo, hi] on [a0, a1]. True (and `out`) when some candidate's h
// equals g on the whole range.
template <class G>
bool find_affine(G g, std::int64_t a0, std::int64_t a1, std::int32_t lo, std::int32_t hi,
                 double s_real, double b_real, Affine& out, int s_ulps = 4) {
  if (a0 > a1 || a0 <= -kExactInt || a1 >= kExactInt || lo > hi || hi - lo > 255) return false;
  std::int64_t cross[256];  // cross[n - lo - 1]: first a with g(a) >= n (a1 + 1: none)
  std::int64_t from = a0;   // g is non-decreasing: each crossing is at or after the last one
  for (std::int32_t n = lo + 1; n <= hi; ++n) {
    cross[n - lo - 1] = first_reaching(g, n, from, a1, (n - b_real) / s_real);
    from = cross[n - lo - 1];
  }
  return search(
      s_real, b_real,
      [&](float s, float b) {
        if (std::fabs(std::fma(float(a0), s, b)) >= kMaxF ||
            std::fabs(std::fma(float(a1), s, b)) >= kMaxF)
          return false;
        for (std::int32_t n = lo + 1; n <= hi; ++n) {
          const std::int64_t c = cross[n - lo - 1];
          if (c > a0 && h_of(c - 1, s, b, lo, hi) >= n) return false;
          if (c <= a1 && h_of(c, s, b, lo, hi) < n) return false;
        }
        return true;
      },
      out, s_ulps, 64);
}

// The requantisation's real form: mbqm(a, m, shift) + zp + 128 == floor(a * scale + offset) for
// a * m >= 0 (the floor form, planes_x86.hpp: K = 2^30 + 2^(30+r) over 2^(31+r)).
inline double real_scale(std::int32_t mult, std::int32_t shift) {
  return std::ldexp(double(mult), shift - 31);
}
inline double real_offset(std::int32_t shift, std::int32_t zp) {
  return zp + 128.5 + (shift < 0 ? std::ldexp(1.0, shift - 1) : 0.0);
}

// Output channel o of a conv: u = clamp(requant(acc) + zp, act) + 128 for |acc| <= bound.
inline bool conv_affine(const kernels::ConvQ& p, int o, std::int64_t bound, Affine& out) {
  const std::int32_t m = p.multiplier[o], sh = p.shift[o];
  if (m <= 0) return false;
  const auto g = [&](std::int64_t a) {
    const std::int32_t v =
        multiply_by_quantized_multiplier(static_cast<std::int32_t>(a), m, sh) + p.out_zp;
    return (v < p.act_min ? p.act_min : v > p.act_max ? p.act_max : v) + 128;
  };
  const std::int32_t lo = p.act_min + 128, hi = p.act_max + 128;
  const double s = real_scale(m, sh), b = real_offset(sh, p.out_zp);
  // One line, unless negative accumulators reach unclamped outputs (a signed conv): there the
  // floor form's sign step moves the offset by 2^-r, so the two sides get their own (same s).
  if ((bound < 1 || g(-1) == lo) && find_affine(g, -bound, bound, lo, hi, s, b, out)) return true;
  Affine neg;
  if (bound < 1 || !find_affine(g, 0, bound, lo, hi, s, b, out) ||
      !find_affine(g, -bound, -1, lo, hi, out.s, b - (sh < 0 ? std::ldexp(1.0, sh) : 0.0), neg, 0))
    return false;
  out.b_neg = neg.b;
  return true;
}

// A fused add, x its input a and y its input b (both uint8, q + 128): its output is a function of
// (x, y) alone, floor(x * alpha + y * beta + gamma) up to the roundings of the two terms and of
// the output requantisation. The kernel evaluates
//   out = trunc(fma(x, alpha, fma(y, beta, gamma)))   (saturated to [0, 255] by the packs)
// and prepare_add accepts (alpha, beta, gamma) only when that equals add_ref on all 65 536
// input pairs. Valid for the AddQ and side it was made for (prep_matches, per call); zero-filled
// means not prepared.
struct AddPrep {
  kernels::AddQ q;
  std::int32_t conv_is_a, valid;
  float alpha, beta, gamma;
};

inline bool prepare_add(const kernels::AddQ& q, bool conv_is_a, AddPrep& prep) {
  prep = AddPrep{};
  if (q.act_min != -128 || q.act_max != 127 || q.out_mult <= 0) return false;
  // add_ref's arithmetic with each input's term tabulated once (256 values per input, not two
  // per pair): calling add_ref on the 65 536 pairs made Interpreter::init on the shipped model
  // 18 ms instead of 3.8 (bench_engine BM_InitIsa); tests/unit/nn/float_epilogue_test.cpp
  // compares every accepted add with add_ref itself.
  std::int32_t term[2][256];
  for (int v = 0; v < 256; ++v) {
    term[0][v] = multiply_by_quantized_multiplier(
        (v - 128 - q.a_zp) * (1 << kernels::kAddLeftShift), q.a_mult, q.a_shift);
    term[1][v] = multiply_by_quantized_multiplier(
        (v - 128 - q.b_zp) * (1 << kernels::kAddLeftShift), q.b_mult, q.b_shift);
  }
  static thread_local std::int8_t want[256][256];  // the add's output, [x][y]
  for (int x = 0; x < 256; ++x)
    for (int y = 0; y < 256; ++y) {
      const std::int64_t sum = std::int64_t{term[0][x]} + term[1][y];
      const auto sat = static_cast<std::int32_t>(sum > INT32_MAX   ? INT32_MAX
                                                 : sum < INT32_MIN ? INT32_MIN
                                                                   : sum);
      want[x][y] =
          clamp_to_int8(multiply_by_quantized_multiplier(sat, q.out_mult, q.out_shift) + q.out_zp,
                        q.act_min, q.act_max);
    }
  const double out_s = real_scale(q.out_mult, q.out_shift);
  const double in_s = double(1 << kernels::kAddLeftShift) * out_s;
  const double alpha = real_scale(q.a_mult, q.a_shift) * in_s;
  const double beta = real_scale(q.b_mult, q.b_shift) * in_s;
  if (!(beta > 0.0)) return false;
  const double gamma =
      real_offset(q.out_shift, q.out_zp) - (q.a_zp + 128) * alpha - (q.b_zp + 128) * beta;
  const auto exact = [&](float a, float b, float g) {
    float t[256];
    for (int y = 0; y < 256; ++y) t[y] = std::fma(float(y), b, g);
    // f is non-decreasing in x and y (a, b > 0): its extremes are at (0, 0) and (255, 255).
    if (std::fabs(std::fma(0.0f, a, t[0])) >= kMaxF ||
        std::fabs(std::fma(255.0f, a, t[255])) >= kMaxF)
      return false;
    for (int x = 0; x < 256; ++x) {
      int bad = 0;  // no early exit inside a row: the loop vectorises
      for (int y = 0; y < 256; ++y) {
        const float f = std::fma(float(x), a, t[y]);
        const float c = f < -1.0f ? -1.0f : f > 256.0f ? 256.0f : f;  // |f| < 2^30: no overflow
        const std::int32_t v = static_cast<std::int32_t>(c);          // truncation, as cvttps2dq
        bad += (v < 0 ? 0 : v > 255 ? 255 : v) != want[x][y] + 128;
      }
      if (bad != 0) return false;
    }
    return true;
  };
  Affine ag;  // (alpha, gamma) for each beta tried
  for (int i = 0; i <= 4 && prep.valid == 0; ++i) {
    const float b = step_ulps(static_cast<float>(beta), (i + 1) / 2 * (i % 2 == 0 ? 1 : -1));
    if (search(
            alpha, gamma, [&](float a, float g) { return exact(a, b, g); }, ag, 2, 16)) {
      prep.alpha = ag.s;
      prep.beta = b;
      prep.gamma = ag.b;
      prep.valid = 1;
    }
  }
  if (prep.valid == 0) return false;
  prep.q = q;
  prep.conv_is_a = conv_is_a ? 1 : 0;
  return true;
}

// True when prep was made for this add with the conv on this side.
inline bool prep_matches(const AddPrep& prep, const kernels::AddQ& q, bool conv_is_a) {
  return prep.valid == 1 && prep.conv_is_a == (conv_is_a ? 1 : 0) &&
         std::memcmp(&prep.q, &q, sizeof q) == 0;
}

// The tail a plane path appends to a conv's packed records: a Head, then each output channel's
// Affine. pack() zero-fills it (no float epilogue); prepare() proves what it can.
struct Head {
  std::int32_t conv_ok;    // 1: every channel's requantisation has its proven Affine
  std::int32_t two_piece;  // 1: some channel's b_neg != b (the kernels blend per lane)
  float lo, hi;            // the conv's clamp in the uint8 domain
  AddPrep add;             // the fused add's (valid 0: none)
};

inline std::size_t tail_bytes(int out_ch) {
  return sizeof(Head) + sizeof(Affine) * std::size_t(out_ch);
}

inline Head read_head(const std::uint8_t* tail) {
  Head h;
  std::memcpy(&h, tail, sizeof h);
  return h;
}

inline Affine read_affine(const std::uint8_t* tail, int o) {
  Affine a;
  std::memcpy(&a, tail + sizeof(Head) + sizeof(Affine) * std::size_t(o), sizeof a);
  return a;
}

// bound(o): max |acc| of output channel o. add: the add fused into this conv (nullptr: none).
template <class Bound>
void prepare_tail(const kernels::ConvQ& p, Bound bound, const kernels::AddQ* add, bool conv_is_a,
                  std::uint8_t* tail) {
  Head h{};
  h.lo = float(p.act_min + 128);
  h.hi = float(p.act_max + 128);
  h.conv_ok = 1;
  for (int o = 0; o < p.out_ch && h.conv_ok == 1; ++o) {
    Affine a;
    h.conv_ok = conv_affine(p, o, bound(o), a) ? 1 : 0;
    h.two_piece = h.two_piece == 1 || a.b_neg != a.b ? 1 : 0;
    std::memcpy(tail + sizeof h + sizeof a * std::size_t(o), &a, sizeof a);
  }
  if (h.conv_ok == 1 && add != nullptr) prepare_add(*add, conv_is_a, h.add);
  std::memcpy(tail, &h, sizeof h);
}

// True when a conv with this tail runs its float epilogue: unfused, when the clamp is the whole
// uint8 range; fused, when prepared for exactly this add and side.
inline bool float_ok(const std::uint8_t* tail, const kernels::AddQ* add, bool conv_is_a) {
  const Head h = read_head(tail);
  if (h.conv_ok != 1) return false;
  return add == nullptr ? h.lo == 0.0f && h.hi == 255.0f : prep_matches(h.add, *add, conv_is_a);
}

}  // namespace
}  // namespace css::nn::detail::fepi

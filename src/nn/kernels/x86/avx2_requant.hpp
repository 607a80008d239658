// Private, AVX2: the exact requantisation forms of avx512_requant.hpp on 8 lanes, for the AVX2
// and AVX-VNNI plane kernels. Include only inside an avx2 target region (after the pragma).
// AVX2 has no 64-bit arithmetic shift; the floor form's result fits in 32 bits, so its low
// dword is the high dword shifted by E - 32 (E >= 32) or the 64-bit logical shift's low dword
// (E <= 32): both exact.
#pragma once

#include <immintrin.h>

#include <cstdint>

#include "css/nn/kernels.hpp"
#include "kernels/x86/requant_exact.hpp"

namespace css::nn::detail::avx2q {
namespace {

using namespace rqx;

// Broadcast form of an Rq.
//
// For a right shift r >= 0 (E = 31 + r >= 31) and m > 0 the floor form is evaluated as
// y = floor((P + K(+)) / 2^31), a 32-bit value (|P| <= 2^61 and (zp + 128) * 2^r < 2^29 keep it
// inside int32), then floor((y - [P < -2^30]) / 2^r): floor(floor(a / b) / c) == floor(a / (bc))
// and the sign term -2^31 is one unit of y. P < -2^30 iff acc < neg_acc = -floor(2^30 / m), a
// 32-bit compare on the accumulator instead of two 64-bit ones on the products.
struct RqV {
  __m256i k_pos, k_neg, neg_below, mult, lo, hi, zp_u, neg_acc;
  __m128i e;  // E - 32 when odd_high, else E; r when floor31
  bool fast, sign, odd_high, floor31;
  std::int32_t mult_s, shift_s;
};

// True when the branch-free requant31 form applies to r.
inline bool floor31(const Rq& r) {
  return r.fast != 0 && r.e >= 31 && r.mult > 0;
}

inline RqV broadcast(const Rq& r) {
  RqV v;
  v.k_pos = _mm256_set1_epi64x(r.k_pos);
  v.k_neg = _mm256_set1_epi64x(r.k_neg);
  v.neg_below = _mm256_set1_epi64x(r.neg_below);
  v.mult = _mm256_set1_epi32(r.mult);
  v.lo = _mm256_set1_epi32(r.lo);
  v.hi = _mm256_set1_epi32(r.hi);
  v.zp_u = _mm256_set1_epi32(r.zp_u);
  v.odd_high = r.e >= 32;
  v.floor31 = floor31(r);
  v.e = _mm_cvtsi32_si128(v.floor31 ? r.e - 31 : v.odd_high ? r.e - 32 : r.e);
  // INT32_MIN when the sign never matters: acc < INT32_MIN is never true, so requant31 needs no
  // branch on it.
  v.neg_acc = _mm256_set1_epi32(r.mult > 0 && r.k_neg != 0
                                    ? static_cast<std::int32_t>(-((std::int64_t{1} << 30) / r.mult))
                                    : INT32_MIN);
  v.fast = r.fast != 0;
  v.sign = r.k_neg != 0;
  v.mult_s = r.mult;
  v.shift_s = r.shift;
  return v;
}

// multiply_by_quantized_multiplier on 8 lanes, any shift (the general form).
inline __m256i mbqm_general(__m256i v, std::int32_t mult, std::int32_t shift) {
  const __m256i zero = _mm256_setzero_si256();
  const int left = shift > 0 ? shift : 0;
  const int right = shift > 0 ? 0 : -shift;
  if (left > 0) {  // saturating left shift: overflowed iff shifting back loses bits
    const __m128i l = _mm_cvtsi32_si128(left);
    const __m256i sh = _mm256_sll_epi32(v, l);
    const __m256i ovf =
        _mm256_xor_si256(_mm256_cmpeq_epi32(_mm256_sra_epi32(sh, l), v), _mm256_set1_epi32(-1));
    const __m256i sat = _mm256_blendv_epi8(
        _mm256_set1_epi32(INT32_MAX), _mm256_set1_epi32(INT32_MIN), _mm256_cmpgt_epi32(zero, v));
    v = _mm256_blendv_epi8(sh, sat, ovf);
  }
  const __m256i m = _mm256_set1_epi32(mult);
  const __m256i nudge = _mm256_set1_epi64x(std::int64_t{1} << 30);
  const __m256i even = _mm256_add_epi64(_mm256_mul_epi32(v, m), nudge);
  const __m256i odd = _mm256_add_epi64(_mm256_mul_epi32(_mm256_srli_epi64(v, 32), m), nudge);
  const __m256i hi =
      _mm256_blend_epi32(_mm256_srli_epi64(even, 31), _mm256_slli_epi64(odd, 1), 0xAA);
  if (right == 0) return hi;
  const auto mask = static_cast<std::int32_t>((std::int64_t{1} << right) - 1);
  const __m256i rem = _mm256_and_si256(hi, _mm256_set1_epi32(mask));
  const __m256i thr = _mm256_sub_epi32(_mm256_set1_epi32(mask >> 1), _mm256_cmpgt_epi32(zero, hi));
  const __m256i q = _mm256_sra_epi32(hi, _mm_cvtsi32_si128(right));
  return _mm256_sub_epi32(q, _mm256_cmpgt_epi32(rem, thr));
}

// The floor form's 32-bit results from the even (ve) and odd (vo) lanes' 64-bit sums.
inline __m256i floor_shift(__m256i ve, __m256i vo, __m128i e, bool odd_high) {
  if (odd_high)
    return _mm256_blend_epi32(_mm256_shuffle_epi32(_mm256_sra_epi32(ve, e), 0xB1),
                              _mm256_sra_epi32(vo, e), 0xAA);
  return _mm256_blend_epi32(_mm256_srl_epi64(ve, e),
                            _mm256_shuffle_epi32(_mm256_srl_epi64(vo, e), 0xB1), 0xAA);
}

// requant() for an RqV with floor31 set, without a branch (the hot epilogue of the plane
// kernels checks floor31 once per conv instead of once per vector).
__attribute__((always_inline)) inline __m256i requant31(__m256i acc, const RqV& r) {
  const __m256i ve = _mm256_add_epi64(_mm256_mul_epi32(acc, r.mult), r.k_pos);
  const __m256i vo =
      _mm256_add_epi64(_mm256_mul_epi32(_mm256_srli_epi64(acc, 32), r.mult), r.k_pos);
  __m256i y = _mm256_blend_epi32(_mm256_srli_epi64(ve, 31), _mm256_slli_epi64(vo, 1), 0xAA);
  y = _mm256_add_epi32(y, _mm256_cmpgt_epi32(r.neg_acc, acc));
  return _mm256_min_epi32(_mm256_max_epi32(_mm256_sra_epi32(y, r.e), r.lo), r.hi);
}

// clamp(zp + mbqm(acc)) + 128, as int32 lanes in [lo, hi].
inline __m256i requant(__m256i acc, const RqV& r) {
  __m256i v;
  if (r.fast) {
    const __m256i pe = _mm256_mul_epi32(acc, r.mult);
    const __m256i po = _mm256_mul_epi32(_mm256_srli_epi64(acc, 32), r.mult);
    __m256i ve = _mm256_add_epi64(pe, r.k_pos);
    __m256i vo = _mm256_add_epi64(po, r.k_pos);
    if (r.floor31) {
      __m256i y = _mm256_blend_epi32(_mm256_srli_epi64(ve, 31), _mm256_slli_epi64(vo, 1), 0xAA);
      if (r.sign) y = _mm256_add_epi32(y, _mm256_cmpgt_epi32(r.neg_acc, acc));
      return _mm256_min_epi32(_mm256_max_epi32(_mm256_sra_epi32(y, r.e), r.lo), r.hi);
    }
    if (r.sign) {
      ve = _mm256_add_epi64(ve, _mm256_and_si256(_mm256_cmpgt_epi64(r.neg_below, pe), r.k_neg));
      vo = _mm256_add_epi64(vo, _mm256_and_si256(_mm256_cmpgt_epi64(r.neg_below, po), r.k_neg));
    }
    v = floor_shift(ve, vo, r.e, r.odd_high);
  } else {
    v = _mm256_add_epi32(mbqm_general(acc, r.mult_s, r.shift_s), r.zp_u);
  }
  return _mm256_min_epi32(_mm256_max_epi32(v, r.lo), r.hi);
}

// One add input term (requant_exact.hpp, TermP), broadcast for loops.
struct Term {
  __m256i mh, ml, c1, c3, half;
  __m256i half_cmp;  // half when the sign matters, else INT32_MIN (the compare never fires)
  __m128i r;
  bool sign;
};

inline Term make_term(const TermP& p) {
  Term t;
  t.mh = _mm256_set1_epi32(p.mh);
  t.ml = _mm256_set1_epi32(p.ml);
  t.c1 = _mm256_set1_epi32(p.c1);
  t.c3 = _mm256_set1_epi32(p.c3);
  t.half = _mm256_set1_epi32(p.half);
  t.half_cmp = _mm256_set1_epi32(p.sign != 0 ? p.half : INT32_MIN);
  t.r = _mm_cvtsi32_si128(p.r);
  t.sign = p.sign != 0;
  return t;
}
inline Term make_term(std::int32_t mult, std::int32_t shift, std::int32_t zp) {
  return make_term(make_term_p(mult, shift, zp));
}

inline __m256i term(__m256i u, const Term& t) {
  const __m256i lo = _mm256_srai_epi32(_mm256_add_epi32(_mm256_mullo_epi32(u, t.ml), t.c1), 11);
  __m256i q = _mm256_add_epi32(_mm256_add_epi32(_mm256_mullo_epi32(u, t.mh), lo), t.c3);
  if (t.sign)  // q holds Q + 2^(r-1): Q < 0 iff q < 2^(r-1); the compare gives -1 there
    q = _mm256_add_epi32(q, _mm256_cmpgt_epi32(t.half, q));
  return _mm256_sra_epi32(q, t.r);
}

// term() without the branch on t.sign.
__attribute__((always_inline)) inline __m256i term_nb(__m256i u, const Term& t) {
  const __m256i lo = _mm256_srai_epi32(_mm256_add_epi32(_mm256_mullo_epi32(u, t.ml), t.c1), 11);
  __m256i q = _mm256_add_epi32(_mm256_add_epi32(_mm256_mullo_epi32(u, t.mh), lo), t.c3);
  q = _mm256_add_epi32(q, _mm256_cmpgt_epi32(t.half_cmp, q));
  return _mm256_sra_epi32(q, t.r);
}

// std::round (half away from zero): truncate, then step away from zero when the dropped
// fraction is >= 0.5 (exact: v - trunc(v) is representable).
inline __m256 round_half_away(__m256 v) {
  const __m256 r = _mm256_round_ps(v, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
  const __m256 sign = _mm256_and_ps(v, _mm256_castsi256_ps(_mm256_set1_epi32(INT32_MIN)));
  const __m256 frac = _mm256_andnot_ps(sign, _mm256_sub_ps(v, r));  // |v - r|
  const __m256 up = _mm256_cmp_ps(frac, _mm256_set1_ps(0.5f), _CMP_GE_OQ);
  return _mm256_add_ps(r, _mm256_and_ps(up, _mm256_or_ps(_mm256_set1_ps(1.0f), sign)));
}

// detail::quantize_sample on 8 finite lanes (the same float operations in the same order).
inline __m256i quantize(__m256 x, __m256 mean, __m256 stdv, __m256 scale, __m256 zp) {
  const __m256 xn = _mm256_div_ps(_mm256_sub_ps(x, mean), stdv);
  __m256 v = _mm256_add_ps(round_half_away(_mm256_div_ps(xn, scale)), zp);
  v = _mm256_min_ps(_mm256_max_ps(v, _mm256_set1_ps(-128.0f)), _mm256_set1_ps(127.0f));
  return _mm256_cvttps_epi32(v);
}

}  // namespace
}  // namespace css::nn::detail::avx2q

// Private, AVX-512: the exact requantisation forms shared by the plane kernels and the
// streaming step kernels (derivation: planes_x86.hpp, docs/engine.md). Include only after the
// AVX-512 target pragma of kernels_x86_avx512*.cpp; values are in the uint8 domain u = q + 128.
#pragma once

#include <immintrin.h>

#include <cstdint>
#include <limits>

#include "css/nn/kernels.hpp"
#include "kernels/x86/requant_exact.hpp"

namespace css::nn::detail::avx512q {
namespace {

using namespace rqx;

// Broadcast form of an Rq.
struct RqV {
  __m512i k_pos, k_neg, neg_below, mult, lo, hi, zp_u;
  __m128i e, e_odd;
  bool fast, sign, odd_high;
  std::int32_t mult_s, shift_s;
};

inline RqV broadcast(const Rq& r) {
  RqV v;
  v.k_pos = _mm512_set1_epi64(r.k_pos);
  v.k_neg = _mm512_set1_epi64(r.k_neg);
  v.neg_below = _mm512_set1_epi64(r.neg_below);
  v.mult = _mm512_set1_epi32(r.mult);
  v.lo = _mm512_set1_epi32(r.lo);
  v.hi = _mm512_set1_epi32(r.hi);
  v.zp_u = _mm512_set1_epi32(r.zp_u);
  v.odd_high = r.e >= 32;
  v.e = _mm_cvtsi32_si128(r.e);
  v.e_odd = _mm_cvtsi32_si128(v.odd_high ? r.e - 32 : r.e);
  v.fast = r.fast != 0;
  v.sign = r.k_neg != 0;
  v.mult_s = r.mult;
  v.shift_s = r.shift;
  return v;
}

// multiply_by_quantized_multiplier on 16 lanes, any shift (the general form).
inline __m512i mbqm_general(__m512i v, std::int32_t mult, std::int32_t shift) {
  const int left = shift > 0 ? shift : 0;
  const int right = shift > 0 ? 0 : -shift;
  if (left > 0) {  // saturating left shift: overflowed iff shifting back loses bits
    const __m128i l = _mm_cvtsi32_si128(left);
    const __m512i sh = _mm512_sll_epi32(v, l);
    const __mmask16 ovf = _mm512_cmpneq_epi32_mask(_mm512_sra_epi32(sh, l), v);
    const __m512i sat =
        _mm512_mask_blend_epi32(_mm512_cmplt_epi32_mask(v, _mm512_setzero_si512()),
                                _mm512_set1_epi32(INT32_MAX), _mm512_set1_epi32(INT32_MIN));
    v = _mm512_mask_mov_epi32(sh, ovf, sat);
  }
  const __m512i m = _mm512_set1_epi32(mult);
  const __m512i nudge = _mm512_set1_epi64(std::int64_t{1} << 30);
  const __m512i even = _mm512_add_epi64(_mm512_mul_epi32(v, m), nudge);
  const __m512i odd = _mm512_add_epi64(_mm512_mul_epi32(_mm512_srli_epi64(v, 32), m), nudge);
  const __m512i hi =
      _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(even, 31), _mm512_slli_epi64(odd, 1));
  if (right == 0) return hi;
  const auto mask = static_cast<std::int32_t>((std::int64_t{1} << right) - 1);
  const __m512i one = _mm512_set1_epi32(1);
  const __m512i rem = _mm512_and_si512(hi, _mm512_set1_epi32(mask));
  const __m512i half = _mm512_set1_epi32(mask >> 1);
  const __m512i thr =
      _mm512_mask_add_epi32(half, _mm512_cmplt_epi32_mask(hi, _mm512_setzero_si512()), half, one);
  const __m512i q = _mm512_sra_epi32(hi, _mm_cvtsi32_si128(right));
  return _mm512_mask_add_epi32(q, _mm512_cmpgt_epi32_mask(rem, thr), q, one);
}

// clamp(zp + mbqm(acc)) + 128, as int32 lanes in [lo, hi].
inline __m512i requant(__m512i acc, const RqV& r) {
  __m512i v;
  if (r.fast && !r.sign && r.odd_high) {  // the common case first, without inner branches
    const __m512i ve = _mm512_add_epi64(_mm512_mul_epi32(acc, r.mult), r.k_pos);
    const __m512i vo =
        _mm512_add_epi64(_mm512_mul_epi32(_mm512_srli_epi64(acc, 32), r.mult), r.k_pos);
    v = _mm512_mask_blend_epi32(0xAAAA, _mm512_sra_epi64(ve, r.e), _mm512_sra_epi64(vo, r.e_odd));
  } else if (r.fast) {
    const __m512i pe = _mm512_mul_epi32(acc, r.mult);
    const __m512i po = _mm512_mul_epi32(_mm512_srli_epi64(acc, 32), r.mult);
    __m512i ve = _mm512_add_epi64(pe, r.k_pos);
    __m512i vo = _mm512_add_epi64(po, r.k_pos);
    if (r.sign) {
      ve = _mm512_mask_add_epi64(ve, _mm512_cmplt_epi64_mask(pe, r.neg_below), ve, r.k_neg);
      vo = _mm512_mask_add_epi64(vo, _mm512_cmplt_epi64_mask(po, r.neg_below), vo, r.k_neg);
    }
    ve = _mm512_sra_epi64(ve, r.e);
    vo = _mm512_sra_epi64(vo, r.e_odd);  // E - 32 when E >= 32: the result is the high dword
    if (!r.odd_high) vo = _mm512_slli_epi64(vo, 32);
    v = _mm512_mask_blend_epi32(0xAAAA, ve, vo);
  } else {
    v = _mm512_add_epi32(mbqm_general(acc, r.mult_s, r.shift_s), r.zp_u);
  }
  return _mm512_min_epi32(_mm512_max_epi32(v, r.lo), r.hi);
}

// requant() with the constants broadcast from an Rq at the point of use (per-op records). The
// odd lanes' 64-bit results are shifted by E like the even ones and moved into place with one
// in-lane dword shuffle, so no case split on E is needed.
inline __m512i requant(__m512i acc, const Rq& r) {
  __m512i v;
  if (r.fast != 0) {
    const __m512i m = _mm512_set1_epi32(r.mult);
    const __m512i k = _mm512_set1_epi64(r.k_pos);
    const __m512i pe = _mm512_mul_epi32(acc, m);
    const __m512i po = _mm512_mul_epi32(_mm512_srli_epi64(acc, 32), m);
    __m512i ve = _mm512_add_epi64(pe, k);
    __m512i vo = _mm512_add_epi64(po, k);
    if (r.k_neg != 0) {
      const __m512i nb = _mm512_set1_epi64(r.neg_below);
      const __m512i kn = _mm512_set1_epi64(r.k_neg);
      ve = _mm512_mask_add_epi64(ve, _mm512_cmplt_epi64_mask(pe, nb), ve, kn);
      vo = _mm512_mask_add_epi64(vo, _mm512_cmplt_epi64_mask(po, nb), vo, kn);
    }
    const __m128i e = _mm_cvtsi32_si128(r.e);
    v = _mm512_mask_shuffle_epi32(_mm512_sra_epi64(ve, e), 0xAAAA, _mm512_sra_epi64(vo, e),
                                  _MM_PERM_CDAB);
  } else {
    v = _mm512_add_epi32(mbqm_general(acc, r.mult, r.shift), _mm512_set1_epi32(r.zp_u));
  }
  return _mm512_min_epi32(_mm512_max_epi32(v, _mm512_set1_epi32(r.lo)), _mm512_set1_epi32(r.hi));
}

// One add input term (requant_exact.hpp, TermP): Term holds the broadcasts (for loops).
struct Term {
  __m512i mh, ml, c1, c3, half;
  __m128i r;
  bool sign;
};

inline Term make_term(std::int32_t mult, std::int32_t shift, std::int32_t zp) {
  const TermP p = make_term_p(mult, shift, zp);
  Term t;
  t.mh = _mm512_set1_epi32(p.mh);
  t.ml = _mm512_set1_epi32(p.ml);
  t.c1 = _mm512_set1_epi32(p.c1);
  t.c3 = _mm512_set1_epi32(p.c3);
  t.half = _mm512_set1_epi32(p.half);
  t.r = _mm_cvtsi32_si128(p.r);
  t.sign = p.sign != 0;
  return t;
}

inline __m512i term(__m512i u, const Term& t) {
  const __m512i lo = _mm512_srai_epi32(_mm512_add_epi32(_mm512_mullo_epi32(u, t.ml), t.c1), 11);
  __m512i q = _mm512_add_epi32(_mm512_add_epi32(_mm512_mullo_epi32(u, t.mh), lo), t.c3);
  if (t.sign)  // q holds Q + 2^(r-1): Q < 0 iff q < 2^(r-1)
    q = _mm512_mask_sub_epi32(q, _mm512_cmplt_epi32_mask(q, t.half), q, _mm512_set1_epi32(1));
  return _mm512_sra_epi32(q, t.r);
}

// term() with the constants broadcast from a TermP at the point of use.
inline __m512i term(__m512i u, const TermP& t) {
  const __m512i lo = _mm512_srai_epi32(
      _mm512_add_epi32(_mm512_mullo_epi32(u, _mm512_set1_epi32(t.ml)), _mm512_set1_epi32(t.c1)),
      11);
  __m512i q = _mm512_add_epi32(_mm512_add_epi32(_mm512_mullo_epi32(u, _mm512_set1_epi32(t.mh)), lo),
                               _mm512_set1_epi32(t.c3));
  if (t.sign != 0)
    q = _mm512_mask_sub_epi32(q, _mm512_cmplt_epi32_mask(q, _mm512_set1_epi32(t.half)), q,
                              _mm512_set1_epi32(1));
  return _mm512_sra_epi32(q, _mm_cvtsi32_si128(t.r));
}

// std::round (half away from zero): truncate, then step away from zero when the dropped
// fraction is >= 0.5 (exact: v - trunc(v) is representable).
inline __m512 round_half_away(__m512 v) {
  const __m512 r = _mm512_roundscale_ps(v, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
  const __mmask16 up =
      _mm512_cmp_ps_mask(_mm512_abs_ps(_mm512_sub_ps(v, r)), _mm512_set1_ps(0.5f), _CMP_GE_OQ);
  const __m512 one = _mm512_castsi512_ps(
      _mm512_or_si512(_mm512_castps_si512(_mm512_set1_ps(1.0f)),
                      _mm512_and_si512(_mm512_castps_si512(v), _mm512_set1_epi32(INT32_MIN))));
  return _mm512_mask_add_ps(r, up, r, one);
}

// detail::quantize_sample on 16 finite lanes: q = clamp(round((x - mean) / std / scale) + zp),
// as int32 lanes (the same float operations in the same order, so the same results).
inline __m512i quantize(__m512 x, __m512 mean, __m512 stdv, __m512 scale, __m512 zp) {
  const __m512 xn = _mm512_div_ps(_mm512_sub_ps(x, mean), stdv);
  __m512 v = _mm512_add_ps(round_half_away(_mm512_div_ps(xn, scale)), zp);
  v = _mm512_min_ps(_mm512_max_ps(v, _mm512_set1_ps(-128.0f)), _mm512_set1_ps(127.0f));
  return _mm512_cvttps_epi32(v);
}

}  // namespace
}  // namespace css::nn::detail::avx512q

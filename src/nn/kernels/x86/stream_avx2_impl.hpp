// Private: the whole-network streaming step (the design of stream_x86_avx512.cpp: one call per
// sample, the newest row in registers, older taps from the rings off the dependency chain, the
// residual add in its conv's epilogue) on 256-bit vectors, for the AVX2 and AVX-VNNI paths.
// Include only inside a target region (avx2, plus avxvnni for kVnni = true);
// stream_x86_avx2.cpp and stream_x86_avxvnni.cpp each instantiate one variant. The layout,
// bytes(), init() and reset() are stream_pack.hpp's (Avx256Layout); this file is the step.
//
// A tensor of at most 16 channels is two vectors of 8 int32 lanes u = q + 128 (lane =
// channel). The multiply-accumulate:
//  - kVnni: vpdpbusd ymm on 4 uint8 inputs x 4 int8 weights per lane (exact);
//  - AVX2: vpmaddwd on 2 int16 inputs (u, zero-extended) x 2 int16 weights per lane, then
//    vpaddd (exact: |u * w| * 2 < 2^31); the weights are packed as int16 pairs.
// Requantisation: the exact floor forms (requant_exact.hpp) with per-lane K and E; AVX2 has no
// 64-bit arithmetic shift, so a lane with E >= 32 shifts its high dword arithmetically by
// E - 32 and a lane with E < 32 takes the low dword of the 64-bit logical shift (its result
// fits in 32 bits): both exact, blended per lane when a conv has both kinds.
#pragma once

#include <cstring>

#include "kernels/x86/avx2_requant.hpp"
#include "kernels/x86/stream_pack.hpp"

namespace css::nn::detail::stream256 {
namespace {

using namespace avx2q;
using namespace streamx;

template <bool kVnni>
struct Step {
  using L = Avx256Layout<kVnni>;
  using P = Pack<L>;

  struct V2 {
    __m256i lo, hi;  // lanes 0..7 and 8..15
  };
  struct Cur {
    V2 v;       // u8-domain lanes of tensor t's newest row
    __m128i b;  // the same as bytes
    std::uint32_t t;
  };
  static V2 lanes_of(__m128i b) {
    return {_mm256_cvtepu8_epi32(b), _mm256_cvtepu8_epi32(_mm_srli_si128(b, 8))};
  }
  static V2 row_lanes(const Ctx& c, const Cur& cur, std::uint32_t t) {
    return t == cur.t ? cur.v : lanes_of(row_bytes(c, cur, t));
  }
  static void emit(const Ctx& c, Cur& cur, std::uint32_t t, V2 v) {
    cur.v = v;
    const __m256i w16 = _mm256_permute4x64_epi64(_mm256_packus_epi32(v.lo, v.hi), 0xD8);
    cur.b = _mm_packus_epi16(_mm256_castsi256_si128(w16), _mm256_extracti128_si256(w16, 1));
    cur.t = t;
    _mm_storeu_si128(reinterpret_cast<__m128i*>(row(c, t, 0)), cur.b);
  }
  static __m256i ld(const std::uint8_t* p) {
    return _mm256_load_si256(reinterpret_cast<const __m256i*>(p));
  }
  static V2 vec(const std::uint8_t* v, int i) { return {ld(v + i * kVec), ld(v + i * kVec + 32)}; }

  // Input dword g of a ring row, broadcast: 4 u8 (VNNI) or 2 u8 widened to an int16 pair.
  static __m256i bcast_ring(const std::uint8_t* x, int g) {
    if constexpr (kVnni) {
      std::uint32_t d;
      std::memcpy(&d, x + 4 * g, 4);
      return _mm256_set1_epi32(static_cast<int>(d));
    } else {
      std::uint16_t d;
      std::memcpy(&d, x + 2 * g, 2);
      return _mm256_cvtepu8_epi16(_mm_set1_epi16(static_cast<short>(d)));
    }
  }
  static __m256i mac(__m256i acc, __m256i x, __m256i w) {
    if constexpr (kVnni)
      return _mm256_dpbusd_avx_epi32(acc, x, w);
    else
      return _mm256_add_epi32(acc, _mm256_madd_epi16(x, w));
  }

  // The conv's int32 accumulators: older taps from the ring in independent chains, then the
  // current row's dwords broadcast from registers.
  static V2 conv_acc(const Ctx& c, const RecBase& r, const std::uint8_t* v, const std::uint8_t* w,
                     __m128i cur) {
    const V2 corr = vec(v, kCorr);
    __m256i a[2][2] = {{corr.lo, corr.hi}, {_mm256_setzero_si256(), _mm256_setzero_si256()}};
    const int k = r.kernel, gn = r.groups;
    for (int j = 0; j + 1 < k; ++j) {
      const std::uint8_t* x = row(c, r.in, std::uint32_t(k - 1 - j) * r.dilation);
      const std::uint8_t* wj = w + std::size_t(j) * gn * kVec;
      for (int g = 0; g < gn; ++g) {
        const __m256i xb = bcast_ring(x, g);
        a[g & 1][0] = mac(a[g & 1][0], xb, ld(wj + g * kVec));
        a[g & 1][1] = mac(a[g & 1][1], xb, ld(wj + g * kVec + 32));
      }
    }
    __m256i xc;
    if constexpr (kVnni)
      xc = _mm256_castsi128_si256(cur);
    else
      xc = _mm256_cvtepu8_epi16(cur);
    const std::uint8_t* wc = w + std::size_t(k - 1) * gn * kVec;
    for (int g = 0; g < gn; ++g) {
      const __m256i xb = _mm256_permutevar8x32_epi32(xc, _mm256_set1_epi32(g));
      a[g & 1][0] = mac(a[g & 1][0], xb, ld(wc + g * kVec));
      a[g & 1][1] = mac(a[g & 1][1], xb, ld(wc + g * kVec + 32));
    }
    return {_mm256_add_epi32(a[0][0], a[1][0]), _mm256_add_epi32(a[0][1], a[1][1])};
  }

  // Per-lane exact floor requantisation of one half (h = 0 or 1) + clamp.
  static __m256i conv_requant_half(__m256i acc, const std::uint8_t* v, int h, std::uint8_t flags,
                                   __m256i lo, __m256i hi) {
    const std::size_t o = std::size_t(h) * 32;
    const __m256i m = ld(v + kMul * kVec + o);
    const __m256i pe = _mm256_mul_epi32(acc, m);
    const __m256i po = _mm256_mul_epi32(_mm256_srli_epi64(acc, 32), _mm256_srli_epi64(m, 32));
    __m256i ve = _mm256_add_epi64(pe, ld(v + kKEven * kVec + o));
    __m256i vo = _mm256_add_epi64(po, ld(v + kKOdd * kVec + o));
    if ((flags & kConvSign) != 0) {
      const __m256i nb = _mm256_set1_epi64x(-(std::int64_t{1} << 30));
      ve = _mm256_add_epi64(
          ve, _mm256_and_si256(_mm256_cmpgt_epi64(nb, pe), ld(v + P::kNegEven * kVec + o)));
      vo = _mm256_add_epi64(
          vo, _mm256_and_si256(_mm256_cmpgt_epi64(nb, po), ld(v + P::kNegOdd * kVec + o)));
    }
    __m256i r = _mm256_blend_epi32(
        _mm256_shuffle_epi32(_mm256_srav_epi32(ve, ld(v + L::kShHiEven * kVec + o)), 0xB1),
        _mm256_srav_epi32(vo, ld(v + L::kShHiOdd * kVec + o)), 0xAA);
    if ((flags & kConvLowE) != 0) {
      const __m256i rl = _mm256_blend_epi32(
          _mm256_srlv_epi64(ve, ld(v + L::kShLoEven * kVec + o)),
          _mm256_shuffle_epi32(_mm256_srlv_epi64(vo, ld(v + L::kShLoOdd * kVec + o)), 0xB1), 0xAA);
      r = _mm256_blendv_epi8(r, rl, ld(v + L::kLowMask * kVec + o));
    }
    return _mm256_min_epi32(_mm256_max_epi32(r, lo), hi);
  }

  // requant(term_a(a) + term_b(b)) on both halves.
  static V2 add_terms(V2 a, V2 b, const TermP& pa, const TermP& pb, const Rq& out) {
    const Term ta = make_term(pa), tb = make_term(pb);
    const RqV ro = broadcast(out);
    return {requant(_mm256_add_epi32(term(a.lo, ta), term(b.lo, tb)), ro),
            requant(_mm256_add_epi32(term(a.hi, ta), term(b.hi, tb)), ro)};
  }

  static void run_conv(const Ctx& c, const std::uint8_t* rec, Cur& cur) {
    const auto& h = *reinterpret_cast<const ConvHead*>(rec);
    const std::uint8_t* v = rec + kConvHeadBytes;
    const bool sign = (h.b.flags & kConvSign) != 0;
    const std::uint8_t* w = v + P::conv_vecs(sign) * kVec;
    const V2 acc = conv_acc(c, h.b, v, w, row_bytes(c, cur, h.b.in));
    const __m256i lo = _mm256_set1_epi32(h.lo), hi = _mm256_set1_epi32(h.hi);
    V2 u{conv_requant_half(acc.lo, v, 0, h.b.flags, lo, hi),
         conv_requant_half(acc.hi, v, 1, h.b.flags, lo, hi)};
    if ((h.b.flags & kFused) != 0)
      u = add_terms(u, row_lanes(c, cur, h.b.other), h.conv_term, h.other_term, h.add_out);
    emit(c, cur, h.b.out, u);
  }

  static void run_add(const Ctx& c, const std::uint8_t* rec, Cur& cur) {
    const auto& r = *reinterpret_cast<const AddRec*>(rec);
    emit(c, cur, r.b.out,
         add_terms(row_lanes(c, cur, r.b.in), row_lanes(c, cur, r.b.other), r.ta, r.tb, r.out));
  }

  static void run_pool(const Ctx& c, const std::uint8_t* rec, Cur& cur) {
    const auto& r = *reinterpret_cast<const PoolRec*>(rec);
    const V2 x = row_lanes(c, cur, r.b.in);
    const V2 leaving =  // the zero point until window samples have been pushed
        lanes_of(_mm_loadu_si128(reinterpret_cast<const __m128i*>(row(c, r.b.in, r.window))));
    std::uint8_t* sums_p = c.base + kSumsOff;
    const V2 s = vec(sums_p, 0);
    const V2 sums{_mm256_add_epi32(s.lo, _mm256_sub_epi32(x.lo, leaving.lo)),
                  _mm256_add_epi32(s.hi, _mm256_sub_epi32(x.hi, leaving.hi))};
    _mm256_store_si256(reinterpret_cast<__m256i*>(sums_p), sums.lo);
    _mm256_store_si256(reinterpret_cast<__m256i*>(sums_p + 32), sums.hi);
    const RqV rq = broadcast(r.rq);
    emit(c, cur, r.b.out, {requant(sums.lo, rq), requant(sums.hi, rq)});
  }

  // Quantised input lanes (+128) of 8 channels from c0; false on a non-finite value.
  static bool quantize_half(const Head& h, const std::uint8_t* base, const float* sample, int c0,
                            __m256i* out) {
    const int n = int(h.in_ch) - c0;
    const __m256i m =
        _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    const __m256 x = _mm256_maskload_ps(sample + c0, m);
    const __m256 abs = _mm256_and_ps(x, _mm256_castsi256_ps(_mm256_set1_epi32(INT32_MAX)));
    if (_mm256_movemask_ps(_mm256_cmp_ps(abs, _mm256_set1_ps(__builtin_inff()), _CMP_LT_OQ)) !=
        0xFF)
      return false;
    const auto* mean = reinterpret_cast<const float*>(base + kMeanOff) + c0;
    const auto* stdv = reinterpret_cast<const float*>(base + kStdOff) + c0;
    *out = _mm256_add_epi32(
        quantize(x, _mm256_load_ps(mean), _mm256_load_ps(stdv), _mm256_set1_ps(h.in_scale),
                 _mm256_set1_ps(static_cast<float>(h.in_zp))),
        _mm256_set1_epi32(128));
    return true;
  }

  static bool push(std::uint8_t* region, const float* sample, std::int8_t* logits_q, float* probs) {
    std::uint8_t* base = align64(region);
    auto* h = reinterpret_cast<Head*>(base);
    V2 in{};
    if (!quantize_half(*h, base, sample, 0, &in.lo)) return false;
    if (h->in_ch > 8 && !quantize_half(*h, base, sample, 8, &in.hi)) return false;
    if (h->in_ch <= 8) in.hi = _mm256_set1_epi32(h->zp_u[0]);
    const Ctx c{base, h};
    Cur cur{};
    emit(c, cur, 0, in);
    run_records<Step>(c, h, cur, logits_q, probs);
    return true;
  }
};

}  // namespace
}  // namespace css::nn::detail::stream256

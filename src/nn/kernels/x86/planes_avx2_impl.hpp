// Private: the plane window kernels (layout and requantisation: planes_x86.hpp) on 256-bit
// vectors, for the AVX2 and AVX-VNNI paths. Include only inside a target region (avx2, plus
// avxvnni for kVnni = true); kernels_x86_avx2_planes.cpp and kernels_x86_avxvnni_planes.cpp
// each instantiate one variant, so the AVX2 one is never compiled where the compiler may use
// VNNI instructions. Lanes are 8 consecutive time steps of one output channel.
//
// The multiply-accumulate of four uint8 inputs (u = q + 128) by four int8 weights:
//  - kVnni: one vpdpbusd ymm (exact: it sums into int32 without saturation);
//  - AVX2: vpmaddubsw (pairs of products summed into int16, saturating), vpmaddwd with ones
//    (the int16 pairs into int32) and vpaddd. A pair saturates only when both weights have the
//    same sign and |w0 + w1| > 128 (255 * 128 fits in int16, 255 * 129 does not), so pack()
//    moves the second weight of every such pair into an "extra" dword for the same tap and
//    group, run as one more MAC of the same inputs: every int16 sum is exact, hence every
//    int32 accumulator equals the reference's.
#pragma once

#include <cstring>

#include "css/nn/format.hpp"
#include "css/nn/kernels.hpp"
#include "kernels/x86/avx2_requant.hpp"
#include "kernels/x86/float_epilogue.hpp"
#include "kernels/x86/planes_pack.hpp"
#include "kernels/x86/planes_x86.hpp"

namespace css::nn::detail::planes256 {
namespace {

using namespace avx2q;
using planes_pack::ChanRec;  // the packed layout: planes_pack.hpp
using planes_pack::Extra;
using planes_pack::groups_of;
constexpr int kLanes = 8;

// requant31 for an RqV whose sign never matters (k_neg == 0), unclamped: floor((acc * m +
// K) / 2^31) from the even and odd lanes' 64-bit sums, then the right shift r.
__attribute__((always_inline)) inline __m256i floor31_nosign(__m256i acc, const RqV& r) {
  const __m256i ve = _mm256_add_epi64(_mm256_mul_epi32(acc, r.mult), r.k_pos);
  const __m256i vo =
      _mm256_add_epi64(_mm256_mul_epi32(_mm256_srli_epi64(acc, 32), r.mult), r.k_pos);
  const __m256i y = _mm256_blend_epi32(_mm256_srli_epi64(ve, 31), _mm256_slli_epi64(vo, 1), 0xAA);
  return _mm256_sra_epi32(y, r.e);
}

// term() for a term whose sign step never fires (TermP::sign == 0).
__attribute__((always_inline)) inline __m256i term_nosign(__m256i u, const Term& t) {
  const __m256i lo = _mm256_srai_epi32(_mm256_add_epi32(_mm256_mullo_epi32(u, t.ml), t.c1), 11);
  const __m256i q = _mm256_add_epi32(_mm256_add_epi32(_mm256_mullo_epi32(u, t.mh), lo), t.c3);
  return _mm256_sra_epi32(q, t.r);
}

// True when vpmaddubsw of any uint8 pair by (w0, w1) stays inside int16.
inline bool pair_safe(int w0, int w1) {
  const int pos = (w0 > 0 ? w0 : 0) + (w1 > 0 ? w1 : 0);
  const int neg = (w0 < 0 ? w0 : 0) + (w1 < 0 ? w1 : 0);
  return 255 * pos <= 32767 && 255 * neg >= -32768;
}

template <bool kVnni>
struct Planes {
  static std::size_t rec_bytes(int in_ch, int kernel) {
    return planes_pack::rec_bytes(in_ch, kernel, !kVnni);
  }
  static std::size_t records_bytes(int in_ch, int out_ch, int kernel) {
    return planes_pack::packed_bytes(in_ch, out_ch, kernel, !kVnni);
  }
  // After the records: the float epilogue's tail (float_epilogue.hpp).
  static std::size_t packed_bytes(int in_ch, int out_ch, int kernel) {
    return records_bytes(in_ch, out_ch, kernel) + fepi::tail_bytes(out_ch);
  }
  static std::uint8_t* tail(const kernels::ConvQ& p, std::uint8_t* packed) {
    return packed + records_bytes(p.in_ch, p.out_ch, p.kernel);
  }
  static const std::uint8_t* tail(const kernels::ConvQ& p, const std::uint8_t* packed) {
    return packed + records_bytes(p.in_ch, p.out_ch, p.kernel);
  }

  static void pack(const kernels::ConvQ& p, std::uint8_t* dst) {
    planes_pack::pack_records(p, dst, rec_bytes(p.in_ch, p.kernel),
                              [](std::int8_t* w, int n, std::uint8_t* out) {
                                return kVnni ? 0 : split_unsafe_pairs(w, n, out);
                              });
    std::memset(tail(p, dst), 0, fepi::tail_bytes(p.out_ch));  // no float epilogue yet
  }

  // Proves the float epilogue of this conv and, when add is given, of the add fused into it
  // (float_epilogue.hpp). The interpreter calls it once after pack (milliseconds for a model;
  // the Streaming runtime, which never runs these kernels, does not); without it, or where no
  // float form is exact, the integer epilogue runs.
  static void prepare(const kernels::ConvQ& p, std::uint8_t* packed, const kernels::AddQ* add,
                      bool conv_is_a) {
    fepi::prepare_tail(
        p, [&](int o) { return planes_pack::acc_bound(p, o); }, add, conv_is_a, tail(p, packed));
  }

  // Moves the second weight of each unsafe pair of the n dwords ([kernel][groups]) at w into an
  // Extra; returns the number of extras written at out.
  static std::int32_t split_unsafe_pairs(std::int8_t* w, int n, std::uint8_t* out) {
    std::int32_t count = 0;
    for (int i = 0; i < n; ++i) {
      std::int8_t moved[4] = {0, 0, 0, 0};
      bool any = false;
      for (int h = 0; h < 4; h += 2) {
        if (pair_safe(w[4 * i + h], w[4 * i + h + 1])) continue;
        moved[h + 1] = w[4 * i + h + 1];
        w[4 * i + h + 1] = 0;
        any = true;
      }
      if (!any) continue;
      Extra e{};
      e.at = static_cast<std::uint32_t>(i);
      std::memcpy(&e.w, moved, 4);
      std::memcpy(out + sizeof(Extra) * std::size_t(count), &e, sizeof e);
      ++count;
    }
    return count;
  }

  struct FuseCtx {
    bool on = false;
    Term conv_term, other_term;
    RqV out;
    const std::uint32_t* other = nullptr;
    // Lean modes: the add term that is a plain shift ((x - zp) << k, its zp folded into out.k_pos)
    // and the other one, evaluated without its sign step.
    Term full;
    __m128i k;
    // The float modes: the add's (alpha, beta, gamma) and the conv's clamp.
    __m256 alpha, beta, gamma, lo, hi;
  };

  // How a conv's epilogue runs, chosen once per conv (conv()):
  //  kGeneral   any requantisation, flags tested per vector;
  //  kFast      every requantisation the floor31 form, signs compared (branch-free);
  //  kPlain     lean, unfused: floor31 without sign steps and the clamp [0, 255], which the
  //             saturating packs into the plane word do;
  //  kConvShift lean, fused: the add's conv term is (u - zp) << k (its multiplier is exactly
  //             1/2, as for the larger-scale input of every TFLite-style add), the other term has
  //             no sign step, the add's output is floor31 without sign and clamped to [0, 255];
  //  kOtherShift the same with the other input's term the shift;
  //  kConvShiftS kConvShift with a sign step in the conv's own requantisation (a projection
  //             conv without relu, the add's larger-scale input), unrolled for kernel 1 only.
  //  kPlainF  float, unfused: trunc(fma(acc, s, b)) per channel, clamped by the packs;
  //  kPlainF2, kFloatA2, kFloatB2: the same with two offsets (b_neg below zero: signed convs),
  //             instantiated for kernel 1 (projections) and the generic loops only;
  //  kFloatA / kFloatB  float, fused, the conv the add's input a / b: u = clamp(floor(fma(acc,
  //             s, b))), then the add as fma(a, alpha, fma(b, beta, gamma)), truncated.
  // The float constants are proven by prepare() (float_epilogue.hpp) on every input.
  enum Mode {
    kGeneral,
    kFast,
    kPlain,
    kConvShift,
    kOtherShift,
    kConvShiftS,
    kPlainF,
    kFloatA,
    kFloatB,
    kPlainF2,
    kFloatA2,
    kFloatB2
  };
  static constexpr bool two_piece(Mode m) {
    return m == kPlainF2 || m == kFloatA2 || m == kFloatB2;
  }
  static constexpr Mode one_piece(Mode m) {
    return m == kPlainF2 ? kPlainF : m == kFloatA2 ? kFloatA : m == kFloatB2 ? kFloatB : m;
  }
  static constexpr bool reads_other(Mode m) {
    return m == kConvShift || m == kOtherShift || m == kConvShiftS || one_piece(m) == kFloatA ||
           one_piece(m) == kFloatB;
  }

  struct ConvCtx : planes_pack::ConvGeom {
    // Word offsets from in + t0: tap j's first input, and tap j of input group g's plane at
    // [j * groups + g] (the extras' addresses with one load, not a multiply per block).
    int tap_off[format::kMaxKernel];
    int at_off[format::kMaxKernel * format::kMaxChannels / 4];
    const std::uint8_t* float_tail;  // the float modes' constants
  };

  // The AVX2 sequence ends in a plain vpaddd, which GCC reassociates across a whole unrolled
  // kernel (all products first, then a tree of adds): dozens of live vectors spilled to the
  // stack. The empty asm pins each accumulator after its add, so the sums stay in registers.
  static __m256i mac(__m256i acc, __m256i x, __m256i w) {
    if constexpr (kVnni) {
      return _mm256_dpbusd_avx_epi32(acc, x, w);
    } else {
      acc = _mm256_add_epi32(acc,
                             _mm256_madd_epi16(_mm256_maddubs_epi16(x, w), _mm256_set1_epi16(1)));
      asm("" : "+x"(acc));
      return acc;
    }
  }

  __attribute__((always_inline)) static __m256i byte_lane(__m256i words, int c) {
    const __m256i ff = _mm256_set1_epi32(0xFF);
    switch (c) {
      case 0:
        return _mm256_and_si256(words, ff);
      case 1:
        return _mm256_and_si256(_mm256_srli_epi32(words, 8), ff);
      case 2:
        return _mm256_and_si256(_mm256_srli_epi32(words, 16), ff);
      default:
        return _mm256_srli_epi32(words, 24);
    }
  }

  static __m256i lane_mask(int n) {
    const __m256i iota = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), iota);
  }

  template <bool kPartial>
  static __m256i load(const std::uint32_t* src, __m256i m) {
    if constexpr (kPartial)
      return _mm256_maskload_epi32(reinterpret_cast<const int*>(src), m);
    else
      return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src));
  }

  // One weight dword (tap j, input group g) of NC channels on NT time blocks.
  template <int NC, int NT, bool kPartial>
  static void tap_group(const ConvCtx& c, const std::uint32_t* const* w, int t0, __m256i m, int j,
                        int g, int groups, __m256i (&acc)[NT][NC]) {
    const std::uint32_t* src = c.in + t0 + c.tap_off[j] + std::ptrdiff_t(g) * c.stride;
    __m256i x[NT];
#pragma GCC unroll 8
    for (int tt = 0; tt < NT; ++tt) x[tt] = load<kPartial>(src + kLanes * tt, m);
    const int wi = j * groups + g;
#pragma GCC unroll 4
    for (int i = 0; i < NC; ++i) {
      const __m256i wv = _mm256_set1_epi32(static_cast<int>(w[i][wi]));
#pragma GCC unroll 8
      for (int tt = 0; tt < NT; ++tt) acc[tt][i] = mac(acc[tt][i], x[tt], wv);
    }
  }

  // acc[tt][i] = channel i's accumulator over the NT time blocks starting at t0. K and G are the
  // kernel and input groups when known at compile time (0: read from c), so the common shapes
  // run fully unrolled with every weight a constant offset.
  template <int NC, int NT, bool kPartial, int K, int G>
  __attribute__((always_inline)) static void dots(const ConvCtx& c, const std::uint8_t* const* rec,
                                                  const __m256i* corr, int t0, __m256i m,
                                                  __m256i (&acc)[NT][NC]) {
    const int kernel = K != 0 ? K : c.kernel;
    const int groups = G != 0 ? G : c.groups;
#pragma GCC unroll 8
    for (int tt = 0; tt < NT; ++tt)
#pragma GCC unroll 4
      for (int i = 0; i < NC; ++i) acc[tt][i] = corr[i];
    const std::uint32_t* w[NC];
#pragma GCC unroll 4
    for (int i = 0; i < NC; ++i)
      w[i] = reinterpret_cast<const std::uint32_t*>(rec[i] + sizeof(ChanRec));
    if constexpr (K != 0 && G != 0) {
#pragma GCC unroll 16
      for (int j = 0; j < K; ++j)
#pragma GCC unroll 16
        for (int g = 0; g < G; ++g) tap_group<NC, NT, kPartial>(c, w, t0, m, j, g, G, acc);
    } else {  // generic shapes: loops, so the code stays small
      for (int j = 0; j < kernel; ++j)
        for (int g = 0; g < groups; ++g)
          tap_group<NC, NT, kPartial>(c, w, t0, m, j, g, groups, acc);
    }
    if constexpr (!kVnni) {
#pragma GCC unroll 4  // constant i: the accumulators stay in registers
      for (int i = 0; i < NC; ++i) {
        std::int32_t n;
        std::memcpy(&n, rec[i] + offsetof(ChanRec, n_extra), 4);
        const std::uint8_t* ex = rec[i] + sizeof(ChanRec) + 4 * std::size_t(kernel) * groups;
        for (std::int32_t k = 0; k < n; ++k) {
          Extra e;
          std::memcpy(&e, ex + sizeof(Extra) * std::size_t(k), sizeof e);
          const std::uint32_t* src = c.in + t0 + c.at_off[e.at];
          const __m256i wv = _mm256_set1_epi32(static_cast<int>(e.w));
#pragma GCC unroll 8
          for (int tt = 0; tt < NT; ++tt)
            acc[tt][i] = mac(acc[tt][i], load<kPartial>(src + kLanes * tt, m), wv);
        }
      }
    }
  }

  // Channel I of a finished block: requantised, fused-added, shifted into its byte. kFast: every
  // requantisation of the conv is the floor31 form (checked once per conv), so no flag is tested
  // per vector.
  template <int I, bool kFast>
  __attribute__((always_inline)) static __m256i finish_one(const RqV& rqv, const FuseCtx& f,
                                                           __m256i acc, __m256i other) {
    __m256i u = kFast ? requant31(acc, rqv) : requant(acc, rqv);
    if (f.on) {
      if constexpr (kFast) {
        const __m256i s =
            _mm256_add_epi32(term_nb(u, f.conv_term), term_nb(byte_lane(other, I), f.other_term));
        u = requant31(s, f.out);
      } else {
        const __m256i s =
            _mm256_add_epi32(term(u, f.conv_term), term(byte_lane(other, I), f.other_term));
        u = requant(s, f.out);
      }
    }
    return I == 0 ? u : _mm256_slli_epi32(u, 8 * I);
  }

  // The lean modes' channel I, unclamped when the result goes straight into the packs.
  template <int I, Mode kMode>
  __attribute__((always_inline)) static __m256i lean_one(const RqV& rqv, const FuseCtx& f,
                                                         __m256i acc, __m256i other) {
    if constexpr (kMode == kPlain) return floor31_nosign(acc, rqv);
    const __m256i u =
        kMode == kConvShiftS
            ? requant31(acc, rqv)
            : _mm256_min_epi32(_mm256_max_epi32(floor31_nosign(acc, rqv), rqv.lo), rqv.hi);
    __m256i s;
    if constexpr (kMode == kConvShift || kMode == kConvShiftS)
      s = _mm256_add_epi32(_mm256_sll_epi32(u, f.k), term_nosign(byte_lane(other, I), f.full));
    else
      s = _mm256_add_epi32(term_nosign(u, f.full), _mm256_sll_epi32(byte_lane(other, I), f.k));
    return floor31_nosign(s, f.out);
  }

  // The float modes' channel I (sb: s then b per channel), unclamped for the packs.
  template <int I, Mode kMode>
  __attribute__((always_inline)) static __m256i float_one(const __m256* sb, const FuseCtx& f,
                                                          __m256i acc, __m256i other) {
    const __m256 x = _mm256_cvtepi32_ps(acc);
    const __m256 off = two_piece(kMode) ? _mm256_blendv_ps(sb[3 * I + 1], sb[3 * I + 2], x)  // sign
                                        : sb[3 * I + 1];
    const __m256 y = _mm256_fmadd_ps(x, sb[3 * I], off);
    if constexpr (one_piece(kMode) == kPlainF) return _mm256_cvttps_epi32(y);
    const __m256 u = _mm256_min_ps(_mm256_max_ps(_mm256_floor_ps(y), f.lo), f.hi);
    const __m256 v = _mm256_cvtepi32_ps(byte_lane(other, I));
    const __m256 a = one_piece(kMode) == kFloatA ? u : v, b = one_piece(kMode) == kFloatA ? v : u;
    return _mm256_cvttps_epi32(_mm256_fmadd_ps(a, f.alpha, _mm256_fmadd_ps(b, f.beta, f.gamma)));
  }

  // Four channels' int32 results (saturated to [0, 255] by the packs) -> plane words: byte c of
  // word t is channel c at step t. packs/packus leave each 128-bit lane as [c0 t0..3, c1 t0..3,
  // c2 t0..3, c3 t0..3]; one byte shuffle transposes it.
  __attribute__((always_inline)) static __m256i pack_words(__m256i r0, __m256i r1, __m256i r2,
                                                           __m256i r3) {
    const __m256i b = _mm256_packus_epi16(_mm256_packs_epi32(r0, r1), _mm256_packs_epi32(r2, r3));
    const __m256i t = _mm256_setr_epi8(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15, 0, 4,
                                       8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
    return _mm256_shuffle_epi8(b, t);
  }

  template <int NC, bool kPartial, Mode kMode>
  __attribute__((always_inline)) static __m256i block_word(const ConvCtx& c, const RqV* rqv,
                                                           const __m256* sb, const FuseCtx& f,
                                                           const __m256i* acc, int t0, __m256i m) {
    __m256i other = _mm256_setzero_si256();
    if (reads_other(kMode) || ((kMode == kGeneral || kMode == kFast) && f.on))
      other = load<kPartial>(f.other + std::ptrdiff_t(c.og) * c.stride + c.pad + t0, m);
    if constexpr (kMode == kGeneral || kMode == kFast) {
      constexpr bool kF = kMode == kFast;
      __m256i word = finish_one<0, kF>(rqv[0], f, acc[0], other);
      if constexpr (NC > 1)
        word = _mm256_or_si256(word, finish_one<1, kF>(rqv[1], f, acc[1], other));
      if constexpr (NC > 2)
        word = _mm256_or_si256(word, finish_one<2, kF>(rqv[2], f, acc[2], other));
      if constexpr (NC > 3)
        word = _mm256_or_si256(word, finish_one<3, kF>(rqv[3], f, acc[3], other));
      return word;
    } else if constexpr (kMode >= kPlainF) {
      const __m256i z = _mm256_setzero_si256();
      const __m256i r0 = float_one<0, kMode>(sb, f, acc[0], other);
      const __m256i r1 =
          NC > 1 ? float_one<(NC > 1 ? 1 : 0), kMode>(sb, f, acc[NC > 1 ? 1 : 0], other) : z;
      const __m256i r2 =
          NC > 2 ? float_one<(NC > 2 ? 2 : 0), kMode>(sb, f, acc[NC > 2 ? 2 : 0], other) : z;
      const __m256i r3 =
          NC > 3 ? float_one<(NC > 3 ? 3 : 0), kMode>(sb, f, acc[NC > 3 ? 3 : 0], other) : z;
      return pack_words(r0, r1, r2, r3);
    } else {
      const __m256i z = _mm256_setzero_si256();
      const __m256i r0 = lean_one<0, kMode>(rqv[0], f, acc[0], other);
      const __m256i r1 =
          NC > 1 ? lean_one<1, kMode>(rqv[NC > 1 ? 1 : 0], f, acc[NC > 1 ? 1 : 0], other) : z;
      const __m256i r2 =
          NC > 2 ? lean_one<2, kMode>(rqv[NC > 2 ? 2 : 0], f, acc[NC > 2 ? 2 : 0], other) : z;
      const __m256i r3 =
          NC > 3 ? lean_one<3, kMode>(rqv[NC > 3 ? 3 : 0], f, acc[NC > 3 ? 3 : 0], other) : z;
      return pack_words(r0, r1, r2, r3);
    }
  }

  // Requantises (and, fused, adds) one time block of NC channels and stores its plane words.
  template <int NC, bool kPartial, Mode kMode>
  static void finish(const ConvCtx& c, const RqV* rqv, const __m256* sb, const FuseCtx& f,
                     const __m256i* acc, int t0, __m256i m) {
    const __m256i word = block_word<NC, kPartial, kMode>(c, rqv, sb, f, acc, t0, m);
    std::uint32_t* dst = c.out + std::ptrdiff_t(c.og) * c.stride + c.pad + t0;
    if constexpr (kPartial)
      _mm256_maskstore_epi32(reinterpret_cast<int*>(dst), m, word);
    else
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst), word);
  }

  template <int NC, int NT, bool kPartial, int K, int G, Mode kMode>
  static void conv_block(const ConvCtx& c, const std::uint8_t* const* rec, const RqV* rqv,
                         const __m256* sb, const __m256i* corr, const FuseCtx& f, int t0,
                         __m256i m) {
    __m256i acc[NT][NC];
    dots<NC, NT, kPartial, K, G>(c, rec, corr, t0, m, acc);
    for (int tt = 0; tt < NT; ++tt)
      finish<NC, kPartial, kMode>(c, rqv, sb, f, acc[tt], t0 + kLanes * tt, m);
  }

  template <int NC, int K, int G, Mode kMode>
  static void conv_group(const ConvCtx& c, const std::uint8_t* packed, std::size_t rb,
                         const FuseCtx& f) {
    const std::uint8_t* rec[NC];
    RqV rqv[NC];
    __m256i corr[NC];
    __m256 sb[3 * NC];
    for (int i = 0; i < NC; ++i) {
      rec[i] = packed + std::size_t(4 * c.og + i) * rb;
      const ChanRec r = planes_pack::read_rec(packed, rb, 4 * c.og + i);
      rqv[i] = broadcast(r.rq);
      corr[i] = _mm256_set1_epi32(r.corr);
      if constexpr (kMode >= kPlainF) {
        const fepi::Affine a = fepi::read_affine(c.float_tail, 4 * c.og + i);
        sb[3 * i] = _mm256_set1_ps(a.s);
        sb[3 * i + 1] = _mm256_set1_ps(a.b);
        sb[3 * i + 2] = _mm256_set1_ps(a.b_neg);
      }
    }
    const __m256i all = _mm256_set1_epi32(-1);
    int t = 0;
    for (; t + 2 * kLanes <= c.steps; t += 2 * kLanes)
      conv_block<NC, 2, false, K, G, kMode>(c, rec, rqv, sb, corr, f, t, all);
    // The last 1..15 steps: masked blocks (one code copy for every tail, not two).
    for (; t < c.steps; t += kLanes)
      conv_block<NC, 1, true, K, G, kMode>(c, rec, rqv, sb, corr, f, t, lane_mask(c.steps - t));
  }

  static void conv(const kernels::ConvQ& p, const std::uint8_t* packed, int dilation,
                   const std::uint32_t* in, int steps, int pad, std::uint32_t* out,
                   const planes::FusedAdd* fuse) {
    ConvCtx c;  // its offset tables are filled up to the conv's kernel and groups below
    planes_pack::set_geom(c, p, dilation, in, steps, pad, out);
    c.float_tail = tail(p, packed);
    FuseCtx f;
    const std::int32_t out_zp = planes_pack::set_fuse(
        f, fuse, p.out_zp,
        [](std::int32_t m, std::int32_t sh, std::int32_t zp) { return make_term(m, sh, zp); },
        [](const Rq& r) { return broadcast(r); });
    const int out_groups = groups_of(p.out_ch);
    planes::fill_pad(out, out_groups, c.stride, pad, out_zp);
    for (int j = 0; j < c.kernel; ++j) c.tap_off[j] = pad - (c.kernel - 1 - j) * dilation;
    if (!kVnni)
      for (int j = 0; j < c.kernel; ++j)
        for (int g = 0; g < c.groups; ++g) c.at_off[j * c.groups + g] = c.tap_off[j] + g * c.stride;
    const Mode mode = choose_mode(p, packed, fuse, f);
    // Unrolled: kernel 3 over 3 or 4 input groups (the shipped model's 11 and 14 channels) and
    // kernel 1 over 3 or 4 (projections); anything else runs the generic loops.
    if (c.kernel == 3 && c.groups == 4)
      shaped<3, 4>(mode, c, p, packed, f);
    else if (c.kernel == 3 && c.groups == 3)
      shaped<3, 3>(mode, c, p, packed, f);
    else if (c.kernel == 1 && c.groups == 4)
      shaped<1, 4>(mode, c, p, packed, f);
    else if (c.kernel == 1 && c.groups == 3)
      shaped<1, 3>(mode, c, p, packed, f);
    else
      shaped<0, 0>(mode, c, p, packed, f);
  }

  // The float modes (every layer of a TFLite-style model) run the unrolled shapes; the integer
  // ones, left for layers whose float form could not be proven, the generic loops (smaller code,
  // shorter builds), except the signed projection's kConvShiftS (kernel 1 only).
  template <int K, int G>
  static void shaped(Mode mode, ConvCtx& c, const kernels::ConvQ& p, const std::uint8_t* packed,
                     const FuseCtx& f) {
    constexpr int K1 = K == 1 ? K : 0, G1 = K == 1 ? G : 0;  // two offsets: projections only
    switch (mode) {
      case kPlainF:
        return conv_groups<K, G, kPlainF>(c, p, packed, f);
      case kFloatA:
        return conv_groups<K, G, kFloatA>(c, p, packed, f);
      case kFloatB:
        return conv_groups<K, G, kFloatB>(c, p, packed, f);
      case kPlainF2:
        return conv_groups<K1, G1, kPlainF2>(c, p, packed, f);
      case kFloatA2:
        return conv_groups<K1, G1, kFloatA2>(c, p, packed, f);
      case kFloatB2:
        return conv_groups<K1, G1, kFloatB2>(c, p, packed, f);
      case kConvShiftS:  // chosen for kernel 1 only
        if constexpr (K == 1) return conv_groups<K, G, kConvShiftS>(c, p, packed, f);
        break;
      case kPlain:
        return conv_groups<0, 0, kPlain>(c, p, packed, f);
      case kConvShift:
        return conv_groups<0, 0, kConvShift>(c, p, packed, f);
      case kOtherShift:
        return conv_groups<0, 0, kOtherShift>(c, p, packed, f);
      case kFast:
        return conv_groups<0, 0, kFast>(c, p, packed, f);
      default:
        break;
    }
    return conv_groups<0, 0, kGeneral>(c, p, packed, f);
  }

  // A term (q - zp) << k: multiplier exactly 2^30 (srdhm(d << 20, 2^30) = d << 19, exact) and a
  // right shift r <= 19 (d << 19 is a multiple of 2^r: the rounding divide is exact).
  static bool shift_term(std::int32_t mult, std::int32_t shift) {
    return mult == (1 << 30) && shift <= 0 && shift >= -19;
  }

  // True when conv() runs a float mode with these records and this add (or none).
  static bool float_epilogue(const kernels::ConvQ& p, const std::uint8_t* packed,
                             const planes::FusedAdd* fuse) {
    return fepi::float_ok(tail(p, packed), fuse ? &fuse->q : nullptr, fuse && fuse->conv_is_a);
  }

  static Mode choose_mode(const kernels::ConvQ& p, const std::uint8_t* packed,
                          const planes::FusedAdd* fuse, FuseCtx& f) {
    if (float_epilogue(p, packed, fuse)) {
      const fepi::Head h = fepi::read_head(tail(p, packed));
      const bool two = h.two_piece == 1;
      if (fuse == nullptr) return two ? kPlainF2 : kPlainF;
      f.alpha = _mm256_set1_ps(h.add.alpha);
      f.beta = _mm256_set1_ps(h.add.beta);
      f.gamma = _mm256_set1_ps(h.add.gamma);
      f.lo = _mm256_set1_ps(h.lo);
      f.hi = _mm256_set1_ps(h.hi);
      if (fuse->conv_is_a) return two ? kFloatA2 : kFloatA;
      return two ? kFloatB2 : kFloatB;
    }
    const std::size_t rb = rec_bytes(p.in_ch, p.kernel);
    bool fast = true, lean = true, clamp_free = true;
    for (int o = 0; o < p.out_ch; ++o) {
      const ChanRec r = planes_pack::read_rec(packed, rb, o);
      fast = fast && floor31(r.rq);
      lean = lean && floor31(r.rq) && r.rq.k_neg == 0;
      clamp_free = clamp_free && r.rq.lo == 0 && r.rq.hi == 255;
    }
    if (fuse == nullptr) return lean && clamp_free ? kPlain : fast ? kFast : kGeneral;
    if (!fast || !f.out.floor31) return kGeneral;
    const kernels::AddQ& q = fuse->q;
    const Rq out = add_out_rq(q);
    const bool conv_shift =
        shift_term(fuse->conv_is_a ? q.a_mult : q.b_mult, fuse->conv_is_a ? q.a_shift : q.b_shift);
    const bool other_shift =
        shift_term(fuse->conv_is_a ? q.b_mult : q.a_mult, fuse->conv_is_a ? q.b_shift : q.a_shift);
    if (out.k_neg != 0 || out.lo != 0 || out.hi != 255 || !(conv_shift || other_shift))
      return kFast;
    // The shift side's input, its zero point and shift; the full side's term.
    const bool a_shift_side = fuse->conv_is_a == conv_shift;
    const std::int32_t zp_u = (a_shift_side ? q.a_zp : q.b_zp) + 128;
    const int k = 19 + (a_shift_side ? q.a_shift : q.b_shift);
    const std::int32_t fm = a_shift_side ? q.b_mult : q.a_mult;
    const std::int32_t fs = a_shift_side ? q.b_shift : q.a_shift;
    const std::int32_t fz = a_shift_side ? q.b_zp : q.a_zp;
    if (make_term_p(fm, fs, fz).sign != 0) return kFast;
    // The signed variant: conv as the shift side, kernel 1 over 3 or 4 groups (projections).
    if (!lean && (!conv_shift || p.kernel != 1 || groups_of(p.in_ch) < 3 || groups_of(p.in_ch) > 4))
      return kFast;
    Rq adj = out;  // s = s' - zp_u * 2^k: fold the constant into K (exact, 64-bit)
    adj.k_pos -= (std::int64_t{zp_u} << k) * out.mult;
    f.out = broadcast(adj);
    f.full = make_term(fm, fs, fz);
    f.k = _mm_cvtsi32_si128(k);
    if (!lean) return kConvShiftS;
    return conv_shift ? kConvShift : kOtherShift;
  }

  template <int K, int G, Mode kMode>
  static void conv_groups(ConvCtx& c, const kernels::ConvQ& p, const std::uint8_t* packed,
                          const FuseCtx& f) {
    const std::size_t rb = rec_bytes(p.in_ch, p.kernel);
    planes_pack::for_each_out_group(c, p.out_ch, [&]<int NC>() {
      // Odd widths run the loops: smaller code, and rare (only a layer's last group).
      constexpr bool kUnroll = NC % 2 == 0;
      conv_group<NC, kUnroll ? K : 0, kUnroll ? G : 0, kMode>(c, packed, rb, f);
    });
  }

  static void to_planes(const std::int8_t* in, int steps, int ch, int pad, std::int32_t zp,
                        std::uint32_t* out) {
    const int groups = groups_of(ch);
    const int stride = pad + steps;
    planes::fill_pad(out, groups, stride, pad, zp);
    const __m256i row =
        _mm256_mullo_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), _mm256_set1_epi32(ch));
    const __m256i flip = _mm256_set1_epi32(static_cast<int>(0x80808080u));
    for (int g = 0; g < groups; ++g) {
      for (int t = 0; t < steps; t += kLanes) {
        const __m256i m = lane_mask(steps - t);
        const std::int8_t* base = in + std::ptrdiff_t(t) * ch + 4 * g;
        const __m256i v = _mm256_mask_i32gather_epi32(
            _mm256_setzero_si256(), reinterpret_cast<const int*>(base), row, m, 1);
        _mm256_maskstore_epi32(reinterpret_cast<int*>(out + std::ptrdiff_t(g) * stride + pad + t),
                               m, _mm256_xor_si256(v, flip));
      }
    }
  }

  static void pool_sums(const std::uint32_t* in, int steps, int pad, int ch, int window,
                        std::int32_t zp, std::int32_t* sums) {
    const int groups = groups_of(ch);
    const int stride = pad + steps;
    for (int g = 0; g < groups; ++g) {
      __m256i acc[4] = {_mm256_setzero_si256(), _mm256_setzero_si256(), _mm256_setzero_si256(),
                        _mm256_setzero_si256()};
      const std::uint32_t* src = in + std::ptrdiff_t(g) * stride + pad;
      for (int t = steps - window; t < steps; t += kLanes) {
        const __m256i v = load<true>(src + t, lane_mask(steps - t));
        for (int i = 0; i < 4; ++i) acc[i] = _mm256_add_epi32(acc[i], byte_lane(v, i));
      }
      for (int i = 0; i < 4 && 4 * g + i < ch; ++i) {
        alignas(32) std::int32_t lanes[kLanes];
        _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), acc[i]);
        std::int32_t s = 0;
        for (const std::int32_t v : lanes) s += v;
        sums[4 * g + i] = s - window * (zp + 128);
      }
    }
  }

  static bool add_fusable(const kernels::AddQ& q) {
    return planes_pack::add_fusable(q);
  }
};

}  // namespace
}  // namespace css::nn::detail::planes256

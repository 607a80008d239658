// AVX-512 VNNI plane kernels for window mode (layout and requantisation: planes_x86.hpp).
// Vector lanes are 16 consecutive time steps of one output channel; an output group of four
// channels is computed together so its four results pack into one plane word vector. The
// residual add can run in the conv's epilogue (FusedAdd), bit-exact with add_ref applied to the
// conv's int8 output.
#include <climits>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <limits>

#include "css/nn/fixed_point.hpp"
#include "css/nn/kernels.hpp"
#include "kernels/x86/planes_pack.hpp"
#include "kernels/x86/planes_x86.hpp"

#include "avx512_target_begin.hpp"  // last include: AVX-512 code from here on

#include "kernels/x86/float_epilogue.hpp"  // inside the region: its proofs use vfmadd, vectorised

namespace css::nn::detail::planes {
namespace {

using namespace avx512q;
using planes_pack::ChanRec;
using planes_pack::groups_of;
constexpr int kLanes = 16;

// The packed layout (planes_pack.hpp), without AVX2's extra MACs.
std::size_t rec_bytes(int in_ch, int kernel) {
  return planes_pack::rec_bytes(in_ch, kernel, false);
}

struct FuseCtx {
  bool on = false;
  Term conv_term, other_term;
  RqV out;
  const std::uint32_t* other = nullptr;
  // The float epilogue (float_epilogue.hpp): the add's constants and the conv's clamp.
  __m512 alpha, beta, gamma, lo, hi;
};

// Which epilogue a conv runs: the exact integer requantisation, or the float one proven at
// prepare() time, unfused or fused with the conv as the add's input a or b.
// The *2 forms take two offsets (b_neg below zero: signed convs, float_epilogue.hpp).
enum Epi { kInt, kFloat, kFloatA, kFloatB, kFloat2, kFloatA2, kFloatB2 };
constexpr Epi one_piece(Epi e) {
  return e == kFloat2 ? kFloat : e == kFloatA2 ? kFloatA : e == kFloatB2 ? kFloatB : e;
}

std::size_t records_bytes(int in_ch, int out_ch, int kernel) {
  return planes_pack::packed_bytes(in_ch, out_ch, kernel, false);
}
const std::uint8_t* tail_of(const kernels::ConvQ& p, const std::uint8_t* packed) {
  return packed + records_bytes(p.in_ch, p.out_ch, p.kernel);
}

using ConvCtx = planes_pack::ConvGeom;

inline __m512i byte_lane(__m512i words, int c) {
  const __m512i ff = _mm512_set1_epi32(0xFF);
  switch (c) {
    case 0:
      return _mm512_and_si512(words, ff);
    case 1:
      return _mm512_and_si512(_mm512_srli_epi32(words, 8), ff);
    case 2:
      return _mm512_and_si512(_mm512_srli_epi32(words, 16), ff);
    default:
      return _mm512_srli_epi32(words, 24);
  }
}

// acc[tt][i] = channel i's accumulator over the NT time blocks starting at t0 (each weight
// broadcast feeds NT products).
template <int NC, int NT, bool kPartial>
inline void dots(const ConvCtx& c, const std::uint32_t* const* w, const __m512i* corr, int t0,
                 __mmask16 m, __m512i (&acc)[NT][NC]) {
  for (int tt = 0; tt < NT; ++tt)
    for (int i = 0; i < NC; ++i) acc[tt][i] = corr[i];
  for (int j = 0; j < c.kernel; ++j) {
    const std::uint32_t* base = c.in + c.pad + t0 - (c.kernel - 1 - j) * c.dilation;
    for (int g = 0; g < c.groups; ++g) {
      const std::uint32_t* src = base + std::ptrdiff_t(g) * c.stride;
      __m512i x[NT];
      for (int tt = 0; tt < NT; ++tt)
        x[tt] = kPartial ? _mm512_maskz_loadu_epi32(m, src + kLanes * tt)
                         : _mm512_loadu_si512(src + kLanes * tt);
      const int wi = j * c.groups + g;
      for (int i = 0; i < NC; ++i) {
        const __m512i wv = _mm512_set1_epi32(static_cast<int>(w[i][wi]));
        for (int tt = 0; tt < NT; ++tt) acc[tt][i] = _mm512_dpbusd_epi32(acc[tt][i], x[tt], wv);
      }
    }
  }
}

// Channel i's float epilogue (sb: s, b, b_neg per channel), an int32 in [0, 255].
template <Epi kE>
inline __m512i float_one(const __m512* sb, const FuseCtx& f, __m512i acc, __m512i other, int i) {
  __m512 off = sb[3 * i + 1];
  if constexpr (kE != one_piece(kE))
    off = _mm512_mask_blend_ps(_mm512_cmplt_epi32_mask(acc, _mm512_setzero_si512()), off,
                               sb[3 * i + 2]);
  const __m512 y = _mm512_fmadd_ps(_mm512_cvtepi32_ps(acc), sb[3 * i], off);
  const __m512 ff = _mm512_set1_ps(255.0f), zero = _mm512_setzero_ps();
  if constexpr (one_piece(kE) == kFloat)  // lo = 0, hi = 255: trunc == floor after the clamp
    return _mm512_cvttps_epi32(_mm512_min_ps(_mm512_max_ps(y, zero), ff));
  const __m512 u = _mm512_min_ps(_mm512_max_ps(_mm512_floor_ps(y), f.lo), f.hi);
  const __m512 v = _mm512_cvtepi32_ps(byte_lane(other, i));
  const __m512 a = one_piece(kE) == kFloatA ? u : v, b = one_piece(kE) == kFloatA ? v : u;
  const __m512 s = _mm512_fmadd_ps(a, f.alpha, _mm512_fmadd_ps(b, f.beta, f.gamma));
  return _mm512_cvttps_epi32(_mm512_min_ps(_mm512_max_ps(s, zero), ff));
}

// Requantises (and, fused, adds) one time block of NC channels and stores its plane words.
template <int NC, bool kPartial, Epi kE>
inline void finish(const ConvCtx& c, const RqV* rqv, const __m512* sb, const FuseCtx& f,
                   const __m512i* acc, int t0, __mmask16 m) {
  __m512i other = _mm512_setzero_si512();
  if (f.on) {
    const std::uint32_t* src = f.other + std::ptrdiff_t(c.og) * c.stride + c.pad + t0;
    other = kPartial ? _mm512_maskz_loadu_epi32(m, src) : _mm512_loadu_si512(src);
  }
  __m512i word = _mm512_setzero_si512();
  for (int i = 0; i < NC; ++i) {
    if constexpr (kE != kInt) {
      const __m512i u = float_one<kE>(sb, f, acc[i], other, i);
      word = i == 0 ? u : _mm512_or_si512(word, _mm512_slli_epi32(u, 8 * i));
      continue;
    }
    __m512i u = requant(acc[i], rqv[i]);
    if (f.on) {
      const __m512i s =
          _mm512_add_epi32(term(u, f.conv_term), term(byte_lane(other, i), f.other_term));
      u = requant(s, f.out);
    }
    word = i == 0 ? u : _mm512_or_si512(word, _mm512_slli_epi32(u, 8 * i));
  }
  std::uint32_t* dst = c.out + std::ptrdiff_t(c.og) * c.stride + c.pad + t0;
  if (kPartial)
    _mm512_mask_storeu_epi32(dst, m, word);
  else
    _mm512_storeu_si512(dst, word);
}

template <int NC, int NT, bool kPartial, Epi kE>
inline void conv_block(const ConvCtx& c, const std::uint32_t* const* w, const RqV* rqv,
                       const __m512* sb, const __m512i* corr, const FuseCtx& f, int t0,
                       __mmask16 m) {
  __m512i acc[NT][NC];
  dots<NC, NT, kPartial>(c, w, corr, t0, m, acc);
  for (int tt = 0; tt < NT; ++tt)
    finish<NC, kPartial, kE>(c, rqv, sb, f, acc[tt], t0 + kLanes * tt, m);
}

template <int NC, Epi kE>
void conv_group(const ConvCtx& geom, const std::uint8_t* packed, std::size_t rb,
                const std::uint8_t* tail, const FuseCtx& f) {
  const ConvCtx c = geom;  // a local copy: the uint32 output stores may alias its int fields
  const std::uint32_t* w[NC];
  RqV rqv[NC];
  __m512i corr[NC];
  __m512 sb[3 * NC];
  for (int i = 0; i < NC; ++i) {
    const ChanRec rec = planes_pack::read_rec(packed, rb, 4 * c.og + i);
    rqv[i] = broadcast(rec.rq);
    corr[i] = _mm512_set1_epi32(rec.corr);
    w[i] = reinterpret_cast<const std::uint32_t*>(packed + std::size_t(4 * c.og + i) * rb +
                                                  sizeof(ChanRec));
    const fepi::Affine a = kE == kInt ? fepi::Affine{} : fepi::read_affine(tail, 4 * c.og + i);
    sb[3 * i] = _mm512_set1_ps(a.s);
    sb[3 * i + 1] = _mm512_set1_ps(a.b);
    sb[3 * i + 2] = _mm512_set1_ps(a.b_neg);
  }
  int t = 0;
  for (; t + 2 * kLanes <= c.steps; t += 2 * kLanes)
    conv_block<NC, 2, false, kE>(c, w, rqv, sb, corr, f, t, 0xFFFF);
  for (; t + kLanes <= c.steps; t += kLanes)
    conv_block<NC, 1, false, kE>(c, w, rqv, sb, corr, f, t, 0xFFFF);
  if (t < c.steps)
    conv_block<NC, 1, true, kE>(c, w, rqv, sb, corr, f, t,
                                static_cast<__mmask16>((1u << (c.steps - t)) - 1));
}

template <Epi kE>
void conv_groups(ConvCtx& c, const kernels::ConvQ& p, const std::uint8_t* packed,
                 const FuseCtx& f) {
  const std::size_t rb = rec_bytes(p.in_ch, p.kernel);
  const std::uint8_t* tail = tail_of(p, packed);
  for (int og = 0; og < groups_of(p.out_ch); ++og) {
    c.og = og;
    switch (p.out_ch - 4 * og < 4 ? p.out_ch - 4 * og : 4) {
      case 1:
        conv_group<1, kE>(c, packed, rb, tail, f);
        break;
      case 2:
        conv_group<2, kE>(c, packed, rb, tail, f);
        break;
      case 3:
        conv_group<3, kE>(c, packed, rb, tail, f);
        break;
      default:
        conv_group<4, kE>(c, packed, rb, tail, f);
        break;
    }
  }
}

}  // namespace

// The records, then the float epilogue's tail (float_epilogue.hpp).
std::size_t packed_bytes(int in_ch, int out_ch, int kernel) {
  return records_bytes(in_ch, out_ch, kernel) + fepi::tail_bytes(out_ch);
}

void pack(const kernels::ConvQ& p, std::uint8_t* dst) {
  planes_pack::pack_records(p, dst, rec_bytes(p.in_ch, p.kernel),
                            [](std::int8_t*, int, std::uint8_t*) { return 0; });
  std::memset(dst + records_bytes(p.in_ch, p.out_ch, p.kernel), 0, fepi::tail_bytes(p.out_ch));
}

void prepare(const kernels::ConvQ& p, std::uint8_t* packed, const kernels::AddQ* add,
             bool conv_is_a) {
  fepi::prepare_tail(
      p, [&](int o) { return planes_pack::acc_bound(p, o); }, add, conv_is_a,
      packed + records_bytes(p.in_ch, p.out_ch, p.kernel));
}

bool float_epilogue(const kernels::ConvQ& p, const std::uint8_t* packed, const FusedAdd* fuse) {
  return fepi::float_ok(tail_of(p, packed), fuse ? &fuse->q : nullptr, fuse && fuse->conv_is_a);
}

bool add_fusable(const kernels::AddQ& q) {
  return planes_pack::add_fusable(q);
}

void conv(const kernels::ConvQ& p, const std::uint8_t* packed, int dilation,
          const std::uint32_t* in, int steps, int pad, std::uint32_t* out, const FusedAdd* fuse) {
  ConvCtx c{};
  planes_pack::set_geom(c, p, dilation, in, steps, pad, out);
  FuseCtx f;
  const std::int32_t out_zp = planes_pack::set_fuse(
      f, fuse, p.out_zp,
      [](std::int32_t m, std::int32_t s, std::int32_t zp) { return make_term(m, s, zp); },
      [](const Rq& r) { return broadcast(r); });
  fill_pad(out, groups_of(p.out_ch), c.stride, pad, out_zp);
  if (!float_epilogue(p, packed, fuse)) return conv_groups<kInt>(c, p, packed, f);
  const fepi::Head h = fepi::read_head(tail_of(p, packed));
  const bool two = h.two_piece == 1;
  if (fuse == nullptr)
    return two ? conv_groups<kFloat2>(c, p, packed, f) : conv_groups<kFloat>(c, p, packed, f);
  f.alpha = _mm512_set1_ps(h.add.alpha);
  f.beta = _mm512_set1_ps(h.add.beta);
  f.gamma = _mm512_set1_ps(h.add.gamma);
  f.lo = _mm512_set1_ps(h.lo);
  f.hi = _mm512_set1_ps(h.hi);
  if (fuse->conv_is_a)
    two ? conv_groups<kFloatA2>(c, p, packed, f) : conv_groups<kFloatA>(c, p, packed, f);
  else
    two ? conv_groups<kFloatB2>(c, p, packed, f) : conv_groups<kFloatB>(c, p, packed, f);
}

void to_planes(const std::int8_t* in, int steps, int ch, int pad, std::int32_t zp,
               std::uint32_t* out) {
  const int groups = groups_of(ch);
  const int stride = pad + steps;
  fill_pad(out, groups, stride, pad, zp);
  const __m512i iota = _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
  const __m512i row = _mm512_mullo_epi32(iota, _mm512_set1_epi32(ch));
  const __m512i flip = _mm512_set1_epi32(static_cast<int>(0x80808080u));
  for (int g = 0; g < groups; ++g) {
    for (int t = 0; t < steps; t += kLanes) {
      const __mmask16 m =
          steps - t >= kLanes ? __mmask16(0xFFFF) : __mmask16((1u << (steps - t)) - 1);
      const std::int8_t* base = in + std::ptrdiff_t(t) * ch + 4 * g;
      const __m512i v = _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), m, row, base, 1);
      _mm512_mask_storeu_epi32(out + std::ptrdiff_t(g) * stride + pad + t, m,
                               _mm512_xor_si512(v, flip));
    }
  }
}

void pool_sums(const std::uint32_t* in, int steps, int pad, int ch, int window, std::int32_t zp,
               std::int32_t* sums) {
  const int groups = groups_of(ch);
  const int stride = pad + steps;
  for (int g = 0; g < groups; ++g) {
    __m512i acc[4] = {_mm512_setzero_si512(), _mm512_setzero_si512(), _mm512_setzero_si512(),
                      _mm512_setzero_si512()};
    const std::uint32_t* src = in + std::ptrdiff_t(g) * stride + pad;
    for (int t = steps - window; t < steps; t += kLanes) {
      const __mmask16 m =
          steps - t >= kLanes ? __mmask16(0xFFFF) : __mmask16((1u << (steps - t)) - 1);
      const __m512i v = _mm512_maskz_loadu_epi32(m, src + t);
      for (int i = 0; i < 4; ++i) acc[i] = _mm512_add_epi32(acc[i], byte_lane(v, i));
    }
    for (int i = 0; i < 4 && 4 * g + i < ch; ++i)
      sums[4 * g + i] = _mm512_reduce_add_epi32(acc[i]) - window * (zp + 128);
  }
}

}  // namespace css::nn::detail::planes

#include "avx512_target_end.hpp"

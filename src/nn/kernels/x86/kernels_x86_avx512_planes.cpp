// AVX-512 VNNI plane kernels for window mode (layout and requantisation: planes_x86.hpp).
// Vector lanes are 16 consecutive time steps of one output channel; an output group of four
// channels is computed together so its four results pack into one plane word vector. The
// residual add can run in the conv's epilogue (FusedAdd), bit-exact with add_ref applied to the
// conv's int8 output.
#include <cstring>
#include <limits>

#include "css/nn/fixed_point.hpp"
#include "kernels/x86/planes_x86.hpp"

#include "avx512_target_begin.hpp"  // last include: AVX-512 code from here on

namespace css::nn::detail::planes {
namespace {

using namespace avx512q;
constexpr int kLanes = 16;

// Per-channel record of a packed conv: the requantisation, then [kernel][groups] weight dwords.
struct ChanRec {
  Rq rq;
  std::int32_t corr;
  std::int32_t pad_;
};

int groups_of(int ch) {
  return (ch + 3) / 4;
}
std::size_t rec_bytes(int in_ch, int kernel) {
  return sizeof(ChanRec) + 4 * std::size_t(kernel) * std::size_t(groups_of(in_ch));
}

struct FuseCtx {
  bool on = false;
  Term conv_term, other_term;
  RqV out;
  const std::uint32_t* other = nullptr;
};

struct ConvCtx {
  const std::uint32_t* in;
  std::uint32_t* out;
  int steps, pad, stride, kernel, dilation, groups, og;
};

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

// Requantises (and, fused, adds) one time block of NC channels and stores its plane words.
template <int NC, bool kPartial>
inline void finish(const ConvCtx& c, const RqV* rqv, const FuseCtx& f, const __m512i* acc, int t0,
                   __mmask16 m) {
  __m512i other = _mm512_setzero_si512();
  if (f.on) {
    const std::uint32_t* src = f.other + std::ptrdiff_t(c.og) * c.stride + c.pad + t0;
    other = kPartial ? _mm512_maskz_loadu_epi32(m, src) : _mm512_loadu_si512(src);
  }
  __m512i word = _mm512_setzero_si512();
  for (int i = 0; i < NC; ++i) {
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

template <int NC, int NT, bool kPartial>
inline void conv_block(const ConvCtx& c, const std::uint32_t* const* w, const RqV* rqv,
                       const __m512i* corr, const FuseCtx& f, int t0, __mmask16 m) {
  __m512i acc[NT][NC];
  dots<NC, NT, kPartial>(c, w, corr, t0, m, acc);
  for (int tt = 0; tt < NT; ++tt) finish<NC, kPartial>(c, rqv, f, acc[tt], t0 + kLanes * tt, m);
}

template <int NC>
void conv_group(const ConvCtx& c, const std::uint8_t* packed, std::size_t rb, const FuseCtx& f) {
  const std::uint32_t* w[NC];
  RqV rqv[NC];
  __m512i corr[NC];
  for (int i = 0; i < NC; ++i) {
    const std::uint8_t* at = packed + std::size_t(4 * c.og + i) * rb;
    ChanRec rec;  // the arena is only 4-byte aligned: copy, don't cast
    std::memcpy(&rec, at, sizeof rec);
    rqv[i] = broadcast(rec.rq);
    corr[i] = _mm512_set1_epi32(rec.corr);
    w[i] = reinterpret_cast<const std::uint32_t*>(at + sizeof(ChanRec));
  }
  int t = 0;
  for (; t + 2 * kLanes <= c.steps; t += 2 * kLanes)
    conv_block<NC, 2, false>(c, w, rqv, corr, f, t, 0xFFFF);
  for (; t + kLanes <= c.steps; t += kLanes)
    conv_block<NC, 1, false>(c, w, rqv, corr, f, t, 0xFFFF);
  if (t < c.steps)
    conv_block<NC, 1, true>(c, w, rqv, corr, f, t,
                            static_cast<__mmask16>((1u << (c.steps - t)) - 1));
}

}  // namespace

std::size_t packed_bytes(int in_ch, int out_ch, int kernel) {
  return std::size_t(out_ch) * rec_bytes(in_ch, kernel);
}

void pack(const kernels::ConvQ& p, std::uint8_t* dst) {
  const int groups = groups_of(p.in_ch);
  const std::size_t rb = rec_bytes(p.in_ch, p.kernel);
  for (int o = 0; o < p.out_ch; ++o) {
    std::uint8_t* at = dst + std::size_t(o) * rb;
    std::memset(at, 0, rb);
    const std::int8_t* src = p.weights + std::ptrdiff_t(o) * p.kernel * p.in_ch;
    std::int64_t sum_w = 0, sum_abs = 0;
    auto* w = reinterpret_cast<std::int8_t*>(at + sizeof(ChanRec));
    for (int j = 0; j < p.kernel; ++j)
      for (int c = 0; c < p.in_ch; ++c) {
        const std::int8_t v = src[j * p.in_ch + c];
        sum_w += v;
        sum_abs += v < 0 ? -v : v;
        w[(j * groups + c / 4) * 4 + c % 4] = v;
      }
    const std::int32_t bias = p.bias_eff[o];
    const std::int64_t bound = (bias < 0 ? -std::int64_t{bias} : bias) + 128 * sum_abs;
    ChanRec rec{};
    rec.rq = make_rq(p.multiplier[o], p.shift[o], p.out_zp, p.act_min, p.act_max, bound,
                     p.act_min < p.out_zp);
    rec.corr = static_cast<std::int32_t>(bias - 128 * sum_w);
    std::memcpy(at, &rec, sizeof rec);
  }
}

bool add_fusable(const kernels::AddQ& q) {
  return term_ok(q.a_shift) && term_ok(q.b_shift) && add_out_rq(q).fast != 0;
}

void conv(const kernels::ConvQ& p, const std::uint8_t* packed, int dilation,
          const std::uint32_t* in, int steps, int pad, std::uint32_t* out, const FusedAdd* fuse) {
  ConvCtx c{};
  c.in = in;
  c.out = out;
  c.steps = steps;
  c.pad = pad;
  c.stride = pad + steps;
  c.kernel = p.kernel;
  c.dilation = dilation;
  c.groups = groups_of(p.in_ch);
  FuseCtx f;
  std::int32_t out_zp = p.out_zp;
  if (fuse != nullptr) {
    const kernels::AddQ& q = fuse->q;
    f.on = true;
    f.other = fuse->other;
    const Term ta = make_term(q.a_mult, q.a_shift, q.a_zp);
    const Term tb = make_term(q.b_mult, q.b_shift, q.b_zp);
    f.conv_term = fuse->conv_is_a ? ta : tb;
    f.other_term = fuse->conv_is_a ? tb : ta;
    f.out = broadcast(add_out_rq(q));
    out_zp = q.out_zp;
  }
  const int out_groups = groups_of(p.out_ch);
  fill_pad(out, out_groups, c.stride, pad, out_zp);
  const std::size_t rb = rec_bytes(p.in_ch, p.kernel);
  for (int og = 0; og < out_groups; ++og) {
    c.og = og;
    switch (p.out_ch - 4 * og < 4 ? p.out_ch - 4 * og : 4) {
      case 1:
        conv_group<1>(c, packed, rb, f);
        break;
      case 2:
        conv_group<2>(c, packed, rb, f);
        break;
      case 3:
        conv_group<3>(c, packed, rb, f);
        break;
      default:
        conv_group<4>(c, packed, rb, f);
        break;
    }
  }
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

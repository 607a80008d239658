// AVX-512 VNNI whole-network streaming step (KernelTable::stream of the avx512vnni path).
//
// Why: op by op, every one-row op waits for the row the op before it stored (through memory,
// with masked byte stores that need not forward to the next op's loads), and per-op calls,
// parameter loads and set-ups dominate a 4 k-MAC sample. Here one call runs the whole sample:
//  - every tensor of at most 16 channels is one vector: 16 int32 lanes u = q + 128 (lane =
//    channel); the newest row stays in registers from op to op, and is also stored as one
//    unmasked 16-byte row into its tensor's ring (same size and address as any later load of
//    it, so the store forwards);
//  - a conv accumulates its older taps (rings, known before the sample arrives) in independent
//    chains, so only the current tap — one dword permute of the row in registers and one
//    vpdpbusd per 4-channel group — and the requantisation are on the sample's dependency chain;
//  - the residual Add runs in its conv's epilogue; pooling keeps its running sums as a vector;
//  - all parameters are packed once at init as per-lane vectors or scalars broadcast at use.
// Arithmetic: the exact forms of avx512_requant.hpp (the conv's per channel, the add's terms),
// so results equal the reference kernels bit for bit; bytes() returns 0 (Streaming then runs op
// by op) for any model whose tensors exceed 16 channels, whose conv requantisation pack cannot
// prove exact, or whose adds shift an input left.
//
// The region layout, bytes(), init() and reset() are stream_pack.hpp's (Avx512Layout); this
// file is the step.
#include <cstring>

#include "css/nn/format.hpp"
#include "kernels/kernel_table.hpp"
#include "runtime/op_params.hpp"

#include "avx512_target_begin.hpp"  // last include: AVX-512 code from here on

#include "stream_pack.hpp"  // inside the region, like stream_avx2_impl.hpp: internal linkage

namespace css::nn::detail {
namespace {

using namespace streamx;
using avx512q::Rq;
using avx512q::TermP;
using L = Avx512Layout;
using P = Pack<L>;

// The 16-lane step: one zmm per tensor row.
struct Zmm {
  struct Cur {
    __m512i v;  // u8-domain lanes of tensor t's newest row
    __m128i b;  // the same as bytes
    std::uint32_t t;
  };

  static __m512i row_lanes(const Ctx& c, const Cur& cur, std::uint32_t t) {
    return t == cur.t ? cur.v : _mm512_cvtepu8_epi32(row_bytes(c, cur, t));
  }

  static void emit(const Ctx& c, Cur& cur, std::uint32_t t, __m512i v) {
    cur.v = v;
    cur.b = _mm512_cvtepi32_epi8(v);
    cur.t = t;
    _mm_storeu_si128(reinterpret_cast<__m128i*>(row(c, t, 0)), cur.b);
  }

  static __m512i vec(const std::uint8_t* v, int i) { return _mm512_load_si512(v + i * kVec); }
  static __m512i bcast_u32(const std::uint8_t* p) {
    std::uint32_t x;
    std::memcpy(&x, p, 4);
    return _mm512_set1_epi32(static_cast<int>(x));
  }

  // The conv's int32 accumulator: older taps from the ring in up to four chains (off the
  // sample's dependency chain), then the current row's G dwords broadcast from registers.
  template <int G>
  static __m512i conv_acc(const Ctx& c, const RecBase& r, const std::uint8_t* v,
                          const std::uint8_t* w, __m128i cur) {
    __m512i a[4] = {vec(v, kCorr), _mm512_setzero_si512(), _mm512_setzero_si512(),
                    _mm512_setzero_si512()};
    const int k = r.kernel;
    for (int j = 0; j + 1 < k; ++j) {
      const std::uint8_t* x = row(c, r.in, std::uint32_t(k - 1 - j) * r.dilation);
      const std::uint8_t* wj = w + std::size_t(j) * G * kVec;
      for (int g = 0; g < G; ++g)
        a[g] = _mm512_dpbusd_epi32(a[g], bcast_u32(x + 4 * g), _mm512_load_si512(wj + g * kVec));
    }
    const __m512i x = _mm512_castsi128_si512(cur);
    const std::uint8_t* wc = w + std::size_t(k - 1) * G * kVec;
    for (int g = 0; g < G; ++g)
      a[g] = _mm512_dpbusd_epi32(a[g], _mm512_permutexvar_epi32(_mm512_set1_epi32(g), x),
                                 _mm512_load_si512(wc + g * kVec));
    if (G == 1) return a[0];
    if (G == 2) return _mm512_add_epi32(a[0], a[1]);
    if (G == 3) return _mm512_add_epi32(_mm512_add_epi32(a[0], a[1]), a[2]);
    return _mm512_add_epi32(_mm512_add_epi32(a[0], a[1]), _mm512_add_epi32(a[2], a[3]));
  }

  // Per-channel exact requantisation (avx512_requant.hpp's floor form, E per lane) + clamp.
  static __m512i conv_requant(__m512i acc, const std::uint8_t* v, bool sign, std::int32_t lo,
                              std::int32_t hi) {
    const __m512i m = vec(v, kMul);
    const __m512i pe = _mm512_mul_epi32(acc, m);
    const __m512i po = _mm512_mul_epi32(_mm512_srli_epi64(acc, 32), _mm512_srli_epi64(m, 32));
    __m512i ve = _mm512_add_epi64(pe, vec(v, kKEven));
    __m512i vo = _mm512_add_epi64(po, vec(v, kKOdd));
    if (sign) {
      const __m512i nb = _mm512_set1_epi64(-(std::int64_t{1} << 30));
      ve = _mm512_mask_add_epi64(ve, _mm512_cmplt_epi64_mask(pe, nb), ve, vec(v, P::kNegEven));
      vo = _mm512_mask_add_epi64(vo, _mm512_cmplt_epi64_mask(po, nb), vo, vec(v, P::kNegOdd));
    }
    const __m512i r =
        _mm512_mask_shuffle_epi32(_mm512_srav_epi64(ve, vec(v, L::kEEven)), 0xAAAA,
                                  _mm512_srav_epi64(vo, vec(v, L::kEOdd)), _MM_PERM_CDAB);
    return _mm512_min_epi32(_mm512_max_epi32(r, _mm512_set1_epi32(lo)), _mm512_set1_epi32(hi));
  }

  static void run_conv(const Ctx& c, const std::uint8_t* rec, Cur& cur) {
    const auto& h = *reinterpret_cast<const ConvHead*>(rec);
    const std::uint8_t* v = rec + kConvHeadBytes;
    const bool sign = (h.b.flags & kConvSign) != 0;
    const std::uint8_t* w = v + P::conv_vecs(sign) * kVec;
    const __m128i x = row_bytes(c, cur, h.b.in);
    __m512i acc;
    switch (h.b.groups) {
      case 1:
        acc = conv_acc<1>(c, h.b, v, w, x);
        break;
      case 2:
        acc = conv_acc<2>(c, h.b, v, w, x);
        break;
      case 3:
        acc = conv_acc<3>(c, h.b, v, w, x);
        break;
      default:
        acc = conv_acc<4>(c, h.b, v, w, x);
        break;
    }
    __m512i u = conv_requant(acc, v, sign, h.lo, h.hi);
    if ((h.b.flags & kFused) != 0) {
      const __m512i other = row_lanes(c, cur, h.b.other);
      u = avx512q::requant(
          _mm512_add_epi32(avx512q::term(u, h.conv_term), avx512q::term(other, h.other_term)),
          h.add_out);
    }
    emit(c, cur, h.b.out, u);
  }

  static void run_add(const Ctx& c, const std::uint8_t* rec, Cur& cur) {
    const auto& r = *reinterpret_cast<const AddRec*>(rec);
    const __m512i a = row_lanes(c, cur, r.b.in);
    const __m512i b = row_lanes(c, cur, r.b.other);
    emit(c, cur, r.b.out,
         avx512q::requant(_mm512_add_epi32(avx512q::term(a, r.ta), avx512q::term(b, r.tb)), r.out));
  }

  static void run_pool(const Ctx& c, const std::uint8_t* rec, Cur& cur) {
    const auto& r = *reinterpret_cast<const PoolRec*>(rec);
    const __m512i x = row_lanes(c, cur, r.b.in);
    const __m512i leaving =  // the zero point until window samples have been pushed
        _mm512_cvtepu8_epi32(
            _mm_loadu_si128(reinterpret_cast<const __m128i*>(row(c, r.b.in, r.window))));
    std::uint8_t* sums_p = c.base + kSumsOff;
    const __m512i sums = _mm512_add_epi32(_mm512_load_si512(sums_p), _mm512_sub_epi32(x, leaving));
    _mm512_store_si512(sums_p, sums);
    emit(c, cur, r.b.out, avx512q::requant(sums, r.rq));
  }

  static bool push(std::uint8_t* region, const float* sample, std::int8_t* logits_q, float* probs) {
    std::uint8_t* base = align64(region);
    auto* h = reinterpret_cast<Head*>(base);
    const auto in_mask = static_cast<__mmask16>((1u << h->in_ch) - 1);
    const __m512 x = _mm512_maskz_loadu_ps(in_mask, sample);
    if (_mm512_cmp_ps_mask(_mm512_abs_ps(x), _mm512_set1_ps(__builtin_inff()), _CMP_LT_OQ) !=
        0xFFFF)
      return false;
    const __m512i q = avx512q::quantize(x, _mm512_load_ps(base + kMeanOff),
                                        _mm512_load_ps(base + kStdOff), _mm512_set1_ps(h->in_scale),
                                        _mm512_set1_ps(static_cast<float>(h->in_zp)));
    const Ctx c{base, h};
    Cur cur{};
    emit(c, cur, 0, _mm512_add_epi32(q, _mm512_set1_epi32(128)));
    run_records<Zmm>(c, h, cur, logits_q, probs);
    return true;
  }
};

}  // namespace

const StreamKernels kAvx512Stream{P::bytes, P::init, P::reset, Zmm::push};

}  // namespace css::nn::detail

#include "avx512_target_end.hpp"

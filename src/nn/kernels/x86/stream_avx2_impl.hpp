// Private: the whole-network streaming step (the design of stream_x86_avx512.cpp: one call per
// sample, the newest row in registers, older taps from the rings off the dependency chain, the
// residual add in its conv's epilogue) on 256-bit vectors, for the AVX2 and AVX-VNNI paths.
// Include only inside a target region (avx2, plus avxvnni for kVnni = true);
// stream_x86_avx2.cpp and stream_x86_avxvnni.cpp each instantiate one variant.
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
//
// Region layout (64-byte aligned inside the caller's region): Head, input mean and std (16
// floats each), the pool's running sums (16 int32), the op records, then the rings (rows of 16
// bytes, u8 domain). bytes() is 0 (Streaming then runs op by op) for models with a tensor
// wider than 16 channels, a conv requantisation the floor form cannot prove exact, an add
// that shifts an input left, or a last op other than Softmax.
#pragma once

#include <cstring>

#include "css/nn/format.hpp"
#include "kernels/kernel_table.hpp"
#include "kernels/x86/avx2_requant.hpp"
#include "runtime/op_params.hpp"

namespace css::nn::detail::stream256 {
namespace {

namespace f = format;
using namespace avx2q;

constexpr int kLanes = 16;
constexpr std::size_t kRow = 16;  // ring row: 16 u8 lanes
constexpr std::size_t kVec = 64;  // 16 int32 lanes = two ymm halves

enum RecType : std::uint8_t { kConvRec, kAddRec, kPoolRec, kSoftmaxRec };
enum ConvFlags : std::uint8_t { kFused = 1, kConvSign = 2, kConvLowE = 4 };

struct Head {
  std::uint32_t n_recs, n_tensors, in_ch, rec_bytes;
  float in_scale;
  std::int32_t in_zp;
  std::uint32_t ring_off[f::kMaxOps + 1];
  std::uint16_t ring_len[f::kMaxOps + 1];
  std::uint16_t pos[f::kMaxOps + 1];
  std::uint8_t zp_u[f::kMaxOps + 1];
};

constexpr std::size_t round64(std::size_t n) {
  return (n + 63) / 64 * 64;
}
constexpr std::size_t kHeadBytes = round64(sizeof(Head));
constexpr std::size_t kMeanOff = kHeadBytes;
constexpr std::size_t kStdOff = kMeanOff + kVec;
constexpr std::size_t kSumsOff = kStdOff + kVec;
constexpr std::size_t kRecOff = kSumsOff + kVec;

struct RecBase {
  std::uint8_t type = 0;
  std::uint8_t groups = 0, kernel = 1, flags = 0;
  std::uint16_t in = 0, out = 0, other = 0, dilation = 1;
  std::uint32_t size = 0;
};

struct ConvHead {
  RecBase b;
  std::int32_t lo = 0, hi = 255;
  TermP conv_term, other_term;
  Rq add_out;
};
// Per-lane rows (16 lanes each; the 64-bit rows hold channels 0,2,..,14 or 1,3,..,15):
// corr, multiplier, K, the high-dword shift E - 32 (in the odd dwords), the low shift E (64-bit
// lanes), the E < 32 lane mask, and the sign rows (only with kConvSign).
enum ConvVec {
  kCorr,
  kMul,
  kKEven,
  kKOdd,
  kShHiEven,
  kShHiOdd,
  kShLoEven,
  kShLoOdd,
  kLowMask,
  kNegEven,
  kNegOdd,
  kConvVecs
};
constexpr std::size_t kConvHeadBytes = round64(sizeof(ConvHead));

struct AddRec {
  RecBase b;
  TermP ta, tb;
  Rq out;
};
struct PoolRec {
  RecBase b;
  std::uint32_t window = 0;
  Rq rq;
};
struct SoftmaxRec {
  RecBase b;
  std::uint32_t n = 0;
  float scale = 1.0f;
  std::int32_t zp = 0;
};

template <bool kVnni>
struct Step {
  static constexpr int kPer = kVnni ? 4 : 2;  // input channels per weight dword

  static std::uint8_t* align64(std::uint8_t* p) {
    return p + (64 - reinterpret_cast<std::uintptr_t>(p) % 64) % 64;
  }
  static int groups_of(int ch) { return (ch + kPer - 1) / kPer; }
  static std::size_t conv_vecs(bool sign) { return sign ? kConvVecs : kNegEven; }
  static std::size_t conv_rec_bytes(int in_ch, int kernel, bool sign) {
    return kConvHeadBytes + conv_vecs(sign) * kVec +
           std::size_t(kernel) * std::size_t(groups_of(in_ch)) * kVec;
  }
  static bool is_conv(const OpView& op) {
    return op.type == f::OpType::kConv1d || op.type == f::OpType::kDense;
  }
  static int kernel_of(const OpView& op) { return op.type == f::OpType::kDense ? 1 : op.kernel; }
  static int dilation_of(const OpView& op) {
    return op.type == f::OpType::kDense ? 1 : op.dilation;
  }

  static bool conv_rqs(const kernels::ConvQ& p, Rq* rq) {
    for (int o = 0; o < p.out_ch; ++o) {
      const std::int8_t* w = p.weights + std::ptrdiff_t(o) * p.kernel * p.in_ch;
      std::int64_t sum_abs = 0;
      for (int i = 0; i < p.kernel * p.in_ch; ++i) sum_abs += w[i] < 0 ? -w[i] : w[i];
      const std::int64_t bias = p.bias_eff[o];
      rq[o] = make_rq(p.multiplier[o], p.shift[o], p.out_zp, p.act_min, p.act_max,
                      (bias < 0 ? -bias : bias) + 128 * sum_abs, p.act_min < p.out_zp);
      if (rq[o].fast == 0) return false;
    }
    return true;
  }
  static bool any_sign(const Rq* rq, int n) {
    for (int o = 0; o < n; ++o)
      if (rq[o].k_neg != 0) return true;
    return false;
  }
  static bool add_ok(const kernels::AddQ& q) { return term_ok(q.a_shift) && term_ok(q.b_shift); }

  static std::size_t program_bytes(const Model& m) {
    if (m.num_ops() == 0 || m.op(m.num_ops() - 1).type != f::OpType::kSoftmax) return 0;
    for (std::size_t t = 0; t + 1 < m.num_tensors(); ++t)
      if (m.tensor_channels(t) > kLanes) return 0;
    std::size_t bytes = 0;
    Rq rq[kLanes];
    for (std::size_t i = 0; i < m.num_ops(); ++i) {
      const OpView op = m.op(i);
      if (is_conv(op)) {
        kernels::ConvQ p = conv_params(m, op);
        p.kernel = kernel_of(op);
        if (!conv_rqs(p, rq)) return 0;
        bytes += conv_rec_bytes(op.in_channels, p.kernel, any_sign(rq, p.out_ch));
        if (op.type == f::OpType::kConv1d && conv_feeds_only_next_add(m, i)) {
          if (!add_ok(add_params(m, m.op(i + 1)))) return 0;
          ++i;
        }
      } else if (op.type == f::OpType::kAdd) {
        if (!add_ok(add_params(m, op))) return 0;
        bytes += round64(sizeof(AddRec));
      } else if (op.type == f::OpType::kGlobalAvgPool) {
        bytes += round64(sizeof(PoolRec));
      } else {
        bytes += round64(sizeof(SoftmaxRec));
      }
    }
    return bytes;
  }

  static std::size_t bytes(const Model& m, const std::uint16_t* ring_len) {
    const std::size_t prog = program_bytes(m);
    if (prog == 0) return 0;
    std::size_t rings = 0;
    for (std::size_t t = 0; t + 1 < m.num_tensors(); ++t) rings += std::size_t{ring_len[t]} * kRow;
    return 63 + kRecOff + prog + rings;
  }

  static void put32(std::uint8_t* dst, const std::int32_t* v) { std::memcpy(dst, v, kVec); }
  static void put64(std::uint8_t* dst, const std::int64_t* v) { std::memcpy(dst, v, kVec); }

  // Weights [kernel][groups][16 lanes][one dword: kPer inputs].
  static void pack_weights(const kernels::ConvQ& p, std::uint8_t* w, std::int32_t* corr) {
    const int g_n = groups_of(p.in_ch);
    for (int o = 0; o < p.out_ch; ++o) {
      const std::int8_t* src = p.weights + std::ptrdiff_t(o) * p.kernel * p.in_ch;
      std::int32_t sum_w = 0;
      for (int j = 0; j < p.kernel; ++j)
        for (int c = 0; c < p.in_ch; ++c) {
          const std::int8_t v = src[j * p.in_ch + c];
          sum_w += v;
          std::uint8_t* at = w + ((std::size_t(j) * g_n + c / kPer) * kLanes + o) * 4;
          if constexpr (kVnni) {
            at[c % 4] = static_cast<std::uint8_t>(v);
          } else {
            const auto v16 = static_cast<std::int16_t>(v);
            std::memcpy(at + 2 * (c % 2), &v16, 2);
          }
        }
      corr[o] = p.bias_eff[o] - 128 * sum_w;  // the +128 of the u8 inputs, undone
    }
  }

  static std::size_t pack_conv(const Model& m, std::size_t i, std::uint8_t* dst) {
    const OpView op = m.op(i);
    kernels::ConvQ p = conv_params(m, op);
    p.kernel = kernel_of(op);
    Rq rq[kLanes];
    conv_rqs(p, rq);
    const bool sign = any_sign(rq, p.out_ch);
    const std::size_t size = conv_rec_bytes(p.in_ch, p.kernel, sign);
    std::memset(dst, 0, size);
    ConvHead h;
    h.b.type = kConvRec;
    h.b.groups = static_cast<std::uint8_t>(groups_of(p.in_ch));
    h.b.kernel = static_cast<std::uint8_t>(p.kernel);
    h.b.in = op.in0;
    h.b.out = static_cast<std::uint16_t>(i + 1);
    h.b.dilation = static_cast<std::uint16_t>(dilation_of(op));
    h.b.size = static_cast<std::uint32_t>(size);
    h.lo = p.act_min + 128;
    h.hi = p.act_max + 128;
    if (sign) h.b.flags |= kConvSign;
    std::int32_t corr[kLanes] = {}, mul[kLanes] = {}, low[kLanes] = {};
    std::int64_t k[2][kLanes / 2] = {}, sh_hi[2][kLanes / 2] = {}, sh_lo[2][kLanes / 2] = {},
                               neg[2][kLanes / 2] = {};
    pack_weights(p, dst + kConvHeadBytes + conv_vecs(sign) * kVec, corr);
    for (int o = 0; o < p.out_ch; ++o) {
      mul[o] = rq[o].mult;
      k[o % 2][o / 2] = rq[o].k_pos;
      neg[o % 2][o / 2] = rq[o].k_neg;
      const bool high = rq[o].e >= 32;
      sh_hi[o % 2][o / 2] = std::int64_t{high ? rq[o].e - 32 : 0} * (std::int64_t{1} << 32);
      sh_lo[o % 2][o / 2] = high ? 0 : rq[o].e;
      low[o] = high ? 0 : -1;
      if (!high) h.b.flags |= kConvLowE;
    }
    std::uint8_t* v = dst + kConvHeadBytes;
    put32(v + kCorr * kVec, corr);
    put32(v + kMul * kVec, mul);
    put64(v + kKEven * kVec, k[0]);
    put64(v + kKOdd * kVec, k[1]);
    put64(v + kShHiEven * kVec, sh_hi[0]);
    put64(v + kShHiOdd * kVec, sh_hi[1]);
    put64(v + kShLoEven * kVec, sh_lo[0]);
    put64(v + kShLoOdd * kVec, sh_lo[1]);
    put32(v + kLowMask * kVec, low);
    if (sign) {
      put64(v + kNegEven * kVec, neg[0]);
      put64(v + kNegOdd * kVec, neg[1]);
    }
    if (op.type == f::OpType::kConv1d && conv_feeds_only_next_add(m, i)) {
      const OpView add = m.op(i + 1);
      const kernels::AddQ q = add_params(m, add);
      const bool conv_is_a = add.in0 == i + 1;
      h.b.flags |= kFused;
      h.b.out = static_cast<std::uint16_t>(i + 2);
      h.b.other = conv_is_a ? add.in1 : add.in0;
      const TermP ta = make_term_p(q.a_mult, q.a_shift, q.a_zp);
      const TermP tb = make_term_p(q.b_mult, q.b_shift, q.b_zp);
      h.conv_term = conv_is_a ? ta : tb;
      h.other_term = conv_is_a ? tb : ta;
      h.add_out = add_out_rq(q);
    }
    std::memcpy(dst, &h, sizeof h);
    return size;
  }

  static std::size_t pack_op(const Model& m, std::size_t i, std::uint8_t* dst) {
    const OpView op = m.op(i);
    if (is_conv(op)) return pack_conv(m, i, dst);
    auto put = [&](const auto& rec) {
      const std::size_t size = round64(sizeof rec);
      std::memset(dst, 0, size);
      std::memcpy(dst, &rec, sizeof rec);
      return size;
    };
    const auto out = static_cast<std::uint16_t>(i + 1);
    if (op.type == f::OpType::kAdd) {
      const kernels::AddQ q = add_params(m, op);
      AddRec r;
      r.b = {kAddRec, 0,      1,
             0,       op.in0, out,
             op.in1,  1,      static_cast<std::uint32_t>(round64(sizeof(AddRec)))};
      r.ta = make_term_p(q.a_mult, q.a_shift, q.a_zp);
      r.tb = make_term_p(q.b_mult, q.b_shift, q.b_zp);
      r.out = add_out_rq(q);
      return put(r);
    }
    if (op.type == f::OpType::kGlobalAvgPool) {
      PoolRec r;
      r.b = {kPoolRec, 0,      1,
             0,        op.in0, out,
             0,        1,      static_cast<std::uint32_t>(round64(sizeof(PoolRec)))};
      r.window = m.window();
      r.rq = make_rq(op.q[0], op.q[1], op.out.zero_point, -128, 127, std::int64_t{255} * m.window(),
                     true);
      return put(r);
    }
    const QuantParams qp = m.tensor_quant(op.in0);
    SoftmaxRec r;
    r.b = {kSoftmaxRec, 0,      1,
           0,           op.in0, out,
           0,           1,      static_cast<std::uint32_t>(round64(sizeof(SoftmaxRec)))};
    r.n = op.in_channels;
    r.scale = qp.scale;
    r.zp = qp.zero_point;
    return put(r);
  }

  static void reset(std::uint8_t* region) {
    std::uint8_t* base = align64(region);
    auto* h = reinterpret_cast<Head*>(base);
    for (std::uint32_t t = 0; t + 1 < h->n_tensors; ++t) {
      std::memset(base + h->ring_off[t], h->zp_u[t], std::size_t{h->ring_len[t]} * kRow);
      h->pos[t] = 0;
    }
    std::memset(base + kSumsOff, 0, kVec);
  }

  static void init(const Model& m, const std::uint16_t* ring_len, std::uint8_t* region) {
    std::uint8_t* base = align64(region);
    Head h{};
    h.n_tensors = static_cast<std::uint32_t>(m.num_tensors());
    h.in_ch = m.input_channels();
    h.in_scale = m.tensor_quant(0).scale;
    h.in_zp = m.tensor_quant(0).zero_point;
    float mean[kLanes] = {}, stdv[kLanes];
    for (int c = 0; c < kLanes; ++c) {
      mean[c] = c < int(m.input_channels()) ? m.input_mean(std::size_t(c)) : 0.0f;
      stdv[c] = c < int(m.input_channels()) ? m.input_std(std::size_t(c)) : 1.0f;
    }
    std::memcpy(base + kMeanOff, mean, kVec);
    std::memcpy(base + kStdOff, stdv, kVec);
    std::size_t off = kRecOff;
    for (std::size_t i = 0; i < m.num_ops(); ++i) {
      off += pack_op(m, i, base + off);
      ++h.n_recs;
      if (m.op(i).type == f::OpType::kConv1d && conv_feeds_only_next_add(m, i)) ++i;
    }
    h.rec_bytes = static_cast<std::uint32_t>(off - kRecOff);
    for (std::size_t t = 0; t + 1 < m.num_tensors(); ++t) {
      h.ring_off[t] = static_cast<std::uint32_t>(off);
      h.ring_len[t] = ring_len[t];
      h.zp_u[t] = static_cast<std::uint8_t>(m.tensor_quant(t).zero_point + 128);
      off += std::size_t{ring_len[t]} * kRow;
    }
    std::memcpy(base, &h, sizeof h);
    reset(region);
  }

  // ---- the step ----

  struct V2 {
    __m256i lo, hi;  // lanes 0..7 and 8..15
  };
  struct Cur {
    V2 v;       // u8-domain lanes of tensor t's newest row
    __m128i b;  // the same as bytes
    std::uint32_t t;
  };
  struct Ctx {
    std::uint8_t* base;
    const Head* h;
  };

  static std::uint8_t* row(const Ctx& c, std::uint32_t t, std::uint32_t back) {
    const std::uint32_t len = c.h->ring_len[t], p = c.h->pos[t];
    const std::uint32_t slot = p >= back ? p - back : p + len - back;
    return c.base + c.h->ring_off[t] + std::size_t{slot} * kRow;
  }
  static V2 lanes_of(__m128i b) {
    return {_mm256_cvtepu8_epi32(b), _mm256_cvtepu8_epi32(_mm_srli_si128(b, 8))};
  }
  static __m128i row_bytes(const Ctx& c, const Cur& cur, std::uint32_t t) {
    return t == cur.t ? cur.b : _mm_loadu_si128(reinterpret_cast<const __m128i*>(row(c, t, 0)));
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
          ve, _mm256_and_si256(_mm256_cmpgt_epi64(nb, pe), ld(v + kNegEven * kVec + o)));
      vo = _mm256_add_epi64(
          vo, _mm256_and_si256(_mm256_cmpgt_epi64(nb, po), ld(v + kNegOdd * kVec + o)));
    }
    __m256i r = _mm256_blend_epi32(
        _mm256_shuffle_epi32(_mm256_srav_epi32(ve, ld(v + kShHiEven * kVec + o)), 0xB1),
        _mm256_srav_epi32(vo, ld(v + kShHiOdd * kVec + o)), 0xAA);
    if ((flags & kConvLowE) != 0) {
      const __m256i rl = _mm256_blend_epi32(
          _mm256_srlv_epi64(ve, ld(v + kShLoEven * kVec + o)),
          _mm256_shuffle_epi32(_mm256_srlv_epi64(vo, ld(v + kShLoOdd * kVec + o)), 0xB1), 0xAA);
      r = _mm256_blendv_epi8(r, rl, ld(v + kLowMask * kVec + o));
    }
    return _mm256_min_epi32(_mm256_max_epi32(r, lo), hi);
  }

  static Term term_of(const TermP& p) {
    Term t;
    t.mh = _mm256_set1_epi32(p.mh);
    t.ml = _mm256_set1_epi32(p.ml);
    t.c1 = _mm256_set1_epi32(p.c1);
    t.c3 = _mm256_set1_epi32(p.c3);
    t.half = _mm256_set1_epi32(p.half);
    t.r = _mm_cvtsi32_si128(p.r);
    t.sign = p.sign != 0;
    return t;
  }

  // requant(term_a(a) + term_b(b)) on both halves.
  static V2 add_terms(V2 a, V2 b, const TermP& pa, const TermP& pb, const Rq& out) {
    const Term ta = term_of(pa), tb = term_of(pb);
    const RqV ro = broadcast(out);
    return {requant(_mm256_add_epi32(term(a.lo, ta), term(b.lo, tb)), ro),
            requant(_mm256_add_epi32(term(a.hi, ta), term(b.hi, tb)), ro)};
  }

  static void run_conv(const Ctx& c, const std::uint8_t* rec, Cur& cur) {
    const auto& h = *reinterpret_cast<const ConvHead*>(rec);
    const std::uint8_t* v = rec + kConvHeadBytes;
    const bool sign = (h.b.flags & kConvSign) != 0;
    const std::uint8_t* w = v + conv_vecs(sign) * kVec;
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

  static void run_softmax(const Ctx& c, const std::uint8_t* rec, const Cur& cur,
                          std::int8_t* logits_q, float* probs) {
    const auto& r = *reinterpret_cast<const SoftmaxRec*>(rec);
    const __m128i q =
        _mm_xor_si128(row_bytes(c, cur, r.b.in), _mm_set1_epi8(static_cast<char>(0x80)));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(logits_q), q);
    kernels::softmax_q(logits_q, static_cast<int>(r.n), r.scale, r.zp, probs);
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
    const std::uint8_t* rec = base + kRecOff;
    for (std::uint32_t i = 0; i < h->n_recs; ++i) {
      const auto& rb = *reinterpret_cast<const RecBase*>(rec);
      switch (rb.type) {
        case kConvRec:
          run_conv(c, rec, cur);
          break;
        case kAddRec:
          run_add(c, rec, cur);
          break;
        case kPoolRec:
          run_pool(c, rec, cur);
          break;
        default:
          run_softmax(c, rec, cur, logits_q, probs);
          break;
      }
      rec += rb.size;
    }
    for (std::uint32_t t = 0; t + 1 < h->n_tensors; ++t)
      h->pos[t] = static_cast<std::uint16_t>(h->pos[t] + 1 == h->ring_len[t] ? 0 : h->pos[t] + 1);
    return true;
  }
};

}  // namespace
}  // namespace css::nn::detail::stream256

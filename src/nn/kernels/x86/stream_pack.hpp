// Private: what the whole-network streaming steps of every x86 width share — the region layout,
// the op records, what bytes() proves and init() packs, reset(), and the width-free parts of
// the step (ring rows, softmax, the record loop). stream_x86_avx512.cpp (16-lane zmm) and
// stream_avx2_impl.hpp (two 8-lane ymm halves) keep only their SIMD loops; they differ in a
// Layout (below): input channels per weight dword (4 bytes for vpdpbusd, an int16 pair for
// vpmaddwd) and the per-lane shift rows their requantisation reads.
// Include only inside a target region (x86_target_begin.hpp), like the step that uses it.
//
// Region layout (64-byte aligned inside the caller's region): Head, input mean and std (16
// floats each), the pool's running sums (16 int32), the op records, then the rings (rows of 16
// bytes, u8 domain u = q + 128). bytes() is 0 (Streaming then runs op by op) for models with a
// tensor wider than 16 channels, a conv requantisation the floor form cannot prove exact, an
// add that shifts an input left, or a last op other than Softmax.
#pragma once

#include <immintrin.h>

#include <cstdint>
#include <cstring>

#include "css/nn/format.hpp"
#include "kernels/kernel_table.hpp"
#include "kernels/x86/requant_exact.hpp"
#include "runtime/op_params.hpp"

namespace css::nn::detail::streamx {
namespace {

namespace f = format;
using rqx::Rq;
using rqx::TermP;

constexpr int kLanes = 16;
constexpr std::size_t kRow = 16;  // ring row: 16 u8 lanes
constexpr std::size_t kVec = 64;  // one per-lane row: 16 int32 or 8 int64 lanes

enum RecType : std::uint8_t { kConvRec, kAddRec, kPoolRec, kSoftmaxRec };
// kConvLowE: some lane's shift E is below 32 (only the 256-bit layout tells it apart).
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

// Every record starts with these fields; `size` is the whole record (a multiple of 64).
struct RecBase {
  std::uint8_t type = 0;
  std::uint8_t groups = 0, kernel = 1, flags = 0;
  std::uint16_t in = 0, out = 0, other = 0, dilation = 1;
  std::uint32_t size = 0;
};

// Conv / dense (kernel 1), optionally with the following Add fused: per-lane rows (ConvVec,
// then the layout's shift rows, then the sign rows only with kConvSign), then the weights
// [kernel][groups][16 lanes][one dword: kPer inputs].
struct ConvHead {
  RecBase b;
  std::int32_t lo = 0, hi = 255;  // the conv's clamp, u8 domain
  TermP conv_term, other_term;    // fused add: the terms of the conv output and the other input
  Rq add_out;
};
constexpr std::size_t kConvHeadBytes = round64(sizeof(ConvHead));
// The 64-bit rows hold channels 0,2,..,14 (even) or 1,3,..,15 (odd).
enum ConvVec { kCorr, kMul, kKEven, kKOdd, kShiftRows };

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

inline void put32(std::uint8_t* dst, const std::int32_t* v) {
  std::memcpy(dst, v, kVec);
}
inline void put64(std::uint8_t* dst, const std::int64_t* v) {
  std::memcpy(dst, v, kVec);
}

// The layouts. kPer: input channels per weight dword; the shift rows run from kShiftRows to
// kEnd (the sign rows follow); put_shifts writes them (and the flags they imply) for channels
// 0..n-1.
// AVX-512: E per 64-bit lane (vpsravq).
struct Avx512Layout {
  static constexpr int kPer = 4;
  static constexpr int kEEven = kShiftRows, kEOdd = kShiftRows + 1, kEnd = kShiftRows + 2;
  static void put_shifts(const Rq* rq, int n, std::uint8_t* v, std::uint8_t& /*flags*/) {
    std::int64_t e[2][kLanes / 2] = {};
    for (int o = 0; o < n; ++o) e[o % 2][o / 2] = rq[o].e;
    put64(v + kEEven * kVec, e[0]);
    put64(v + kEOdd * kVec, e[1]);
  }
};

// 256-bit: no 64-bit arithmetic shift, so a lane with E >= 32 shifts its high dword by E - 32
// (vpsravd, odd dwords of the ShHi rows) and a lane with E < 32 takes the low dword of the
// 64-bit logical shift by E (ShLo rows), chosen per lane by LowMask when kConvLowE.
template <bool kVnni>
struct Avx256Layout {
  static constexpr int kPer = kVnni ? 4 : 2;
  static constexpr int kShHiEven = kShiftRows, kShHiOdd = kShiftRows + 1,
                       kShLoEven = kShiftRows + 2, kShLoOdd = kShiftRows + 3,
                       kLowMask = kShiftRows + 4, kEnd = kShiftRows + 5;
  static void put_shifts(const Rq* rq, int n, std::uint8_t* v, std::uint8_t& flags) {
    std::int32_t low[kLanes] = {};
    std::int64_t sh_hi[2][kLanes / 2] = {}, sh_lo[2][kLanes / 2] = {};
    for (int o = 0; o < n; ++o) {
      const bool high = rq[o].e >= 32;
      sh_hi[o % 2][o / 2] = std::int64_t{high ? rq[o].e - 32 : 0} * (std::int64_t{1} << 32);
      sh_lo[o % 2][o / 2] = high ? 0 : rq[o].e;
      low[o] = high ? 0 : -1;
      if (!high) flags |= kConvLowE;
    }
    put64(v + kShHiEven * kVec, sh_hi[0]);
    put64(v + kShHiOdd * kVec, sh_hi[1]);
    put64(v + kShLoEven * kVec, sh_lo[0]);
    put64(v + kShLoOdd * kVec, sh_lo[1]);
    put32(v + kLowMask * kVec, low);
  }
};

inline std::uint8_t* align64(std::uint8_t* p) {
  return p + (64 - reinterpret_cast<std::uintptr_t>(p) % 64) % 64;
}
inline bool is_conv(const OpView& op) {
  return op.type == f::OpType::kConv1d || op.type == f::OpType::kDense;
}
inline int kernel_of(const OpView& op) {
  return op.type == f::OpType::kDense ? 1 : op.kernel;
}
inline int dilation_of(const OpView& op) {
  return op.type == f::OpType::kDense ? 1 : op.dilation;
}
inline bool fuses_next_add(const Model& m, std::size_t i) {
  return m.op(i).type == f::OpType::kConv1d && conv_feeds_only_next_add(m, i);
}

// The conv's requantisation per output channel; false when some channel needs the general form.
inline bool conv_rqs(const kernels::ConvQ& p, Rq* rq) {
  for (int o = 0; o < p.out_ch; ++o) {
    const std::int8_t* w = p.weights + std::ptrdiff_t(o) * p.kernel * p.in_ch;
    std::int64_t sum_abs = 0;
    for (int i = 0; i < p.kernel * p.in_ch; ++i) sum_abs += w[i] < 0 ? -w[i] : w[i];
    const std::int64_t bias = p.bias_eff[o];
    rq[o] = rqx::make_rq(p.multiplier[o], p.shift[o], p.out_zp, p.act_min, p.act_max,
                         (bias < 0 ? -bias : bias) + 128 * sum_abs, p.act_min < p.out_zp);
    if (rq[o].fast == 0) return false;
  }
  return true;
}
inline bool any_sign(const Rq* rq, int n) {
  for (int o = 0; o < n; ++o)
    if (rq[o].k_neg != 0) return true;
  return false;
}
inline bool add_ok(const kernels::AddQ& q) {
  return rqx::term_ok(q.a_shift) && rqx::term_ok(q.b_shift);
}

// bytes(), init() and reset() of one layout (the StreamKernels entries besides push).
template <class L>
struct Pack {
  static constexpr int kNegEven = L::kEnd, kNegOdd = L::kEnd + 1;  // the sign rows

  static int groups_of(int ch) { return (ch + L::kPer - 1) / L::kPer; }
  static std::size_t conv_vecs(bool sign) { return std::size_t(L::kEnd) + (sign ? 2 : 0); }
  static std::size_t conv_rec_bytes(int in_ch, int kernel, bool sign) {
    return kConvHeadBytes + conv_vecs(sign) * kVec +
           std::size_t(kernel) * std::size_t(groups_of(in_ch)) * kVec;
  }

  // Walks the ops as init() packs them; returns the records' bytes, 0 if unsupported.
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
        if (fuses_next_add(m, i)) {
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

  // Weights [kernel][groups][16 lanes][one dword]: 4 int8 (kPer 4) or 2 int16 (kPer 2).
  static void pack_weights(const kernels::ConvQ& p, std::uint8_t* w, std::int32_t* corr) {
    const int g_n = groups_of(p.in_ch);
    for (int o = 0; o < p.out_ch; ++o) {
      const std::int8_t* src = p.weights + std::ptrdiff_t(o) * p.kernel * p.in_ch;
      std::int32_t sum_w = 0;
      for (int j = 0; j < p.kernel; ++j)
        for (int c = 0; c < p.in_ch; ++c) {
          const std::int8_t v = src[j * p.in_ch + c];
          sum_w += v;
          std::uint8_t* at = w + ((std::size_t(j) * g_n + c / L::kPer) * kLanes + o) * 4;
          if constexpr (L::kPer == 4) {
            at[c % 4] = static_cast<std::uint8_t>(v);
          } else {
            const auto v16 = static_cast<std::int16_t>(v);
            std::memcpy(at + 2 * (c % 2), &v16, 2);
          }
        }
      corr[o] = p.bias_eff[o] - 128 * sum_w;  // the +128 of the u8 inputs, undone
    }
  }

  // The per-lane rows of a conv with requantisations rq.
  static void put_rows(const Rq* rq, int n, bool sign, const std::int32_t* corr, std::uint8_t* v,
                       std::uint8_t& flags) {
    std::int32_t mul[kLanes] = {};
    std::int64_t k[2][kLanes / 2] = {}, neg[2][kLanes / 2] = {};
    for (int o = 0; o < n; ++o) {
      mul[o] = rq[o].mult;
      k[o % 2][o / 2] = rq[o].k_pos;
      neg[o % 2][o / 2] = rq[o].k_neg;
    }
    put32(v + kCorr * kVec, corr);
    put32(v + kMul * kVec, mul);
    put64(v + kKEven * kVec, k[0]);
    put64(v + kKOdd * kVec, k[1]);
    L::put_shifts(rq, n, v, flags);
    if (sign) {
      put64(v + kNegEven * kVec, neg[0]);
      put64(v + kNegOdd * kVec, neg[1]);
    }
  }

  // The conv's following Add, fused into its epilogue.
  static void fuse_add(const Model& m, std::size_t i, ConvHead& h) {
    const OpView add = m.op(i + 1);
    const kernels::AddQ q = add_params(m, add);
    const bool conv_is_a = add.in0 == i + 1;
    h.b.flags |= kFused;
    h.b.out = static_cast<std::uint16_t>(i + 2);
    h.b.other = conv_is_a ? add.in1 : add.in0;
    const TermP ta = rqx::make_term_p(q.a_mult, q.a_shift, q.a_zp);
    const TermP tb = rqx::make_term_p(q.b_mult, q.b_shift, q.b_zp);
    h.conv_term = conv_is_a ? ta : tb;
    h.other_term = conv_is_a ? tb : ta;
    h.add_out = rqx::add_out_rq(q);
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
    std::int32_t corr[kLanes] = {};
    std::uint8_t* v = dst + kConvHeadBytes;
    pack_weights(p, v + conv_vecs(sign) * kVec, corr);
    put_rows(rq, p.out_ch, sign, corr, v, h.b.flags);
    if (fuses_next_add(m, i)) fuse_add(m, i, h);
    std::memcpy(dst, &h, sizeof h);
    return size;
  }

  template <class R>
  static std::size_t put(const R& rec, std::uint8_t* dst) {
    const std::size_t size = round64(sizeof rec);
    std::memset(dst, 0, size);
    std::memcpy(dst, &rec, sizeof rec);
    return size;
  }
  static RecBase base_of(RecType type, std::uint16_t in, std::size_t i, std::uint16_t other,
                         std::size_t size) {
    RecBase b;
    b.type = type;
    b.in = in;
    b.out = static_cast<std::uint16_t>(i + 1);
    b.other = other;
    b.size = static_cast<std::uint32_t>(round64(size));
    return b;
  }

  static std::size_t pack_op(const Model& m, std::size_t i, std::uint8_t* dst) {
    const OpView op = m.op(i);
    if (is_conv(op)) return pack_conv(m, i, dst);
    if (op.type == f::OpType::kAdd) {
      const kernels::AddQ q = add_params(m, op);
      AddRec r;
      r.b = base_of(kAddRec, op.in0, i, op.in1, sizeof(AddRec));
      r.ta = rqx::make_term_p(q.a_mult, q.a_shift, q.a_zp);
      r.tb = rqx::make_term_p(q.b_mult, q.b_shift, q.b_zp);
      r.out = rqx::add_out_rq(q);
      return put(r, dst);
    }
    if (op.type == f::OpType::kGlobalAvgPool) {
      PoolRec r;
      r.b = base_of(kPoolRec, op.in0, i, 0, sizeof(PoolRec));
      r.window = m.window();
      // |sum of (q - zp) over the window| <= 255 * window.
      r.rq = rqx::make_rq(op.q[0], op.q[1], op.out.zero_point, -128, 127,
                          std::int64_t{255} * m.window(), true);
      return put(r, dst);
    }
    const QuantParams qp = m.tensor_quant(op.in0);
    SoftmaxRec r;
    r.b = base_of(kSoftmaxRec, op.in0, i, 0, sizeof(SoftmaxRec));
    r.n = op.in_channels;
    r.scale = qp.scale;
    r.zp = qp.zero_point;
    return put(r, dst);
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
      if (fuses_next_add(m, i)) ++i;
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
};

// ---- the width-free parts of the step ----

struct Ctx {
  std::uint8_t* base;
  const Head* h;
};

// Tensor t's row `back` samples before the newest.
inline std::uint8_t* row(const Ctx& c, std::uint32_t t, std::uint32_t back) {
  const std::uint32_t len = c.h->ring_len[t], p = c.h->pos[t];
  const std::uint32_t slot = p >= back ? p - back : p + len - back;
  return c.base + c.h->ring_off[t] + std::size_t{slot} * kRow;
}

// Cur (the step's newest row): .b its 16 bytes, .t its tensor.
template <class Cur>
inline __m128i row_bytes(const Ctx& c, const Cur& cur, std::uint32_t t) {
  return t == cur.t ? cur.b : _mm_loadu_si128(reinterpret_cast<const __m128i*>(row(c, t, 0)));
}

template <class Cur>
inline void run_softmax(const Ctx& c, const std::uint8_t* rec, const Cur& cur,
                        std::int8_t* logits_q, float* probs) {
  const auto& r = *reinterpret_cast<const SoftmaxRec*>(rec);
  const __m128i q =
      _mm_xor_si128(row_bytes(c, cur, r.b.in), _mm_set1_epi8(static_cast<char>(0x80)));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(logits_q), q);
  kernels::softmax_q(logits_q, static_cast<int>(r.n), r.scale, r.zp, probs);
}

// Runs one sample's records after its input row was emitted (S: the width's run_conv, run_add,
// run_pool), then moves every ring on by one row.
template <class S, class Cur>
inline void run_records(const Ctx& c, Head* h, Cur& cur, std::int8_t* logits_q, float* probs) {
  const std::uint8_t* rec = c.base + kRecOff;
  for (std::uint32_t i = 0; i < h->n_recs; ++i) {
    const auto& rb = *reinterpret_cast<const RecBase*>(rec);
    switch (rb.type) {
      case kConvRec:
        S::run_conv(c, rec, cur);
        break;
      case kAddRec:
        S::run_add(c, rec, cur);
        break;
      case kPoolRec:
        S::run_pool(c, rec, cur);
        break;
      default:
        run_softmax(c, rec, cur, logits_q, probs);
        break;
    }
    rec += rb.size;
  }
  for (std::uint32_t t = 0; t + 1 < h->n_tensors; ++t)
    h->pos[t] = static_cast<std::uint16_t>(h->pos[t] + 1 == h->ring_len[t] ? 0 : h->pos[t] + 1);
}

}  // namespace
}  // namespace css::nn::detail::streamx

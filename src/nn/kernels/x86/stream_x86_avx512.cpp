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
// Region layout (64-byte aligned inside the caller's region): Head, input mean and std (16
// floats each), the pool's running sums (16 int32), the op records, then the rings (rows of 16
// bytes, u8 domain).
#include <cstring>

#include "css/nn/format.hpp"
#include "kernels/kernel_table.hpp"
#include "runtime/op_params.hpp"

#include "avx512_target_begin.hpp"  // last include: AVX-512 code from here on

namespace css::nn::detail {
namespace {

namespace f = format;
using avx512q::Rq;
using avx512q::TermP;

constexpr int kLanes = 16;
constexpr std::size_t kRow = 16;  // ring row: 16 u8 lanes
constexpr std::size_t kVec = 64;

enum RecType : std::uint8_t { kConvRec, kAddRec, kPoolRec, kSoftmaxRec };
enum ConvFlags : std::uint8_t { kFused = 1, kConvSign = 2 };

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

// Conv / dense (kernel 1), optionally with the following Add fused: per-lane vectors
// (ConvVec rows), then the weights [kernel][groups][16 lanes][4 bytes].
struct ConvHead {
  RecBase b;
  std::int32_t lo = 0, hi = 255;  // the conv's clamp, u8 domain
  TermP conv_term, other_term;    // fused add: the terms of the conv output and the other input
  Rq add_out;
};
// The sign rows are stored only when some channel needs them (kConvSign).
enum ConvVec { kCorr, kMul, kKEven, kKOdd, kEEven, kEOdd, kNegEven, kNegOdd, kConvVecs };
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

std::uint8_t* align64(std::uint8_t* p) {
  return p + (64 - reinterpret_cast<std::uintptr_t>(p) % 64) % 64;
}
int groups_of(int ch) {
  return (ch + 3) / 4;
}
std::size_t conv_vecs(bool sign) {
  return sign ? kConvVecs : kNegEven;
}
std::size_t conv_rec_bytes(int in_ch, int kernel, bool sign) {
  return kConvHeadBytes + conv_vecs(sign) * kVec + std::size_t(kernel) * groups_of(in_ch) * kVec;
}
bool is_conv(const OpView& op) {
  return op.type == f::OpType::kConv1d || op.type == f::OpType::kDense;
}
int kernel_of(const OpView& op) {
  return op.type == f::OpType::kDense ? 1 : op.kernel;
}
int dilation_of(const OpView& op) {
  return op.type == f::OpType::kDense ? 1 : op.dilation;
}

// The conv's requantisation per output channel; false when some channel needs the general form.
bool conv_rqs(const kernels::ConvQ& p, Rq* rq) {
  for (int o = 0; o < p.out_ch; ++o) {
    const std::int8_t* w = p.weights + std::ptrdiff_t(o) * p.kernel * p.in_ch;
    std::int64_t sum_abs = 0;
    for (int i = 0; i < p.kernel * p.in_ch; ++i) sum_abs += w[i] < 0 ? -w[i] : w[i];
    const std::int64_t bias = p.bias_eff[o];
    rq[o] = avx512q::make_rq(p.multiplier[o], p.shift[o], p.out_zp, p.act_min, p.act_max,
                             (bias < 0 ? -bias : bias) + 128 * sum_abs, p.act_min < p.out_zp);
    if (rq[o].fast == 0) return false;
  }
  return true;
}

bool any_sign(const Rq* rq, int n) {
  for (int o = 0; o < n; ++o)
    if (rq[o].k_neg != 0) return true;
  return false;
}

bool add_ok(const kernels::AddQ& q) {
  return avx512q::term_ok(q.a_shift) && avx512q::term_ok(q.b_shift);
}

// Walks the ops as init() packs them; returns the records' bytes, 0 if unsupported.
std::size_t program_bytes(const Model& m) {
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

std::size_t ring_bytes(const Model& m, const std::uint16_t* ring_len) {
  std::size_t n = 0;
  for (std::size_t t = 0; t + 1 < m.num_tensors(); ++t) n += std::size_t{ring_len[t]} * kRow;
  return n;
}

std::size_t region_bytes(const Model& m, const std::uint16_t* ring_len) {
  const std::size_t prog = program_bytes(m);
  if (prog == 0) return 0;
  return 63 + kRecOff + prog + ring_bytes(m, ring_len);
}

void put_vec32(std::uint8_t* dst, const std::int32_t* v) {
  std::memcpy(dst, v, kVec);
}
void put_vec64(std::uint8_t* dst, const std::int64_t* v) {
  std::memcpy(dst, v, kVec);
}

std::size_t pack_conv(const Model& m, std::size_t i, std::uint8_t* dst) {
  const OpView op = m.op(i);
  kernels::ConvQ p = conv_params(m, op);
  p.kernel = kernel_of(op);
  const int g_n = groups_of(p.in_ch);
  Rq rq[kLanes];
  conv_rqs(p, rq);
  const bool sign = any_sign(rq, p.out_ch);
  const std::size_t size = conv_rec_bytes(p.in_ch, p.kernel, sign);
  std::memset(dst, 0, size);
  ConvHead h;
  h.b.type = kConvRec;
  h.b.groups = static_cast<std::uint8_t>(g_n);
  h.b.kernel = static_cast<std::uint8_t>(p.kernel);
  h.b.in = op.in0;
  h.b.out = static_cast<std::uint16_t>(i + 1);
  h.b.dilation = static_cast<std::uint16_t>(dilation_of(op));
  h.b.size = static_cast<std::uint32_t>(size);
  h.lo = p.act_min + 128;
  h.hi = p.act_max + 128;
  if (sign) h.b.flags |= kConvSign;
  std::int32_t corr[kLanes] = {}, mul[kLanes] = {};
  std::int64_t k[2][kLanes / 2] = {}, e[2][kLanes / 2] = {}, neg[2][kLanes / 2] = {};
  auto* w = reinterpret_cast<std::int8_t*>(dst + kConvHeadBytes + conv_vecs(sign) * kVec);
  for (int o = 0; o < p.out_ch; ++o) {
    const std::int8_t* src = p.weights + std::ptrdiff_t(o) * p.kernel * p.in_ch;
    std::int32_t sum_w = 0;
    for (int j = 0; j < p.kernel; ++j) {
      for (int c = 0; c < p.in_ch; ++c) {
        sum_w += src[j * p.in_ch + c];
        w[((j * g_n + c / 4) * kLanes + o) * 4 + c % 4] = src[j * p.in_ch + c];
      }
    }
    corr[o] = p.bias_eff[o] - 128 * sum_w;  // the +128 of the u8 inputs, undone
    mul[o] = rq[o].mult;
    k[o % 2][o / 2] = rq[o].k_pos;
    e[o % 2][o / 2] = rq[o].e;
    neg[o % 2][o / 2] = rq[o].k_neg;
  }
  std::uint8_t* v = dst + kConvHeadBytes;
  put_vec32(v + kCorr * kVec, corr);
  put_vec32(v + kMul * kVec, mul);
  put_vec64(v + kKEven * kVec, k[0]);
  put_vec64(v + kKOdd * kVec, k[1]);
  put_vec64(v + kEEven * kVec, e[0]);
  put_vec64(v + kEOdd * kVec, e[1]);
  if (sign) {
    put_vec64(v + kNegEven * kVec, neg[0]);
    put_vec64(v + kNegOdd * kVec, neg[1]);
  }
  if (op.type == f::OpType::kConv1d && conv_feeds_only_next_add(m, i)) {
    const OpView add = m.op(i + 1);
    const kernels::AddQ q = add_params(m, add);
    const bool conv_is_a = add.in0 == i + 1;
    h.b.flags |= kFused;
    h.b.out = static_cast<std::uint16_t>(i + 2);
    h.b.other = conv_is_a ? add.in1 : add.in0;
    const TermP ta = avx512q::make_term_p(q.a_mult, q.a_shift, q.a_zp);
    const TermP tb = avx512q::make_term_p(q.b_mult, q.b_shift, q.b_zp);
    h.conv_term = conv_is_a ? ta : tb;
    h.other_term = conv_is_a ? tb : ta;
    h.add_out = avx512q::add_out_rq(q);
  }
  std::memcpy(dst, &h, sizeof h);
  return size;
}

std::size_t pack_op(const Model& m, std::size_t i, std::uint8_t* dst) {
  const OpView op = m.op(i);
  if (is_conv(op)) return pack_conv(m, i, dst);
  auto put = [&](const auto& rec) {
    const std::size_t size = round64(sizeof rec);
    std::memset(dst, 0, size);
    std::memcpy(dst, &rec, sizeof rec);
    return size;
  };
  if (op.type == f::OpType::kAdd) {
    const kernels::AddQ q = add_params(m, op);
    AddRec r;
    r.b = {kAddRec, 0,      1,
           0,       op.in0, static_cast<std::uint16_t>(i + 1),
           op.in1,  1,      static_cast<std::uint32_t>(round64(sizeof(AddRec)))};
    r.ta = avx512q::make_term_p(q.a_mult, q.a_shift, q.a_zp);
    r.tb = avx512q::make_term_p(q.b_mult, q.b_shift, q.b_zp);
    r.out = avx512q::add_out_rq(q);
    return put(r);
  }
  if (op.type == f::OpType::kGlobalAvgPool) {
    PoolRec r;
    r.b = {kPoolRec, 0,      1,
           0,        op.in0, static_cast<std::uint16_t>(i + 1),
           0,        1,      static_cast<std::uint32_t>(round64(sizeof(PoolRec)))};
    r.window = m.window();
    // |sum of (q - zp) over the window| <= 255 * window.
    r.rq = avx512q::make_rq(op.q[0], op.q[1], op.out.zero_point, -128, 127,
                            std::int64_t{255} * m.window(), true);
    return put(r);
  }
  const QuantParams qp = m.tensor_quant(op.in0);
  SoftmaxRec r;
  r.b = {kSoftmaxRec, 0,      1,
         0,           op.in0, static_cast<std::uint16_t>(i + 1),
         0,           1,      static_cast<std::uint32_t>(round64(sizeof(SoftmaxRec)))};
  r.n = op.in_channels;
  r.scale = qp.scale;
  r.zp = qp.zero_point;
  return put(r);
}

std::size_t bytes(const Model& m, const std::uint16_t* ring_len) {
  return region_bytes(m, ring_len);
}

void reset(std::uint8_t* region) {
  std::uint8_t* base = align64(region);
  auto* h = reinterpret_cast<Head*>(base);
  for (std::uint32_t t = 0; t + 1 < h->n_tensors; ++t) {
    std::memset(base + h->ring_off[t], h->zp_u[t], std::size_t{h->ring_len[t]} * kRow);
    h->pos[t] = 0;
  }
  std::memset(base + kSumsOff, 0, kVec);
}

void init(const Model& m, const std::uint16_t* ring_len, std::uint8_t* region) {
  std::uint8_t* base = align64(region);
  Head h{};
  h.n_tensors = static_cast<std::uint32_t>(m.num_tensors());
  h.in_ch = m.input_channels();
  h.in_scale = m.tensor_quant(0).scale;
  h.in_zp = m.tensor_quant(0).zero_point;
  float mean[kLanes] = {}, stdv[kLanes];
  for (int c = 0; c < kLanes; ++c) {
    mean[c] = c < m.input_channels() ? m.input_mean(std::size_t(c)) : 0.0f;
    stdv[c] = c < m.input_channels() ? m.input_std(std::size_t(c)) : 1.0f;
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

struct Cur {
  __m512i v;  // u8-domain lanes of tensor t's newest row
  __m128i b;  // the same as bytes
  std::uint32_t t;
};

struct Ctx {
  std::uint8_t* base;
  const Head* h;
};

inline std::uint8_t* row(const Ctx& c, std::uint32_t t, std::uint32_t back) {
  const std::uint32_t len = c.h->ring_len[t], p = c.h->pos[t];
  const std::uint32_t slot = p >= back ? p - back : p + len - back;
  return c.base + c.h->ring_off[t] + std::size_t{slot} * kRow;
}

inline __m128i row_bytes(const Ctx& c, const Cur& cur, std::uint32_t t) {
  return t == cur.t ? cur.b : _mm_loadu_si128(reinterpret_cast<const __m128i*>(row(c, t, 0)));
}
inline __m512i row_lanes(const Ctx& c, const Cur& cur, std::uint32_t t) {
  return t == cur.t ? cur.v : _mm512_cvtepu8_epi32(row_bytes(c, cur, t));
}

inline void emit(const Ctx& c, Cur& cur, std::uint32_t t, __m512i v) {
  cur.v = v;
  cur.b = _mm512_cvtepi32_epi8(v);
  cur.t = t;
  _mm_storeu_si128(reinterpret_cast<__m128i*>(row(c, t, 0)), cur.b);
}

inline __m512i vec(const std::uint8_t* v, int i) {
  return _mm512_load_si512(v + i * kVec);
}
inline __m512i bcast_u32(const std::uint8_t* p) {
  std::uint32_t x;
  std::memcpy(&x, p, 4);
  return _mm512_set1_epi32(static_cast<int>(x));
}

// The conv's int32 accumulator: older taps from the ring in up to four chains (off the
// sample's dependency chain), then the current row's G dwords broadcast from registers.
template <int G>
inline __m512i conv_acc(const Ctx& c, const RecBase& r, const std::uint8_t* v,
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
inline __m512i conv_requant(__m512i acc, const std::uint8_t* v, bool sign, std::int32_t lo,
                            std::int32_t hi) {
  const __m512i m = vec(v, kMul);
  const __m512i pe = _mm512_mul_epi32(acc, m);
  const __m512i po = _mm512_mul_epi32(_mm512_srli_epi64(acc, 32), _mm512_srli_epi64(m, 32));
  __m512i ve = _mm512_add_epi64(pe, vec(v, kKEven));
  __m512i vo = _mm512_add_epi64(po, vec(v, kKOdd));
  if (sign) {
    const __m512i nb = _mm512_set1_epi64(-(std::int64_t{1} << 30));
    ve = _mm512_mask_add_epi64(ve, _mm512_cmplt_epi64_mask(pe, nb), ve, vec(v, kNegEven));
    vo = _mm512_mask_add_epi64(vo, _mm512_cmplt_epi64_mask(po, nb), vo, vec(v, kNegOdd));
  }
  const __m512i r = _mm512_mask_shuffle_epi32(_mm512_srav_epi64(ve, vec(v, kEEven)), 0xAAAA,
                                              _mm512_srav_epi64(vo, vec(v, kEOdd)), _MM_PERM_CDAB);
  return _mm512_min_epi32(_mm512_max_epi32(r, _mm512_set1_epi32(lo)), _mm512_set1_epi32(hi));
}

inline void run_conv(const Ctx& c, const std::uint8_t* rec, Cur& cur) {
  const auto& h = *reinterpret_cast<const ConvHead*>(rec);
  const std::uint8_t* v = rec + kConvHeadBytes;
  const bool sign = (h.b.flags & kConvSign) != 0;
  const std::uint8_t* w = v + conv_vecs(sign) * kVec;
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

inline void run_add(const Ctx& c, const std::uint8_t* rec, Cur& cur) {
  const auto& r = *reinterpret_cast<const AddRec*>(rec);
  const __m512i a = row_lanes(c, cur, r.b.in);
  const __m512i b = row_lanes(c, cur, r.b.other);
  emit(c, cur, r.b.out,
       avx512q::requant(_mm512_add_epi32(avx512q::term(a, r.ta), avx512q::term(b, r.tb)), r.out));
}

inline void run_pool(const Ctx& c, const std::uint8_t* rec, Cur& cur) {
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

inline void run_softmax(const Ctx& c, const std::uint8_t* rec, const Cur& cur,
                        std::int8_t* logits_q, float* probs) {
  const auto& r = *reinterpret_cast<const SoftmaxRec*>(rec);
  const __m128i q =
      _mm_xor_si128(row_bytes(c, cur, r.b.in), _mm_set1_epi8(static_cast<char>(0x80)));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(logits_q), q);
  kernels::softmax_q(logits_q, static_cast<int>(r.n), r.scale, r.zp, probs);
}

bool push(std::uint8_t* region, const float* sample, std::int8_t* logits_q, float* probs) {
  std::uint8_t* base = align64(region);
  auto* h = reinterpret_cast<Head*>(base);
  const auto in_mask = static_cast<__mmask16>((1u << h->in_ch) - 1);
  const __m512 x = _mm512_maskz_loadu_ps(in_mask, sample);
  if (_mm512_cmp_ps_mask(_mm512_abs_ps(x), _mm512_set1_ps(__builtin_inff()), _CMP_LT_OQ) != 0xFFFF)
    return false;
  const __m512i q =
      avx512q::quantize(x, _mm512_load_ps(base + kMeanOff), _mm512_load_ps(base + kStdOff),
                        _mm512_set1_ps(h->in_scale), _mm512_set1_ps(static_cast<float>(h->in_zp)));
  const Ctx c{base, h};
  Cur cur{};
  emit(c, cur, 0, _mm512_add_epi32(q, _mm512_set1_epi32(128)));
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

}  // namespace

const StreamKernels kAvx512Stream{bytes, init, reset, push};

}  // namespace css::nn::detail

#include "avx512_target_end.hpp"

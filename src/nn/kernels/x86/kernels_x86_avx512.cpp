// AVX-512 VNNI int8 kernels (x86-64 builds only; selected at run time when the CPU has
// avx512f/bw/vl/vnni). Conv1D as a small GEMM whose vector lanes are 16 output channels:
//  - the input is copied once per layer into the scratch as uint8 (x + 128) rows padded to a
//    multiple of 4 channels, with the causal padding rows in front, so every tap of every
//    step is a plain row pointer and 4 (channel) bytes broadcast into one dword;
//  - vpdpbusd multiplies those 4 uint8 by 4 int8 weights per lane and adds into int32; the
//    +128 shift is undone by a per-channel constant (bias_eff - 128 * sum(w)) folded at pack
//    time, so every sum is exact and equals the reference's int32 accumulator;
//  - accumulators are [time][channel] rows already, so requantisation runs on 16 channels at
//    once with per-lane multiplier/shift and stores straight into the channels-last output.
// Requantisation evaluates the gemmlowp roundings of fixed_point.hpp lane by lane in 32-bit
// form (high-mul via two vpmuldq, rounding shift via mask/threshold): bit-exact.
#include <cstring>
#include <limits>

#include "css/nn/format.hpp"
#include "kernels/kernel_table.hpp"
#include "kernels/x86/planes_x86.hpp"

#include "avx512_target_begin.hpp"  // last include: AVX-512 code from here on

namespace css::nn::detail {
namespace {

constexpr int kLanes = 16;
// Per block of 16 output channels: six int32 parameter rows, then the weights
// [kernel][groups][16 lanes][4 bytes].
// The last five rows hold conv_step's exact 64-bit form (avx512_requant.hpp): K and the shift
// for the even and the odd channels (int64 lanes), and whether every channel of the block can
// use it (kSimple[0] != 0).
enum ParamRow {
  kCorr,
  kMult,
  kLeft,
  kMask,
  kHalf,
  kRight,
  kKEven,
  kKOdd,
  kEEven,
  kEOdd,
  kSimple,
  kParamRows
};

struct Layout {
  int cp, groups, blocks;
  std::size_t block_bytes;
};

Layout layout(int in_ch, int out_ch, int kernel) {
  Layout l{};
  l.cp = (in_ch + 3) / 4 * 4;
  l.groups = l.cp / 4;
  l.blocks = (out_ch + kLanes - 1) / kLanes;
  l.block_bytes = std::size_t{kParamRows} * 64 + std::size_t(kernel) * std::size_t(l.groups) * 64;
  return l;
}

// The channels-last blocks (conv_step, conv_window), then the plane path's records.
std::size_t block_bytes(int in_ch, int out_ch, int kernel) {
  const Layout l = layout(in_ch, out_ch, kernel);
  return std::size_t(l.blocks) * l.block_bytes;
}
std::size_t packed_bytes(int in_ch, int out_ch, int kernel) {
  return block_bytes(in_ch, out_ch, kernel) + planes::packed_bytes(in_ch, out_ch, kernel);
}
std::size_t window_scratch_bytes(int in_ch, int kernel, int dilation, int steps) {
  return std::size_t(layout(in_ch, 1, kernel).cp) * std::size_t((kernel - 1) * dilation + steps);
}
std::size_t step_scratch_bytes(int, int) {
  return 4;
}

void pack(const kernels::ConvQ& p, std::uint8_t* dst) {
  planes::pack(p, dst + block_bytes(p.in_ch, p.out_ch, p.kernel));
  const Layout l = layout(p.in_ch, p.out_ch, p.kernel);
  for (int b = 0; b < l.blocks; ++b) {
    std::uint8_t* blk = dst + std::size_t(b) * l.block_bytes;
    std::memset(blk, 0, l.block_bytes);
    auto* prm = reinterpret_cast<std::int32_t*>(blk);
    auto* w = reinterpret_cast<std::int8_t*>(blk + kParamRows * 64);
    std::int64_t k_e[8] = {}, k_o[8] = {}, e_e[8] = {}, e_o[8] = {};
    bool simple = true;
    for (int lane = 0; lane < kLanes && b * kLanes + lane < p.out_ch; ++lane) {
      const int o = b * kLanes + lane;
      const std::int8_t* src = p.weights + std::ptrdiff_t(o) * p.kernel * p.in_ch;
      std::int32_t sum_w = 0;
      std::int64_t sum_abs = 0;
      for (int j = 0; j < p.kernel; ++j) {
        for (int c = 0; c < p.in_ch; ++c) {
          const std::int8_t v = src[j * p.in_ch + c];
          sum_w += v;
          sum_abs += v < 0 ? -v : v;
          w[((j * l.groups + c / 4) * kLanes + lane) * 4 + c % 4] = v;
        }
      }
      const std::int32_t bias = p.bias_eff[o];
      const avx512q::Rq r = avx512q::make_rq(
          p.multiplier[o], p.shift[o], p.out_zp, p.act_min, p.act_max,
          (bias < 0 ? -std::int64_t{bias} : bias) + 128 * sum_abs, p.act_min < p.out_zp);
      simple = simple && r.fast != 0 && r.k_neg == 0 && r.e >= 32;
      (lane % 2 == 0 ? k_e : k_o)[lane / 2] = r.k_pos;
      (lane % 2 == 0 ? e_e : e_o)[lane / 2] = lane % 2 == 0 ? r.e : r.e - 32;
      const std::int32_t shift = p.shift[o];
      const std::int32_t right = shift > 0 ? 0 : -shift;
      const auto mask = static_cast<std::int32_t>((std::int64_t{1} << right) - 1);
      prm[kCorr * kLanes + lane] = p.bias_eff[o] - 128 * sum_w;
      prm[kMult * kLanes + lane] = p.multiplier[o];
      prm[kLeft * kLanes + lane] = shift > 0 ? shift : 0;
      prm[kMask * kLanes + lane] = mask;
      prm[kHalf * kLanes + lane] = mask >> 1;
      prm[kRight * kLanes + lane] = right;
    }
    std::memcpy(blk + kKEven * 64, k_e, 64);
    std::memcpy(blk + kKOdd * 64, k_o, 64);
    std::memcpy(blk + kEEven * 64, e_e, 64);
    std::memcpy(blk + kEOdd * 64, e_o, 64);
    prm[kSimple * kLanes] = simple ? 1 : 0;
  }
}

struct Requant {
  __m512i mult, left, mask, half, right;
  bool any_left;
};

inline Requant load_requant(const std::int32_t* prm) {
  Requant r;
  r.mult = _mm512_loadu_si512(prm + kMult * kLanes);
  r.left = _mm512_loadu_si512(prm + kLeft * kLanes);
  r.mask = _mm512_loadu_si512(prm + kMask * kLanes);
  r.half = _mm512_loadu_si512(prm + kHalf * kLanes);
  r.right = _mm512_loadu_si512(prm + kRight * kLanes);
  r.any_left = _mm512_test_epi32_mask(r.left, r.left) != 0;
  return r;
}

inline Requant broadcast_requant(std::int32_t multiplier, std::int32_t shift) {
  const std::int32_t right = shift > 0 ? 0 : -shift;
  const auto mask = static_cast<std::int32_t>((std::int64_t{1} << right) - 1);
  return {_mm512_set1_epi32(multiplier), _mm512_set1_epi32(shift > 0 ? shift : 0),
          _mm512_set1_epi32(mask),       _mm512_set1_epi32(mask >> 1),
          _mm512_set1_epi32(right),      shift > 0};
}

// rounding_divide_by_pot per lane: (x >> e) + (remainder > (mask >> 1) + (x < 0)).
inline __m512i rounding_divide(__m512i x, const Requant& r) {
  const __m512i one = _mm512_set1_epi32(1);
  const __m512i rem = _mm512_and_si512(x, r.mask);
  const __m512i thr = _mm512_mask_add_epi32(
      r.half, _mm512_cmplt_epi32_mask(x, _mm512_setzero_si512()), r.half, one);
  const __m512i q = _mm512_srav_epi32(x, r.right);
  return _mm512_mask_add_epi32(q, _mm512_cmpgt_epi32_mask(rem, thr), q, one);
}

// multiply_by_quantized_multiplier on 16 lanes.
inline __m512i mbqm(__m512i v, const Requant& r) {
  if (r.any_left) {  // saturating left shift: overflowed iff shifting back loses bits
    const __m512i sh = _mm512_sllv_epi32(v, r.left);
    const __mmask16 ovf = _mm512_cmpneq_epi32_mask(_mm512_srav_epi32(sh, r.left), v);
    const __m512i sat =
        _mm512_mask_blend_epi32(_mm512_cmplt_epi32_mask(v, _mm512_setzero_si512()),
                                _mm512_set1_epi32(INT32_MAX), _mm512_set1_epi32(INT32_MIN));
    v = _mm512_mask_mov_epi32(sh, ovf, sat);
  }
  // (v * m + 2^30) >> 31 for even and odd lanes; the result fits int32, so its low dword is
  // bits 31..62 of the 64-bit sum whatever the shift kind.
  const __m512i nudge = _mm512_set1_epi64(std::int64_t{1} << 30);
  const __m512i even = _mm512_add_epi64(_mm512_mul_epi32(v, r.mult), nudge);
  const __m512i odd = _mm512_add_epi64(
      _mm512_mul_epi32(_mm512_srli_epi64(v, 32), _mm512_srli_epi64(r.mult, 32)), nudge);
  const __m512i hi =
      _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(even, 31), _mm512_slli_epi64(odd, 1));
  return rounding_divide(hi, r);
}

inline void store_out(__m512i v, __m512i zp, __m512i lo, __m512i hi, __mmask16 lanes,
                      std::int8_t* out) {
  v = _mm512_min_epi32(_mm512_max_epi32(_mm512_add_epi32(v, zp), lo), hi);
  _mm_mask_storeu_epi8(out, lanes, _mm512_cvtepi32_epi8(v));
}

inline std::uint32_t load_u32(const std::uint8_t* p) {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

struct ConvCtx {
  const kernels::ConvQ* p;
  const std::uint8_t* x;  // uint8 rows of cp bytes, causal padding in front
  const std::uint8_t* w;  // this block's weights
  int cp, groups, dilation;
  __m512i corr, zp, lo, hi;
  Requant rq;
  __mmask16 lanes;
};

// R consecutive output steps of one block of channels: each weight load feeds R vpdpbusd.
template <int R>
inline void conv_rows(const ConvCtx& c, int t, std::int8_t* out_block) {
  __m512i acc[R];
  for (int r = 0; r < R; ++r) acc[r] = c.corr;
  for (int j = 0; j < c.p->kernel; ++j) {
    const std::uint8_t* xj = c.x + std::ptrdiff_t(t + j * c.dilation) * c.cp;
    const std::uint8_t* wj = c.w + std::ptrdiff_t(j) * c.groups * 64;
    for (int g = 0; g < c.groups; ++g) {
      const __m512i wv = _mm512_loadu_si512(wj + g * 64);
      for (int r = 0; r < R; ++r) {
        const __m512i xv = _mm512_set1_epi32(static_cast<int>(load_u32(xj + r * c.cp + 4 * g)));
        acc[r] = _mm512_dpbusd_epi32(acc[r], xv, wv);
      }
    }
  }
  for (int r = 0; r < R; ++r)
    store_out(mbqm(acc[r], c.rq), c.zp, c.lo, c.hi, c.lanes,
              out_block + std::ptrdiff_t(t + r) * c.p->out_ch);
}

// in (int8, in_ch per row) -> x (uint8 = in + 128, cp per row); pad channels get 128 (their
// weights are 0).
void to_u8_rows(const std::int8_t* in, int steps, int in_ch, int cp, std::uint8_t* x) {
  const __m512i flip = _mm512_set1_epi8(static_cast<char>(0x80));
  for (int t = 0; t < steps; ++t) {
    for (int c0 = 0; c0 < cp; c0 += 64) {
      const int n_in = in_ch - c0 < 64 ? in_ch - c0 : 64;
      const int n_out = cp - c0 < 64 ? cp - c0 : 64;
      const __mmask64 m_in = n_in >= 64 ? ~__mmask64{0} : ((__mmask64{1} << n_in) - 1);
      const __mmask64 m_out = n_out >= 64 ? ~__mmask64{0} : ((__mmask64{1} << n_out) - 1);
      const __m512i v = _mm512_maskz_loadu_epi8(m_in, in + std::ptrdiff_t(t) * in_ch + c0);
      _mm512_mask_storeu_epi8(x + std::ptrdiff_t(t) * cp + c0, m_out, _mm512_xor_si512(v, flip));
    }
  }
}

void conv_window(const kernels::ConvQ& p, const std::uint8_t* packed, int dilation,
                 const std::int8_t* in, int steps, const std::int8_t* zp_row, std::int8_t* out,
                 std::uint8_t* scratch) {
  const Layout l = layout(p.in_ch, p.out_ch, p.kernel);
  const int span = (p.kernel - 1) * dilation;
  std::memset(scratch, static_cast<std::uint8_t>(zp_row[0]) ^ 0x80u, std::size_t(span) * l.cp);
  to_u8_rows(in, steps, p.in_ch, l.cp, scratch + std::ptrdiff_t(span) * l.cp);
  ConvCtx c{};
  c.p = &p;
  c.x = scratch;
  c.cp = l.cp;
  c.groups = l.groups;
  c.dilation = dilation;
  c.zp = _mm512_set1_epi32(p.out_zp);
  c.lo = _mm512_set1_epi32(p.act_min);
  c.hi = _mm512_set1_epi32(p.act_max);
  for (int b = 0; b < l.blocks; ++b) {
    const std::uint8_t* blk = packed + std::size_t(b) * l.block_bytes;
    const auto* prm = reinterpret_cast<const std::int32_t*>(blk);
    c.w = blk + kParamRows * 64;
    c.corr = _mm512_loadu_si512(prm + kCorr * kLanes);
    c.rq = load_requant(prm);
    const int n = p.out_ch - b * kLanes < kLanes ? p.out_ch - b * kLanes : kLanes;
    c.lanes = static_cast<__mmask16>((1u << n) - 1);
    std::int8_t* ob = out + b * kLanes;
    int t = 0;
    for (; t + 8 <= steps; t += 8) conv_rows<8>(c, t, ob);
    for (; t + 2 <= steps; t += 2) conv_rows<2>(c, t, ob);
    for (; t < steps; ++t) conv_rows<1>(c, t, ob);
  }
}

// One step of one block of 16 output channels from tap pointers (streaming, dense): the taps are
// int8 rows of in_ch bytes. Returns zp + 128 + mbqm(acc) (the uint8 domain), before the clamp.
inline __m512i step_block(const kernels::ConvQ& p, const Layout& l, const std::uint8_t* blk,
                          const std::int8_t* const* taps) {
  const auto* prm = reinterpret_cast<const std::int32_t*>(blk);
  const std::uint8_t* w = blk + kParamRows * 64;
  // The K * groups input dwords (x + 128), then four accumulator chains over them: a streaming
  // step is latency-bound (every op waits for the one before).
  std::uint32_t xs[format::kMaxKernel * (format::kMaxChannels / 4)];
  int n = 0;
  for (int j = 0; j < p.kernel; ++j) {
    const auto* tap = reinterpret_cast<const std::uint8_t*>(taps[j]);
    for (int g = 0; g < l.groups; ++g, ++n) {
      std::uint32_t v = 0;
      if (4 * g + 4 <= p.in_ch) {
        std::memcpy(&v, tap + 4 * g, 4);  // fixed size: one load, no library call
      } else {
        for (int c = 4 * g; c < p.in_ch; ++c) v |= std::uint32_t{tap[c]} << (8 * (c - 4 * g));
      }
      xs[n] = v ^ 0x80808080u;
    }
  }
  auto dot = [&](__m512i acc, int i) {
    return _mm512_dpbusd_epi32(acc, _mm512_set1_epi32(static_cast<int>(xs[i])),
                               _mm512_loadu_si512(w + i * 64));
  };
  __m512i a0 = _mm512_loadu_si512(prm + kCorr * kLanes), a1 = _mm512_setzero_si512();
  __m512i a2 = _mm512_setzero_si512(), a3 = _mm512_setzero_si512();
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    a0 = dot(a0, i);
    a1 = dot(a1, i + 1);
    a2 = dot(a2, i + 2);
    a3 = dot(a3, i + 3);
  }
  for (; i < n; ++i) a0 = dot(a0, i);
  const __m512i sum = _mm512_add_epi32(_mm512_add_epi32(a0, a1), _mm512_add_epi32(a2, a3));
  if (prm[kSimple * kLanes] != 0) {  // floor((acc * m + K) / 2^E), K holding zp + 128
    const __m512i m = _mm512_loadu_si512(prm + kMult * kLanes);
    const __m512i ve =
        _mm512_add_epi64(_mm512_mul_epi32(sum, m), _mm512_loadu_si512(blk + kKEven * 64));
    const __m512i vo =
        _mm512_add_epi64(_mm512_mul_epi32(_mm512_srli_epi64(sum, 32), _mm512_srli_epi64(m, 32)),
                         _mm512_loadu_si512(blk + kKOdd * 64));
    return _mm512_mask_blend_epi32(0xAAAA,
                                   _mm512_srav_epi64(ve, _mm512_loadu_si512(blk + kEEven * 64)),
                                   _mm512_srav_epi64(vo, _mm512_loadu_si512(blk + kEOdd * 64)));
  }
  return _mm512_add_epi32(mbqm(sum, load_requant(prm)), _mm512_set1_epi32(p.out_zp + 128));
}

__mmask16 block_lanes(int out_ch, int b) {
  const int n = out_ch - b * kLanes < kLanes ? out_ch - b * kLanes : kLanes;
  return static_cast<__mmask16>((1u << n) - 1);
}

void conv_step(const kernels::ConvQ& p, const std::uint8_t* packed, const std::int8_t* const* taps,
               std::int8_t* out, std::uint8_t*) {
  const Layout l = layout(p.in_ch, p.out_ch, p.kernel);
  const __m512i zp = _mm512_set1_epi32(-128);  // step_block's uint8 domain back to int8
  const __m512i lo = _mm512_set1_epi32(p.act_min);
  const __m512i hi = _mm512_set1_epi32(p.act_max);
  for (int b = 0; b < l.blocks; ++b)
    store_out(step_block(p, l, packed + std::size_t(b) * l.block_bytes, taps), zp, lo, hi,
              block_lanes(p.out_ch, b), out + b * kLanes);
}

// add_ref's arithmetic on 16 int8 values held as int32 lanes: mbqm of the saturated sum,
// before the output zero point and clamp.
inline __m512i add_vec(const kernels::AddQ& p, const Requant& ra, const Requant& rb,
                       const Requant& ro, __m512i va, __m512i vb) {
  const __m512i sa = mbqm(
      _mm512_slli_epi32(_mm512_sub_epi32(va, _mm512_set1_epi32(p.a_zp)), kernels::kAddLeftShift),
      ra);
  const __m512i sb = mbqm(
      _mm512_slli_epi32(_mm512_sub_epi32(vb, _mm512_set1_epi32(p.b_zp)), kernels::kAddLeftShift),
      rb);
  // int32 saturating add: overflow iff both operands differ in sign from the sum.
  const __m512i sum = _mm512_add_epi32(sa, sb);
  const __m512i both = _mm512_and_si512(_mm512_xor_si512(sa, sum), _mm512_xor_si512(sb, sum));
  const __mmask16 ovf = _mm512_cmplt_epi32_mask(both, _mm512_setzero_si512());
  const __m512i sat =
      _mm512_mask_blend_epi32(_mm512_cmplt_epi32_mask(sa, _mm512_setzero_si512()),
                              _mm512_set1_epi32(INT32_MAX), _mm512_set1_epi32(INT32_MIN));
  return mbqm(_mm512_mask_mov_epi32(sum, ovf, sat), ro);
}

inline void add_lanes(const kernels::AddQ& p, const Requant& ra, const Requant& rb,
                      const Requant& ro, const std::int8_t* a, const std::int8_t* b, __mmask16 m,
                      std::int8_t* out) {
  const __m512i va = _mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(m, a));
  const __m512i vb = _mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(m, b));
  store_out(add_vec(p, ra, rb, ro, va, vb), _mm512_set1_epi32(p.out_zp),
            _mm512_set1_epi32(p.act_min), _mm512_set1_epi32(p.act_max), m, out);
}

bool quantize(const float* raw, int steps, int ch, const float* mean, const float* stdv,
              float scale, std::int32_t zp, std::int8_t* out) {
  const __m512 inf = _mm512_set1_ps(__builtin_inff());
  const __m512 vscale = _mm512_set1_ps(scale);
  const __m512 vzp = _mm512_set1_ps(static_cast<float>(zp));
  for (int c0 = 0; c0 < ch; c0 += kLanes) {
    const int n = ch - c0 < kLanes ? ch - c0 : kLanes;
    const auto m = static_cast<__mmask16>((1u << n) - 1);
    const __m512 mu = _mm512_maskz_loadu_ps(m, mean + c0);
    const __m512 sd = _mm512_mask_loadu_ps(_mm512_set1_ps(1.0f), m, stdv + c0);
    for (int t = 0; t < steps; ++t) {
      const __m512 x = _mm512_maskz_loadu_ps(m, raw + std::ptrdiff_t(t) * ch + c0);
      if (_mm512_cmp_ps_mask(_mm512_abs_ps(x), inf, _CMP_LT_OQ) != 0xFFFF) return false;
      _mm_mask_storeu_epi8(out + std::ptrdiff_t(t) * ch + c0, m,
                           _mm512_cvtepi32_epi8(avx512q::quantize(x, mu, sd, vscale, vzp)));
    }
  }
  return true;
}

// The a/b terms of add: d = q - zp in [-255, 255], d << 20 never saturates, and with no left
// shift the high-mul (d * 2^20 * m + 2^30) >> 31 == (d * m + 2^10) >> 11
// == d * (m >> 11) + ((d * (m & 2047) + 2^10) >> 11): two 32-bit products, no 64-bit lanes.
inline __m512i add_term(__m512i d, __m512i m_hi, __m512i m_lo, const Requant& r) {
  const __m512i lo = _mm512_srai_epi32(
      _mm512_add_epi32(_mm512_mullo_epi32(d, m_lo), _mm512_set1_epi32(1 << 10)), 11);
  const __m512i hi = _mm512_add_epi32(_mm512_mullo_epi32(d, m_hi), lo);
  return rounding_divide(hi, r);
}

// add_vec when neither input shifts left (add() checks).
inline __m512i add_vec_fast(const kernels::AddQ& p, const Requant& ra, const Requant& rb,
                            const Requant& ro, __m512i va, __m512i vb) {
  const __m512i da = _mm512_sub_epi32(va, _mm512_set1_epi32(p.a_zp));
  const __m512i db = _mm512_sub_epi32(vb, _mm512_set1_epi32(p.b_zp));
  const __m512i sa =
      add_term(da, _mm512_set1_epi32(p.a_mult >> 11), _mm512_set1_epi32(p.a_mult & 2047), ra);
  const __m512i sb =
      add_term(db, _mm512_set1_epi32(p.b_mult >> 11), _mm512_set1_epi32(p.b_mult & 2047), rb);
  // |sa|, |sb| < 2^28 here: the int32 sum cannot overflow.
  return mbqm(_mm512_add_epi32(sa, sb), ro);
}

inline void add_lanes_fast(const kernels::AddQ& p, const Requant& ra, const Requant& rb,
                           const Requant& ro, const std::int8_t* a, const std::int8_t* b,
                           __mmask16 m, std::int8_t* out) {
  const __m512i va = _mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(m, a));
  const __m512i vb = _mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(m, b));
  store_out(add_vec_fast(p, ra, rb, ro, va, vb), _mm512_set1_epi32(p.out_zp),
            _mm512_set1_epi32(p.act_min), _mm512_set1_epi32(p.act_max), m, out);
}

void add_general(const kernels::AddQ& p, const std::int8_t* a, const std::int8_t* b, int n,
                 std::int8_t* out);

void add(const kernels::AddQ& p, const std::int8_t* a, const std::int8_t* b, int n,
         std::int8_t* out) {
  if (p.a_shift <= 0 && p.b_shift <= 0) {
    const Requant ra = broadcast_requant(p.a_mult, p.a_shift);
    const Requant rb = broadcast_requant(p.b_mult, p.b_shift);
    const Requant ro = broadcast_requant(p.out_mult, p.out_shift);
    int i = 0;
    for (; i + kLanes <= n; i += kLanes)
      add_lanes_fast(p, ra, rb, ro, a + i, b + i, 0xFFFF, out + i);
    if (i < n)
      add_lanes_fast(p, ra, rb, ro, a + i, b + i, static_cast<__mmask16>((1u << (n - i)) - 1),
                     out + i);
    return;
  }
  add_general(p, a, b, n, out);
}

void add_general(const kernels::AddQ& p, const std::int8_t* a, const std::int8_t* b, int n,
                 std::int8_t* out) {
  const Requant ra = broadcast_requant(p.a_mult, p.a_shift);
  const Requant rb = broadcast_requant(p.b_mult, p.b_shift);
  const Requant ro = broadcast_requant(p.out_mult, p.out_shift);
  int i = 0;
  for (; i + kLanes <= n; i += kLanes) add_lanes(p, ra, rb, ro, a + i, b + i, 0xFFFF, out + i);
  if (i < n)
    add_lanes(p, ra, rb, ro, a + i, b + i, static_cast<__mmask16>((1u << (n - i)) - 1), out + i);
}

// conv_step, then add_ref(conv output, other) (or add_ref(other, conv output)) on the values
// still in registers: bit-exact with the two calls. With no input left shift the add runs in
// the exact 32-bit term form of the plane kernels (avx512_requant.hpp).
void conv_step_add(const kernels::ConvQ& p, const std::uint8_t* packed,
                   const std::int8_t* const* taps, const kernels::AddQ& q, const std::int8_t* other,
                   bool conv_is_a, std::int8_t* out, std::uint8_t*) {
  const Layout l = layout(p.in_ch, p.out_ch, p.kernel);
  const __m512i lo = _mm512_set1_epi32(p.act_min + 128);
  const __m512i hi = _mm512_set1_epi32(p.act_max + 128);
  const __m512i bias128 = _mm512_set1_epi32(128);
  const avx512q::Rq out_rq = avx512q::add_out_rq(q);
  const bool fast = avx512q::term_ok(q.a_shift) && avx512q::term_ok(q.b_shift) && out_rq.fast;
  if (fast) {
    const avx512q::Term ta = avx512q::make_term(q.a_mult, q.a_shift, q.a_zp);
    const avx512q::Term tb = avx512q::make_term(q.b_mult, q.b_shift, q.b_zp);
    const avx512q::RqV ro = avx512q::broadcast(out_rq);
    for (int b = 0; b < l.blocks; ++b) {
      const __mmask16 m = block_lanes(p.out_ch, b);
      const __m512i uh = _mm512_min_epi32(
          _mm512_max_epi32(step_block(p, l, packed + std::size_t(b) * l.block_bytes, taps), lo),
          hi);
      const __m512i uo = _mm512_add_epi32(
          _mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(m, other + b * kLanes)), bias128);
      const __m512i s = _mm512_add_epi32(avx512q::term(conv_is_a ? uh : uo, ta),
                                         avx512q::term(conv_is_a ? uo : uh, tb));
      store_out(avx512q::requant(s, ro), _mm512_set1_epi32(-128), _mm512_set1_epi32(-128),
                _mm512_set1_epi32(127), m, out + b * kLanes);
    }
    return;
  }
  const Requant ra = broadcast_requant(q.a_mult, q.a_shift);
  const Requant rb = broadcast_requant(q.b_mult, q.b_shift);
  const Requant ro = broadcast_requant(q.out_mult, q.out_shift);
  for (int b = 0; b < l.blocks; ++b) {
    const __mmask16 m = block_lanes(p.out_ch, b);
    const __m512i h = _mm512_sub_epi32(
        _mm512_min_epi32(
            _mm512_max_epi32(step_block(p, l, packed + std::size_t(b) * l.block_bytes, taps), lo),
            hi),
        bias128);
    const __m512i o = _mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(m, other + b * kLanes));
    store_out(add_vec(q, ra, rb, ro, conv_is_a ? h : o, conv_is_a ? o : h),
              _mm512_set1_epi32(q.out_zp), _mm512_set1_epi32(q.act_min),
              _mm512_set1_epi32(q.act_max), m, out + b * kLanes);
  }
}

void plane_conv(const kernels::ConvQ& p, const std::uint8_t* packed, int dilation,
                const std::uint32_t* in, int steps, int pad, std::uint32_t* out,
                const planes::FusedAdd* fuse) {
  planes::conv(p, packed + block_bytes(p.in_ch, p.out_ch, p.kernel), dilation, in, steps, pad, out,
               fuse);
}

void plane_prepare(const kernels::ConvQ& p, std::uint8_t* packed, const kernels::AddQ* add,
                   bool conv_is_a) {
  planes::prepare(p, packed + block_bytes(p.in_ch, p.out_ch, p.kernel), add, conv_is_a);
}
bool plane_float(const kernels::ConvQ& p, const std::uint8_t* packed,
                 const planes::FusedAdd* fuse) {
  return planes::float_epilogue(p, packed + block_bytes(p.in_ch, p.out_ch, p.kernel), fuse);
}

const PlaneKernels kPlanes{planes::add_fusable, plane_conv,    planes::add, planes::to_planes,
                           planes::pool_sums,   plane_prepare, plane_float};

}  // namespace

const KernelTable kAvx512Table{Isa::kAvx512Vnni,   packed_bytes,  window_scratch_bytes,
                               step_scratch_bytes, pack,          conv_window,
                               conv_step,          add,           quantize,
                               &kPlanes,           conv_step_add, &kAvx512Stream};

}  // namespace css::nn::detail

#include "avx512_target_end.hpp"

// AVX2 int8 kernels (x86-64 builds only; selected at run time when the CPU has avx2 but not
// the AVX-512 VNNI path). Same GEMM shape as kernels_x86_avx512.cpp with 8 output channels
// per ymm, but the products use int16 pairs and vpmaddwd: the input is widened once per layer
// to int16 rows padded to an even channel count, weights are packed as int16 pairs per lane.
// (vpmaddubsw would be cheaper but saturates: 255 * 127 * 2 > 32767.) Every sum is exact.
// Requantisation: the 32-bit-lane evaluation of fixed_point.hpp (bit-exact).
#include <cstring>

#include "kernels/kernel_table.hpp"
#include "kernels/x86/planes_x86.hpp"

#define CSS_X86_TARGET "avx2,fma"
#include "kernels/x86/x86_target_begin.hpp"  // last include: AVX2 code from here on

#include "kernels/x86/avx2_requant.hpp"  // inside the region: its functions are AVX2 code

namespace css::nn::detail {
namespace {

constexpr int kLanes = 8;
enum ParamRow { kCorr, kMult, kLeft, kMask, kHalf, kRight, kParamRows };

struct Layout {
  int cp, groups, blocks;
  std::size_t block_bytes;
};

Layout layout(int in_ch, int out_ch, int kernel) {
  Layout l{};
  l.cp = (in_ch + 1) / 2 * 2;
  l.groups = l.cp / 2;
  l.blocks = (out_ch + kLanes - 1) / kLanes;
  l.block_bytes = std::size_t{kParamRows} * 32 + std::size_t(kernel) * std::size_t(l.groups) * 32;
  return l;
}

std::size_t block_bytes(int in_ch, int out_ch, int kernel) {
  const Layout l = layout(in_ch, out_ch, kernel);
  return std::size_t(l.blocks) * l.block_bytes;
}
// The channels-last blocks (conv_step, conv_window), then the plane path's records.
template <const PlaneSet256& S>
std::size_t packed_bytes(int in_ch, int out_ch, int kernel) {
  return block_bytes(in_ch, out_ch, kernel) + S.packed_bytes(in_ch, out_ch, kernel);
}
std::size_t window_scratch_bytes(int in_ch, int kernel, int dilation, int steps) {
  return 2 * std::size_t(layout(in_ch, 1, kernel).cp) *
         std::size_t((kernel - 1) * dilation + steps);
}
std::size_t step_scratch_bytes(int, int) {
  return 4;
}

void pack_blocks(const kernels::ConvQ& p, std::uint8_t* dst) {
  const Layout l = layout(p.in_ch, p.out_ch, p.kernel);
  for (int b = 0; b < l.blocks; ++b) {
    std::uint8_t* blk = dst + std::size_t(b) * l.block_bytes;
    std::memset(blk, 0, l.block_bytes);
    auto* prm = reinterpret_cast<std::int32_t*>(blk);
    auto* w = reinterpret_cast<std::int16_t*>(blk + kParamRows * 32);
    for (int lane = 0; lane < kLanes && b * kLanes + lane < p.out_ch; ++lane) {
      const int o = b * kLanes + lane;
      const std::int8_t* src = p.weights + std::ptrdiff_t(o) * p.kernel * p.in_ch;
      for (int j = 0; j < p.kernel; ++j)
        for (int c = 0; c < p.in_ch; ++c)
          w[((j * l.groups + c / 2) * kLanes + lane) * 2 + c % 2] = src[j * p.in_ch + c];
      const std::int32_t shift = p.shift[o];
      const std::int32_t right = shift > 0 ? 0 : -shift;
      const auto mask = static_cast<std::int32_t>((std::int64_t{1} << right) - 1);
      prm[kCorr * kLanes + lane] = p.bias_eff[o];
      prm[kMult * kLanes + lane] = p.multiplier[o];
      prm[kLeft * kLanes + lane] = shift > 0 ? shift : 0;
      prm[kMask * kLanes + lane] = mask;
      prm[kHalf * kLanes + lane] = mask >> 1;
      prm[kRight * kLanes + lane] = right;
    }
  }
}

template <const PlaneSet256& S>
void pack(const kernels::ConvQ& p, std::uint8_t* dst) {
  pack_blocks(p, dst);
  S.pack(p, dst + block_bytes(p.in_ch, p.out_ch, p.kernel));
}

template <const PlaneSet256& S>
void plane_conv(const kernels::ConvQ& p, const std::uint8_t* packed, int dilation,
                const std::uint32_t* in, int steps, int pad, std::uint32_t* out,
                const planes::FusedAdd* fuse) {
  S.kernels.conv(p, packed + block_bytes(p.in_ch, p.out_ch, p.kernel), dilation, in, steps, pad,
                 out, fuse);
}

struct Requant {
  __m256i mult, left, mask, half, right;
  bool any_left;
};

inline __m256i load8(const std::int32_t* p) {
  return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
}

inline Requant load_requant(const std::int32_t* prm) {
  Requant r;
  r.mult = load8(prm + kMult * kLanes);
  r.left = load8(prm + kLeft * kLanes);
  r.mask = load8(prm + kMask * kLanes);
  r.half = load8(prm + kHalf * kLanes);
  r.right = load8(prm + kRight * kLanes);
  r.any_left = !_mm256_testz_si256(r.left, r.left);
  return r;
}

inline Requant broadcast_requant(std::int32_t multiplier, std::int32_t shift) {
  const std::int32_t right = shift > 0 ? 0 : -shift;
  const auto mask = static_cast<std::int32_t>((std::int64_t{1} << right) - 1);
  return {_mm256_set1_epi32(multiplier), _mm256_set1_epi32(shift > 0 ? shift : 0),
          _mm256_set1_epi32(mask),       _mm256_set1_epi32(mask >> 1),
          _mm256_set1_epi32(right),      shift > 0};
}

// multiply_by_quantized_multiplier on 8 lanes (see kernels_x86_avx512.cpp for the steps).
inline __m256i mbqm(__m256i v, const Requant& r) {
  const __m256i zero = _mm256_setzero_si256();
  if (r.any_left) {
    const __m256i sh = _mm256_sllv_epi32(v, r.left);
    const __m256i ovf = _mm256_xor_si256(_mm256_cmpeq_epi32(_mm256_srav_epi32(sh, r.left), v),
                                         _mm256_set1_epi32(-1));
    const __m256i sat = _mm256_blendv_epi8(
        _mm256_set1_epi32(INT32_MAX), _mm256_set1_epi32(INT32_MIN), _mm256_cmpgt_epi32(zero, v));
    v = _mm256_blendv_epi8(sh, sat, ovf);
  }
  const __m256i nudge = _mm256_set1_epi64x(std::int64_t{1} << 30);
  const __m256i even = _mm256_add_epi64(_mm256_mul_epi32(v, r.mult), nudge);
  const __m256i odd = _mm256_add_epi64(
      _mm256_mul_epi32(_mm256_srli_epi64(v, 32), _mm256_srli_epi64(r.mult, 32)), nudge);
  const __m256i hi =
      _mm256_blend_epi32(_mm256_srli_epi64(even, 31), _mm256_slli_epi64(odd, 1), 0xAA);
  const __m256i rem = _mm256_and_si256(hi, r.mask);
  const __m256i thr = _mm256_sub_epi32(r.half, _mm256_cmpgt_epi32(zero, hi));  // + (hi < 0)
  const __m256i q = _mm256_srav_epi32(hi, r.right);
  return _mm256_sub_epi32(q, _mm256_cmpgt_epi32(rem, thr));
}

inline void store_out(__m256i v, __m256i zp, __m256i lo, __m256i hi, int lanes, std::int8_t* out) {
  v = _mm256_min_epi32(_mm256_max_epi32(_mm256_add_epi32(v, zp), lo), hi);
  const __m128i w16 = _mm_packs_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  const __m128i b8 = _mm_packs_epi16(w16, w16);
  if (lanes == kLanes) {
    _mm_storel_epi64(reinterpret_cast<__m128i*>(out), b8);
  } else {
    std::int8_t tmp[16];
    _mm_storeu_si128(reinterpret_cast<__m128i*>(tmp), b8);
    std::memcpy(out, tmp, std::size_t(lanes));
  }
}

inline int load_pair(const std::int16_t* p) {
  int v;
  std::memcpy(&v, p, 4);
  return v;
}

struct ConvCtx {
  const kernels::ConvQ* p;
  const std::int16_t* x;
  const std::uint8_t* w;
  int cp, groups, dilation, lanes;
  __m256i corr, zp, lo, hi;
  Requant rq;
};

template <int R>
inline void conv_rows(const ConvCtx& c, int t, std::int8_t* out_block) {
  __m256i acc[R];
  for (int r = 0; r < R; ++r) acc[r] = c.corr;
  for (int j = 0; j < c.p->kernel; ++j) {
    const std::int16_t* xj = c.x + std::ptrdiff_t(t + j * c.dilation) * c.cp;
    const std::uint8_t* wj = c.w + std::ptrdiff_t(j) * c.groups * 32;
    for (int g = 0; g < c.groups; ++g) {
      const __m256i wv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(wj + g * 32));
      for (int r = 0; r < R; ++r) {
        const __m256i xv = _mm256_set1_epi32(load_pair(xj + r * c.cp + 2 * g));
        acc[r] = _mm256_add_epi32(acc[r], _mm256_madd_epi16(xv, wv));
      }
    }
  }
  for (int r = 0; r < R; ++r)
    store_out(mbqm(acc[r], c.rq), c.zp, c.lo, c.hi, c.lanes,
              out_block + std::ptrdiff_t(t + r) * c.p->out_ch);
}

void to_i16_rows(const std::int8_t* in, int steps, int in_ch, int cp, std::int16_t* x) {
  if (cp == in_ch) {
    const std::ptrdiff_t n = std::ptrdiff_t(steps) * in_ch;
    std::ptrdiff_t i = 0;
    for (; i + 16 <= n; i += 16)
      _mm256_storeu_si256(
          reinterpret_cast<__m256i*>(x + i),
          _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(in + i))));
    for (; i < n; ++i) x[i] = in[i];
    return;
  }
  for (int t = 0; t < steps; ++t) {
    for (int c = 0; c < in_ch; ++c)
      x[std::ptrdiff_t(t) * cp + c] = in[std::ptrdiff_t(t) * in_ch + c];
    for (int c = in_ch; c < cp; ++c) x[std::ptrdiff_t(t) * cp + c] = 0;
  }
}

void conv_window(const kernels::ConvQ& p, const std::uint8_t* packed, int dilation,
                 const std::int8_t* in, int steps, const std::int8_t* zp_row, std::int8_t* out,
                 std::uint8_t* scratch) {
  const Layout l = layout(p.in_ch, p.out_ch, p.kernel);
  const int span = (p.kernel - 1) * dilation;
  auto* x = reinterpret_cast<std::int16_t*>(scratch);
  for (std::ptrdiff_t i = 0; i < std::ptrdiff_t(span) * l.cp; ++i) x[i] = zp_row[0];
  to_i16_rows(in, steps, p.in_ch, l.cp, x + std::ptrdiff_t(span) * l.cp);
  ConvCtx c{};
  c.p = &p;
  c.x = x;
  c.cp = l.cp;
  c.groups = l.groups;
  c.dilation = dilation;
  c.zp = _mm256_set1_epi32(p.out_zp);
  c.lo = _mm256_set1_epi32(p.act_min);
  c.hi = _mm256_set1_epi32(p.act_max);
  for (int b = 0; b < l.blocks; ++b) {
    const std::uint8_t* blk = packed + std::size_t(b) * l.block_bytes;
    const auto* prm = reinterpret_cast<const std::int32_t*>(blk);
    c.w = blk + kParamRows * 32;
    c.corr = load8(prm + kCorr * kLanes);
    c.rq = load_requant(prm);
    c.lanes = p.out_ch - b * kLanes < kLanes ? p.out_ch - b * kLanes : kLanes;
    std::int8_t* ob = out + b * kLanes;
    int t = 0;
    for (; t + 4 <= steps; t += 4) conv_rows<4>(c, t, ob);
    for (; t < steps; ++t) conv_rows<1>(c, t, ob);
  }
}

void conv_step(const kernels::ConvQ& p, const std::uint8_t* packed, const std::int8_t* const* taps,
               std::int8_t* out, std::uint8_t*) {
  const Layout l = layout(p.in_ch, p.out_ch, p.kernel);
  const __m256i zp = _mm256_set1_epi32(p.out_zp);
  const __m256i lo = _mm256_set1_epi32(p.act_min);
  const __m256i hi = _mm256_set1_epi32(p.act_max);
  for (int b = 0; b < l.blocks; ++b) {
    const std::uint8_t* blk = packed + std::size_t(b) * l.block_bytes;
    const auto* prm = reinterpret_cast<const std::int32_t*>(blk);
    const std::uint8_t* w = blk + kParamRows * 32;
    __m256i acc = load8(prm + kCorr * kLanes);
    for (int j = 0; j < p.kernel; ++j) {
      const std::int8_t* tap = taps[j];
      for (int g = 0; g < l.groups; ++g) {
        const int c = 2 * g;
        const auto lo16 = static_cast<std::uint16_t>(tap[c]);
        const auto hi16 = static_cast<std::uint16_t>(c + 1 < p.in_ch ? tap[c + 1] : 0);
        const __m256i xv = _mm256_set1_epi32(static_cast<int>(lo16 | (std::uint32_t{hi16} << 16)));
        const __m256i wv =
            _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + (j * l.groups + g) * 32));
        acc = _mm256_add_epi32(acc, _mm256_madd_epi16(xv, wv));
      }
    }
    const int n = p.out_ch - b * kLanes < kLanes ? p.out_ch - b * kLanes : kLanes;
    store_out(mbqm(acc, load_requant(prm)), zp, lo, hi, n, out + b * kLanes);
  }
}

void add(const kernels::AddQ& p, const std::int8_t* a, const std::int8_t* b, int n,
         std::int8_t* out) {
  const Requant ra = broadcast_requant(p.a_mult, p.a_shift);
  const Requant rb = broadcast_requant(p.b_mult, p.b_shift);
  const Requant ro = broadcast_requant(p.out_mult, p.out_shift);
  const __m256i zero = _mm256_setzero_si256();
  int i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    const __m256i va =
        _mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(a + i)));
    const __m256i vb =
        _mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(b + i)));
    const __m256i sa = mbqm(
        _mm256_slli_epi32(_mm256_sub_epi32(va, _mm256_set1_epi32(p.a_zp)), kernels::kAddLeftShift),
        ra);
    const __m256i sb = mbqm(
        _mm256_slli_epi32(_mm256_sub_epi32(vb, _mm256_set1_epi32(p.b_zp)), kernels::kAddLeftShift),
        rb);
    const __m256i sum = _mm256_add_epi32(sa, sb);
    const __m256i both = _mm256_and_si256(_mm256_xor_si256(sa, sum), _mm256_xor_si256(sb, sum));
    const __m256i sat = _mm256_blendv_epi8(
        _mm256_set1_epi32(INT32_MAX), _mm256_set1_epi32(INT32_MIN), _mm256_cmpgt_epi32(zero, sa));
    const __m256i s = _mm256_blendv_epi8(sum, sat, _mm256_cmpgt_epi32(zero, both));
    store_out(mbqm(s, ro), _mm256_set1_epi32(p.out_zp), _mm256_set1_epi32(p.act_min),
              _mm256_set1_epi32(p.act_max), kLanes, out + i);
  }
  if (i < n) kernels::add_ref(p, a + i, b + i, n - i, out + i);
}

// detail::quantize_sample on 8 channels at a time (tail lanes masked), exact.
bool quantize(const float* raw, int steps, int ch, const float* mean, const float* stdv,
              float scale, std::int32_t zp, std::int8_t* out) {
  const __m256 inf = _mm256_set1_ps(__builtin_inff());
  const __m256 abs_mask = _mm256_castsi256_ps(_mm256_set1_epi32(INT32_MAX));
  const __m256 vscale = _mm256_set1_ps(scale);
  const __m256 vzp = _mm256_set1_ps(static_cast<float>(zp));
  const __m256i iota = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  for (int c0 = 0; c0 < ch; c0 += kLanes) {
    const int n = ch - c0 < kLanes ? ch - c0 : kLanes;
    const __m256i m = _mm256_cmpgt_epi32(_mm256_set1_epi32(n), iota);
    const __m256 mu = _mm256_maskload_ps(mean + c0, m);
    const __m256 sd = _mm256_blendv_ps(_mm256_set1_ps(1.0f), _mm256_maskload_ps(stdv + c0, m),
                                       _mm256_castsi256_ps(m));
    for (int t = 0; t < steps; ++t) {
      const __m256 x = _mm256_maskload_ps(raw + std::ptrdiff_t(t) * ch + c0, m);
      const __m256 finite = _mm256_cmp_ps(_mm256_and_ps(x, abs_mask), inf, _CMP_LT_OQ);
      if (_mm256_movemask_ps(finite) != 0xFF) return false;
      const __m256i q = avx2q::quantize(x, mu, sd, vscale, vzp);
      const __m128i w16 =
          _mm_packs_epi32(_mm256_castsi256_si128(q), _mm256_extracti128_si256(q, 1));
      const __m128i b8 = _mm_packs_epi16(w16, w16);
      std::int8_t tmp[16];
      _mm_storeu_si128(reinterpret_cast<__m128i*>(tmp), b8);
      std::memcpy(out + std::ptrdiff_t(t) * ch + c0, tmp, std::size_t(n));
    }
  }
  return true;
}

// Forwarders into the plane TUs (so the tables below stay constant-initialised).
template <const PlaneSet256& S>
bool add_fusable(const kernels::AddQ& q) {
  return S.kernels.add_fusable(q);
}
template <const PlaneSet256& S>
void to_planes(const std::int8_t* in, int steps, int ch, int pad, std::int32_t zp,
               std::uint32_t* out) {
  S.kernels.to_planes(in, steps, ch, pad, zp, out);
}
template <const PlaneSet256& S>
void pool_sums(const std::uint32_t* in, int steps, int pad, int ch, int window, std::int32_t zp,
               std::int32_t* sums) {
  S.kernels.pool_sums(in, steps, pad, ch, window, zp, sums);
}
template <const PlaneSet256& S>
void prepare(const kernels::ConvQ& p, std::uint8_t* packed, const kernels::AddQ* add,
             bool conv_is_a) {
  S.kernels.prepare(p, packed + block_bytes(p.in_ch, p.out_ch, p.kernel), add, conv_is_a);
}
template <const PlaneSet256& S>
bool float_epilogue(const kernels::ConvQ& p, const std::uint8_t* packed,
                    const planes::FusedAdd* fuse) {
  return S.kernels.float_epilogue(p, packed + block_bytes(p.in_ch, p.out_ch, p.kernel), fuse);
}
template <const PlaneSet256& S>
constexpr PlaneKernels kPlanesOf{add_fusable<S>, plane_conv<S>, planes::add,      to_planes<S>,
                                 pool_sums<S>,   prepare<S>,    float_epilogue<S>};

}  // namespace

// The two tables differ only in their plane records and kernels (the MAC instruction).
const KernelTable kAvx2Table{Isa::kAvx2,
                             packed_bytes<kPlanesAvx2>,
                             window_scratch_bytes,
                             step_scratch_bytes,
                             pack<kPlanesAvx2>,
                             conv_window,
                             conv_step,
                             add,
                             quantize,
                             &kPlanesOf<kPlanesAvx2>,
                             nullptr,
                             &kAvx2Stream};
const KernelTable kAvxVnniTable{Isa::kAvxVnni,
                                packed_bytes<kPlanesAvxVnni>,
                                window_scratch_bytes,
                                step_scratch_bytes,
                                pack<kPlanesAvxVnni>,
                                conv_window,
                                conv_step,
                                add,
                                quantize,
                                &kPlanesOf<kPlanesAvxVnni>,
                                nullptr,
                                &kAvxVnniStream};

}  // namespace css::nn::detail

#include "kernels/x86/x86_target_end.hpp"

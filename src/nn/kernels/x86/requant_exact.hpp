// Private, any x86 target: the scalar half of the exact requantisation forms shared by the
// AVX-512 and AVX2 plane and streaming kernels (derivation: planes_x86.hpp, docs/engine.md).
// Values are in the uint8 domain u = q + 128. Pure integer code, no intrinsics, so it may be
// included inside or outside a target region.
#pragma once

#include <cstdint>
#include <limits>

#include "css/nn/kernels.hpp"

namespace css::nn::detail::rqx {
namespace {

// Scalar form of one output requantisation (per conv channel, or per fused add).
struct Rq {
  std::int64_t k_pos = 0;      // K(+) + (zp + 128) * 2^E
  std::int64_t k_neg = 0;      // K(-) - K(+): added when P < neg_below (0: sign never matters)
  std::int64_t neg_below = 0;  // -2^30
  std::int32_t mult = 0, e = 0;
  std::int32_t shift = 0, zp_u = 0;  // the general form's inputs
  std::int32_t lo = 0, hi = 255;     // clamp in the uint8 domain (act + 128)
  std::int32_t fast = 0;             // 1: the 64-bit floor form holds for |acc| <= bound
};

// bound: max |acc|. need_sign: results below zero are not all clamped to lo.
inline Rq make_rq(std::int32_t mult, std::int32_t shift, std::int32_t zp, std::int32_t act_min,
                  std::int32_t act_max, std::int64_t bound, bool need_sign) {
  Rq r;
  r.mult = mult;
  r.shift = shift;
  r.zp_u = zp + 128;
  r.lo = act_min + 128;
  r.hi = act_max + 128;
  r.neg_below = -(std::int64_t{1} << 30);
  if (bound < 0 || bound > std::numeric_limits<std::int32_t>::max()) return r;
  if (std::uint64_t(bound) * std::uint64_t(mult) > (std::uint64_t{1} << 61)) return r;
  if (shift > 0) {  // left shift: exact only when it cannot saturate
    if (bound > (std::int64_t{std::numeric_limits<std::int32_t>::max()} >> shift)) return r;
    r.e = 31 - shift;
    r.k_pos = std::int64_t{1} << (30 - shift);
  } else {
    const int right = -shift;
    if (right > 21) return r;  // keeps (zp + 128) * 2^E and the sum inside int64
    r.e = 31 + right;
    r.k_pos = (std::int64_t{1} << 30) + (right >= 1 ? std::int64_t{1} << (30 + right) : 0);
    r.k_neg = right >= 1 && need_sign ? -(std::int64_t{1} << 31) : 0;
  }
  r.k_pos += std::int64_t{r.zp_u} << r.e;
  r.fast = 1;
  return r;
}

// One add input term mbqm((q - zp) << 20, m, s) for s <= 0, from u = q + 128 in [0, 255]:
// with d = u - zp_u, Q = srdhm(d << 20, m) = d * (m >> 11) + ((d * (m & 2047) + 2^10) >> 11)
// exactly (32-bit products), then rdp(Q, r) = (Q + 2^(r-1) - [Q < 0]) >> r.
// TermP holds the scalars (compact, for per-op records).
struct TermP {
  std::int32_t mh = 0, ml = 0, c1 = 0, c3 = 0, half = 0, r = 0, sign = 0;
};

inline TermP make_term_p(std::int32_t mult, std::int32_t shift, std::int32_t zp) {
  const std::int32_t zp_u = zp + 128;
  const int right = -shift;
  TermP t;
  t.mh = mult >> 11;
  t.ml = mult & 2047;
  t.half = right >= 1 ? std::int32_t(std::int64_t{1} << (right - 1)) : 0;
  t.c1 = (1 << 10) - zp_u * t.ml;
  t.c3 = t.half - zp_u * t.mh;
  t.r = right;
  t.sign = right >= 1 && zp_u > 0 ? 1 : 0;  // d < 0 (so Q < 0) is possible
  return t;
}

inline bool term_ok(std::int32_t shift) {
  return shift <= 0;
}
constexpr std::int64_t kAddBound = std::int64_t{1} << 29;  // |term_a + term_b| < 2^29

inline Rq add_out_rq(const kernels::AddQ& q) {
  return make_rq(q.out_mult, q.out_shift, q.out_zp, q.act_min, q.act_max, kAddBound,
                 q.act_min < q.out_zp);
}

}  // namespace
}  // namespace css::nn::detail::rqx

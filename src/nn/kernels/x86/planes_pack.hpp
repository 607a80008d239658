// Private, any x86 target: what the two plane implementations (AVX-512 VNNI in
// kernels_x86_avx512_planes.cpp, AVX2 and AVX-VNNI in planes_avx2_impl.hpp) share, written once:
// the packed layout of a conv (per output channel a ChanRec, then [kernel][groups] weight dwords,
// then, on AVX2, n_extra Extra entries), the per-call geometry, the fused add's set-up and which
// adds can be fused; and the 256-bit kernels' output-group dispatch (AVX-512 keeps its own inline:
// through this helper its group kernel was not inlined, ~6 % slower). Only the hot loops stay per
// vector width. Pure integer code, no intrinsics,
// so it may be included inside a target region (like requant_exact.hpp); the anonymous
// namespace keeps each target's copy its own.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "css/nn/kernels.hpp"
#include "kernels/x86/planes_x86.hpp"
#include "kernels/x86/requant_exact.hpp"

namespace css::nn::detail::planes_pack {
namespace {

using rqx::Rq;

inline int groups_of(int ch) {
  return (ch + 3) / 4;
}

// One output channel's record; the arena is only 4-byte aligned, so records are copied, not cast.
struct ChanRec {
  Rq rq;
  std::int32_t corr;     // bias_eff - 128 * sum(w): the accumulator's start for inputs q + 128
  std::int32_t n_extra;  // AVX2: Extra entries after the weights (0 elsewhere)
};

// An AVX2 extra MAC: weight dword w on the inputs of tap j, input group g.
struct Extra {
  std::uint32_t at;  // j * groups + g
  std::uint32_t w;
};

inline std::size_t rec_bytes(int in_ch, int kernel, bool extras) {
  const std::size_t n = std::size_t(kernel) * std::size_t(groups_of(in_ch));
  return sizeof(ChanRec) + 4 * n + (extras ? sizeof(Extra) * n : 0);
}

inline std::size_t packed_bytes(int in_ch, int out_ch, int kernel, bool extras) {
  return std::size_t(out_ch) * rec_bytes(in_ch, kernel, extras);
}

inline ChanRec read_rec(const std::uint8_t* packed, std::size_t rb, int o) {
  ChanRec r;
  std::memcpy(&r, packed + std::size_t(o) * rb, sizeof r);
  return r;
}

// max |acc| of output channel o: |bias_eff| + 128 * sum |w| (inputs q in [-128, 127]).
inline std::int64_t acc_bound(const kernels::ConvQ& p, int o) {
  const std::int8_t* src = p.weights + std::ptrdiff_t(o) * p.kernel * p.in_ch;
  std::int64_t sum_abs = 0;
  for (int j = 0; j < p.kernel * p.in_ch; ++j) sum_abs += src[j] < 0 ? -src[j] : src[j];
  const std::int32_t bias = p.bias_eff[o];
  return (bias < 0 ? -std::int64_t{bias} : bias) + 128 * sum_abs;
}

// Writes every channel's record: weights as [kernel][groups] dwords (channel 4g + i in byte i),
// the exact requantisation proven from |acc| <= |bias| + 128 * sum|w|, and the start value.
// split(w, dwords, extras_out) may move weights out into Extras and returns how many (AVX2).
template <class Split>
void pack_records(const kernels::ConvQ& p, std::uint8_t* dst, std::size_t rb, Split split) {
  const int groups = groups_of(p.in_ch);
  for (int o = 0; o < p.out_ch; ++o) {
    std::uint8_t* at = dst + std::size_t(o) * rb;
    std::memset(at, 0, rb);
    const std::int8_t* src = p.weights + std::ptrdiff_t(o) * p.kernel * p.in_ch;
    std::int64_t sum_w = 0;
    auto* w = reinterpret_cast<std::int8_t*>(at + sizeof(ChanRec));
    for (int j = 0; j < p.kernel; ++j)
      for (int c = 0; c < p.in_ch; ++c) {
        const std::int8_t v = src[j * p.in_ch + c];
        sum_w += v;
        w[(j * groups + c / 4) * 4 + c % 4] = v;
      }
    ChanRec rec{};
    rec.n_extra = split(w, p.kernel * groups, at + sizeof(ChanRec) + 4 * p.kernel * groups);
    const std::int32_t bias = p.bias_eff[o];
    rec.rq = rqx::make_rq(p.multiplier[o], p.shift[o], p.out_zp, p.act_min, p.act_max,
                          acc_bound(p, o), p.act_min < p.out_zp);
    rec.corr = static_cast<std::int32_t>(bias - 128 * sum_w);
    std::memcpy(at, &rec, sizeof rec);
  }
}

// True when a conv can run this add in its epilogue: no input left shift (the 32-bit exact term
// form) and an output requantisation the floor form proves.
inline bool add_fusable(const kernels::AddQ& q) {
  return rqx::term_ok(q.a_shift) && rqx::term_ok(q.b_shift) && rqx::add_out_rq(q).fast != 0;
}

// The geometry of one conv call (the fields both widths use).
struct ConvGeom {
  const std::uint32_t* in;
  std::uint32_t* out;
  int steps, pad, stride, kernel, dilation, groups, og;
};

inline void set_geom(ConvGeom& c, const kernels::ConvQ& p, int dilation, const std::uint32_t* in,
                     int steps, int pad, std::uint32_t* out) {
  c.in = in;
  c.out = out;
  c.steps = steps;
  c.pad = pad;
  c.stride = pad + steps;
  c.kernel = p.kernel;
  c.dilation = dilation;
  c.groups = groups_of(p.in_ch);
  c.og = 0;
}

// Fills a width's fused-add context (on, other, conv_term, other_term, out) from fuse, with that
// width's term and requantisation builders; returns the zero point of the conv call's output
// tensor (the add's when fused).
template <class Fuse, class MakeTerm, class MakeRq>
std::int32_t set_fuse(Fuse& f, const planes::FusedAdd* fuse, std::int32_t conv_zp,
                      MakeTerm make_term, MakeRq make_rq) {
  if (fuse == nullptr) return conv_zp;
  const kernels::AddQ& q = fuse->q;
  f.on = true;
  f.other = fuse->other;
  const auto ta = make_term(q.a_mult, q.a_shift, q.a_zp);
  const auto tb = make_term(q.b_mult, q.b_shift, q.b_zp);
  f.conv_term = fuse->conv_is_a ? ta : tb;
  f.other_term = fuse->conv_is_a ? tb : ta;
  f.out = make_rq(rqx::add_out_rq(q));
  return q.out_zp;
}

// Calls run.template operator()<NC>() for every output group, NC = its channels (1..4), with
// c.og set: each width instantiates its group kernel per NC.
template <class Geom, class Run>
void for_each_out_group(Geom& c, int out_ch, Run run) {
  for (int og = 0; og < groups_of(out_ch); ++og) {
    c.og = og;
    switch (out_ch - 4 * og < 4 ? out_ch - 4 * og : 4) {
      case 1:
        run.template operator()<1>();
        break;
      case 2:
        run.template operator()<2>();
        break;
      case 3:
        run.template operator()<3>();
        break;
      default:
        run.template operator()<4>();
        break;
    }
  }
}

}  // namespace
}  // namespace css::nn::detail::planes_pack

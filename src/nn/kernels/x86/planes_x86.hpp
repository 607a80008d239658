// Private: the "plane" window path: AVX-512 VNNI (kernels_x86_avx512_planes.cpp), AVX2 and
// AVX-VNNI (planes_avx2_impl.hpp).
//
// Layout. In plane mode every sequence tensor of C channels is G = ceil(C/4) planes; plane g is
// pad + steps uint32 words, word pad + t holding channels 4g..4g+3 of step t as uint8 (q + 128;
// bytes of channels >= C are don't-care: their weights are zero and nobody reads them as data).
// Words [0, pad) hold the tensor's zero point (+128): the causal padding, written by the
// producer on every run. With time in the vector lanes a dilated tap is a plain unaligned load
// of 16 consecutive words, and a 4-channel weight dword is an embedded broadcast operand of
// vpdpbusd.
//
// Requantisation (bit-exact with fixed_point.hpp; derivation in docs/engine.md): for a
// right shift r, RDP(SRDHM(acc, m), r) == floor((acc*m + K)/2^(31+r)) with
// K = 2^30 + 2^(30+r) - [acc*m < -2^30]*2^31 (r >= 1; K = 2^30 for r = 0); a left shift l with
// no saturation is floor((acc*m + 2^(30-l))/2^(31-l)). pack() proves, from the weights, that
// |acc| is small enough for the 64-bit form and for no saturation; channels it cannot prove
// use the general lane-wise requantisation.
#pragma once

#include <cstddef>
#include <cstdint>

#include "css/nn/kernels.hpp"

namespace css::nn::detail::planes {

// A residual add evaluated in a conv's epilogue: the conv's int8 output is requantised exactly
// as the unfused conv would store it, then the add's arithmetic runs on it in registers.
struct FusedAdd {
  kernels::AddQ q;
  const std::uint32_t* other = nullptr;  // the other operand's planes (same steps and pad)
  bool conv_is_a = true;                 // the conv output is the add's first input
};

std::size_t packed_bytes(int in_ch, int out_ch, int kernel);
void pack(const kernels::ConvQ& p, std::uint8_t* dst);
// True when conv() can fuse this add (no input left shift; the exact 32-bit term form holds).
bool add_fusable(const kernels::AddQ& q);
void conv(const kernels::ConvQ& p, const std::uint8_t* packed, int dilation,
          const std::uint32_t* in, int steps, int pad, std::uint32_t* out, const FusedAdd* fuse);
// The float epilogue (float_epilogue.hpp): prepare() proves it once after pack (add: the add
// conv() will run fused, nullptr none); float_epilogue() says whether conv() runs it.
void prepare(const kernels::ConvQ& p, std::uint8_t* packed, const kernels::AddQ* add,
             bool conv_is_a);
bool float_epilogue(const kernels::ConvQ& p, const std::uint8_t* packed, const FusedAdd* fuse);
// The unfused add (add_ref per chunk) and the padding fill: plain C++ (planes_scalar.cpp),
// shared by the AVX-512 and AVX2 plane paths.
void add(const kernels::AddQ& q, const std::uint32_t* a, const std::uint32_t* b, int ch, int steps,
         int pad, std::uint32_t* out);
void fill_pad(std::uint32_t* planes, int groups, int stride, int pad, std::int32_t zp);
// Channels-last int8 rows (ch per row; the buffer must allow 3 bytes of over-read) -> planes.
void to_planes(const std::int8_t* in, int steps, int ch, int pad, std::int32_t zp,
               std::uint32_t* out);
// sums[c] = sum over the last `window` steps of (q - zp), c < ch.
void pool_sums(const std::uint32_t* in, int steps, int pad, int ch, int window, std::int32_t zp,
               std::int32_t* sums);

}  // namespace css::nn::detail::planes

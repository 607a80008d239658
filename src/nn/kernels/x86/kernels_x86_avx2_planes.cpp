// The plane window kernels for the AVX2 (vpmaddubsw + vpmaddwd + vpaddd, exact by construction at
// pack time) path: one instantiation of planes_avx2_impl.hpp, compiled for exactly that instruction
// set. GCC 12 reports its own intrinsic headers' _mm*_undefined_* operands as
// (maybe-)uninitialized; silenced here, before they are included, so every build that compiles this
// file agrees.
#if !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif
#include <immintrin.h>

#include "kernels/kernel_table.hpp"
#include "kernels/x86/planes_x86.hpp"

#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#endif

#include "kernels/x86/planes_avx2_impl.hpp"  // inside the region: its functions are avx2 code

namespace css::nn::detail {

using Avx2Planes = planes256::Planes<false>;
const PlaneSet256 kPlanesAvx2{Avx2Planes::packed_bytes,
                              Avx2Planes::pack,
                              {Avx2Planes::add_fusable, Avx2Planes::conv, planes::add,
                               Avx2Planes::to_planes, Avx2Planes::pool_sums}};

}  // namespace css::nn::detail

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

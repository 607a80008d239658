// The plane window kernels for the AVX-VNNI (vpdpbusd ymm) path: one instantiation of
// planes_avx2_impl.hpp, compiled for exactly that instruction set. GCC 12 reports its own intrinsic
// headers' _mm*_undefined_* operands as (maybe-)uninitialized; silenced here, before they are
// included, so every build that compiles this file agrees.
#if !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif
#include <immintrin.h>

#include "kernels/kernel_table.hpp"
#include "kernels/x86/planes_x86.hpp"

#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma,avxvnni"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,fma,avxvnni")
#endif

#include "kernels/x86/planes_avx2_impl.hpp"  // inside the region: its functions are avxvnni code

namespace css::nn::detail {

using AvxVnniPlanes = planes256::Planes<true>;
const PlaneSet256 kPlanesAvxVnni{AvxVnniPlanes::packed_bytes,
                                 AvxVnniPlanes::pack,
                                 {AvxVnniPlanes::add_fusable, AvxVnniPlanes::conv, planes::add,
                                  AvxVnniPlanes::to_planes, AvxVnniPlanes::pool_sums}};

}  // namespace css::nn::detail

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

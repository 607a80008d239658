// The whole-network streaming step of the AVX2 (vpmaddwd on int16 pairs) path: one instantiation of
// stream_avx2_impl.hpp, compiled for exactly that instruction set.
// GCC 12 reports its own intrinsic headers' _mm*_undefined_* operands as (maybe-)uninitialized;
// silenced here, before they are included, so every build that compiles this file agrees.
#if !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif
#include <immintrin.h>

#include "css/nn/format.hpp"
#include "kernels/kernel_table.hpp"
#include "runtime/op_params.hpp"

#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#endif

#include "kernels/x86/stream_avx2_impl.hpp"  // inside the region: its functions are avx2 code

namespace css::nn::detail {

using Avx2Step = stream256::Step<false>;
const StreamKernels kAvx2Stream{Avx2Step::bytes, Avx2Step::init, Avx2Step::reset, Avx2Step::push};

}  // namespace css::nn::detail

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

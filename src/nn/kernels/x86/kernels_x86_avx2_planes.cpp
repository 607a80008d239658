// The plane window kernels for the AVX2 (vpmaddubsw + vpmaddwd + vpaddd, exact by construction at
// pack time) path: one instantiation of planes_avx2_impl.hpp, compiled for exactly that instruction
// set (x86_target_begin.hpp).
#include <climits>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "css/nn/fixed_point.hpp"
#include "css/nn/format.hpp"
#include "css/nn/kernels.hpp"
#include "kernels/kernel_table.hpp"
#include "kernels/x86/planes_x86.hpp"
// (the headers planes_avx2_impl.hpp and float_epilogue.hpp use, before the region: their inline
// functions must not be compiled for it, x86_target_begin.hpp)

#define CSS_X86_TARGET "avx2,fma"
#include "kernels/x86/x86_target_begin.hpp"  // last include: AVX2 code from here on

#include "kernels/x86/planes_avx2_impl.hpp"  // inside the region: its functions are avx2 code

namespace css::nn::detail {

using Avx2Planes = planes256::Planes<false>;
const PlaneSet256 kPlanesAvx2{
    Avx2Planes::packed_bytes,
    Avx2Planes::pack,
    {Avx2Planes::add_fusable, Avx2Planes::conv, planes::add, Avx2Planes::to_planes,
     Avx2Planes::pool_sums, Avx2Planes::prepare, Avx2Planes::float_epilogue}};

}  // namespace css::nn::detail

#include "kernels/x86/x86_target_end.hpp"

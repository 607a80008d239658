// The plane window kernels for the AVX2 (vpmaddubsw + vpmaddwd + vpaddd, exact by construction at
// pack time) path: one instantiation of planes_avx2_impl.hpp, compiled for exactly that instruction
// set (x86_target_begin.hpp).
#include "kernels/kernel_table.hpp"
#include "kernels/x86/planes_x86.hpp"

#define CSS_X86_TARGET "avx2,fma"
#include "kernels/x86/x86_target_begin.hpp"  // last include: AVX2 code from here on

#include "kernels/x86/planes_avx2_impl.hpp"  // inside the region: its functions are avx2 code

namespace css::nn::detail {

using Avx2Planes = planes256::Planes<false>;
const PlaneSet256 kPlanesAvx2{Avx2Planes::packed_bytes,
                              Avx2Planes::pack,
                              {Avx2Planes::add_fusable, Avx2Planes::conv, planes::add,
                               Avx2Planes::to_planes, Avx2Planes::pool_sums}};

}  // namespace css::nn::detail

#include "kernels/x86/x86_target_end.hpp"

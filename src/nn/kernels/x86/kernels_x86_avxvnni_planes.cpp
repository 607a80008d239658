// The plane window kernels for the AVX-VNNI (vpdpbusd ymm) path: one instantiation of
// planes_avx2_impl.hpp, compiled for exactly that instruction set (x86_target_begin.hpp).
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

#define CSS_X86_TARGET "avx2,fma,avxvnni"
#include "kernels/x86/x86_target_begin.hpp"  // last include: AVX-VNNI code from here on

#include "kernels/x86/planes_avx2_impl.hpp"  // inside the region: its functions are avxvnni code

namespace css::nn::detail {

using AvxVnniPlanes = planes256::Planes<true>;
const PlaneSet256 kPlanesAvxVnni{
    AvxVnniPlanes::packed_bytes,
    AvxVnniPlanes::pack,
    {AvxVnniPlanes::add_fusable, AvxVnniPlanes::conv, planes::add, AvxVnniPlanes::to_planes,
     AvxVnniPlanes::pool_sums, AvxVnniPlanes::prepare, AvxVnniPlanes::float_epilogue}};

}  // namespace css::nn::detail

#include "kernels/x86/x86_target_end.hpp"

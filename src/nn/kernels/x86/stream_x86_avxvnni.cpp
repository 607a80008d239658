// The whole-network streaming step of the AVX-VNNI (vpdpbusd ymm) path: one instantiation of
// stream_avx2_impl.hpp, compiled for exactly that instruction set (x86_target_begin.hpp).
#include "css/nn/format.hpp"
#include "kernels/kernel_table.hpp"
#include "runtime/op_params.hpp"

#define CSS_X86_TARGET "avx2,fma,avxvnni"
#include "kernels/x86/x86_target_begin.hpp"  // last include: AVX-VNNI code from here on

#include "kernels/x86/stream_avx2_impl.hpp"  // inside the region: its functions are avxvnni code

namespace css::nn::detail {

using AvxVnniStep = stream256::Step<true>;
const StreamKernels kAvxVnniStream{AvxVnniStep::P::bytes, AvxVnniStep::P::init,
                                   AvxVnniStep::P::reset, AvxVnniStep::push};

}  // namespace css::nn::detail

#include "kernels/x86/x86_target_end.hpp"

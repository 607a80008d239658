// The whole-network streaming step of the AVX2 (vpmaddwd on int16 pairs) path: one instantiation of
// stream_avx2_impl.hpp, compiled for exactly that instruction set (x86_target_begin.hpp).
#include "css/nn/format.hpp"
#include "kernels/kernel_table.hpp"
#include "runtime/op_params.hpp"

#define CSS_X86_TARGET "avx2,fma"
#include "kernels/x86/x86_target_begin.hpp"  // last include: AVX2 code from here on

#include "kernels/x86/stream_avx2_impl.hpp"  // inside the region: its functions are avx2 code

namespace css::nn::detail {

using Avx2Step = stream256::Step<false>;
const StreamKernels kAvx2Stream{Avx2Step::P::bytes, Avx2Step::P::init, Avx2Step::P::reset,
                                Avx2Step::push};

}  // namespace css::nn::detail

#include "kernels/x86/x86_target_end.hpp"

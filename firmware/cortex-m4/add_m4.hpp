// Cortex-M4 residual add: a bit-exact replacement for css::nn::kernels::add_ref in the firmware
// image. The engine calls add_ref directly (there is no add_opt seam in css/nn/kernels.hpp), so
// the image links with `--wrap=<add_ref>` (firmware/cortex-m4/CMakeLists.txt): the engine's
// calls reach add_m4 below, and add_ref_reference() still reaches the engine's own add_ref.
#pragma once

#include <cstdint>

#include "css/nn/kernels.hpp"

namespace css::fw {

// Mangled name of css::nn::kernels::add_ref(const AddQ&, const int8_t*, const int8_t*, int,
// int8_t*), for the linker's --wrap (CMakeLists.txt spells the same string).
#define CSS_FW_ADD_REF_SYMBOL "_ZN3css2nn7kernels7add_refERKNS1_4AddQEPKaS6_iPa"

// Same contract and result as kernels::add_ref.
void add_m4(const nn::kernels::AddQ& p, const std::int8_t* a, const std::int8_t* b, int n,
            std::int8_t* out);

// The engine's reference add_ref (the --wrap "__real_" symbol).
void add_ref_reference(const nn::kernels::AddQ& p, const std::int8_t* a, const std::int8_t* b,
                       int n, std::int8_t* out) __asm__("__real_" CSS_FW_ADD_REF_SYMBOL);

}  // namespace css::fw

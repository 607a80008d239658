// Window-mode conv of the Cortex-M4 kernels (kernels_m4.cpp's conv_window_opt calls it first):
// the weights of a layer as an int16-lane "pass stream" and a hand-scheduled assembly loop over
// runs of output time steps. Internal to the firmware build; bit-exact with conv_window_ref.
#pragma once

#include <cstdint>

#include "css/nn/kernels.hpp"

namespace css::nn::kernels::m4 {

// conv_window_opt on the pass stream; false (and nothing to rely on written to out) when the
// layer does not qualify: n = kernel*in_ch < 3, in_ch > 128, act_max != 127, or a channel whose
// requantisation is outside the 32-bit path (shift in [-22, -1], multiplier >= 0,
// |bias| + 2^14 * n < 2^30). scratch: 2*kernel*in_ch bytes, 4-byte aligned (the engine's).
bool conv_window_packed(const ConvQ& p, int dilation, const std::int8_t* in, int steps,
                        const std::int8_t* zp_row, std::int8_t* out, std::int8_t* scratch);

}  // namespace css::nn::kernels::m4

// Private: the one window-mode loop of the gather-row conv kernels (portable, NEON, Cortex-M4).
// Those kernels compute all output channels of a time step from one contiguous row of the
// step's kernel*in_ch input values (tap j = input step t - (kernel-1-j)*dilation, or the zero
// point row before the start); they differ only in the row's element type and in row_outputs.
//
// Row = std::int8_t: where the taps are already contiguous in `in` (dilation 1 or kernel 1,
// past the causal padding) the row is `in` itself; otherwise the taps are copied to scratch.
// Row = std::int16_t: the row is always widened into scratch (the auto-vectoriser's form).
// scratch: kernel*in_ch Row values. row_outputs(const Row* row, std::int8_t* out_step).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "css/nn/kernels.hpp"

namespace css::nn::kernels::detail {

// dst[0, n) = src[0, n), widened when Row is wider than int8.
template <typename Row>
inline void copy_row(const std::int8_t* __restrict src, int n, Row* __restrict dst) {
  if constexpr (std::is_same_v<Row, std::int8_t>) {
    std::memcpy(dst, src, static_cast<std::size_t>(n));
  } else {
    for (int i = 0; i < n; ++i) dst[i] = src[i];
  }
}

template <typename Row, typename RowOutputs>
inline void conv_window_rows(const ConvQ& p, int dilation, const std::int8_t* in, int steps,
                             const std::int8_t* zp_row, std::int8_t* out, Row* scratch,
                             RowOutputs&& row_outputs) {
  const int span = (p.kernel - 1) * dilation;
  const bool contiguous = dilation == 1 || p.kernel == 1;
  for (int t = 0; t < steps; ++t) {
    std::int8_t* y = out + static_cast<std::ptrdiff_t>(t) * p.out_ch;
    if (t >= span && contiguous) {
      const std::int8_t* row = in + static_cast<std::ptrdiff_t>(t - span) * p.in_ch;
      if constexpr (std::is_same_v<Row, std::int8_t>) {
        row_outputs(row, y);
      } else {
        copy_row(row, p.kernel * p.in_ch, scratch);
        row_outputs(static_cast<const Row*>(scratch), y);
      }
      continue;
    }
    for (int j = 0; j < p.kernel; ++j) {
      const int src = t - (p.kernel - 1 - j) * dilation;
      const std::int8_t* row = src >= 0 ? in + static_cast<std::ptrdiff_t>(src) * p.in_ch : zp_row;
      copy_row(row, p.in_ch, scratch + static_cast<std::ptrdiff_t>(j) * p.in_ch);
    }
    row_outputs(static_cast<const Row*>(scratch), y);
  }
}

}  // namespace css::nn::kernels::detail

// Reference int8 kernels: the definition the optimised kernels are tested against.
#include <cmath>

#include "css/nn/fixed_point.hpp"
#include "css/nn/format.hpp"
#include "css/nn/kernels.hpp"

namespace css::nn::kernels {

void conv_step_ref(const ConvQ& p, const std::int8_t* const* taps, std::int8_t* out) {
  for (int o = 0; o < p.out_ch; ++o) {
    std::int32_t acc = p.bias_eff[o];
    const std::int8_t* w = p.weights + static_cast<std::ptrdiff_t>(o) * p.kernel * p.in_ch;
    for (int j = 0; j < p.kernel; ++j) {
      for (int c = 0; c < p.in_ch; ++c) acc += std::int32_t{w[j * p.in_ch + c]} * taps[j][c];
    }
    const std::int32_t v = multiply_by_quantized_multiplier(acc, p.multiplier[o], p.shift[o]);
    out[o] = clamp_to_int8(v + p.out_zp, p.act_min, p.act_max);
  }
}

void conv_window_ref(const ConvQ& p, int dilation, const std::int8_t* in, int steps,
                     const std::int8_t* zp_row, std::int8_t* out) {
  const std::int8_t* taps[format::kMaxKernel];
  for (int t = 0; t < steps; ++t) {
    for (int j = 0; j < p.kernel; ++j) {
      const int src = t - (p.kernel - 1 - j) * dilation;
      taps[j] = src >= 0 ? in + static_cast<std::ptrdiff_t>(src) * p.in_ch : zp_row;
    }
    conv_step_ref(p, taps, out + static_cast<std::ptrdiff_t>(t) * p.out_ch);
  }
}

void add_ref(const AddQ& p, const std::int8_t* a, const std::int8_t* b, int n, std::int8_t* out) {
  for (int i = 0; i < n; ++i) {
    const std::int32_t sa = (a[i] - p.a_zp) * (1 << kAddLeftShift);
    const std::int32_t sb = (b[i] - p.b_zp) * (1 << kAddLeftShift);
    const std::int64_t sum =
        std::int64_t{multiply_by_quantized_multiplier(sa, p.a_mult, p.a_shift)} +
        multiply_by_quantized_multiplier(sb, p.b_mult, p.b_shift);
    const std::int32_t sat = static_cast<std::int32_t>(
        sum > INT32_MAX ? INT32_MAX : (sum < INT32_MIN ? INT32_MIN : sum));
    const std::int32_t v = multiply_by_quantized_multiplier(sat, p.out_mult, p.out_shift);
    out[i] = clamp_to_int8(v + p.out_zp, p.act_min, p.act_max);
  }
}

void pool_sums_ref(const std::int8_t* in, int steps, int channels, int window, std::int32_t zp,
                   std::int32_t* sums) {
  for (int c = 0; c < channels; ++c) sums[c] = 0;
  for (int t = steps - window; t < steps; ++t) {
    const std::int8_t* row = in + static_cast<std::ptrdiff_t>(t) * channels;
    for (int c = 0; c < channels; ++c) sums[c] += row[c] - zp;
  }
}

void pool_finish_ref(const std::int32_t* sums, int channels, std::int32_t multiplier,
                     std::int32_t shift, std::int32_t out_zp, std::int8_t* out) {
  for (int c = 0; c < channels; ++c) {
    const std::int32_t v = multiply_by_quantized_multiplier(sums[c], multiplier, shift);
    out[c] = clamp_to_int8(v + out_zp, -128, 127);
  }
}

void softmax_q(const std::int8_t* logits, int n, float scale, std::int32_t zp, float* probs) {
  float x[format::kMaxClasses];
  for (int i = 0; i < n; ++i) x[i] = scale * static_cast<float>(logits[i] - zp);
  softmax_f(x, n, probs);
}

}  // namespace css::nn::kernels

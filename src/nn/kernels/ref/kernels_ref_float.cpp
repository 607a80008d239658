// Float32 reference kernels (causal zero padding, same graph semantics as int8).
#include <cmath>

#include "css/nn/kernels.hpp"

namespace css::nn::kernels {

void conv_window_f(const ConvF& p, int dilation, const float* in, int steps, float* out) {
  for (int t = 0; t < steps; ++t) {
    for (int o = 0; o < p.out_ch; ++o) {
      float acc = p.bias[o];
      const float* w = p.weights + static_cast<std::ptrdiff_t>(o) * p.kernel * p.in_ch;
      for (int j = 0; j < p.kernel; ++j) {
        const int src = t - (p.kernel - 1 - j) * dilation;
        if (src < 0) continue;  // causal zero padding
        const float* x = in + static_cast<std::ptrdiff_t>(src) * p.in_ch;
        for (int c = 0; c < p.in_ch; ++c) acc += w[j * p.in_ch + c] * x[c];
      }
      out[static_cast<std::ptrdiff_t>(t) * p.out_ch + o] = p.relu && acc < 0.0f ? 0.0f : acc;
    }
  }
}

void add_f(const float* a, const float* b, int n, bool relu, float* out) {
  for (int i = 0; i < n; ++i) {
    const float v = a[i] + b[i];
    out[i] = relu && v < 0.0f ? 0.0f : v;
  }
}

void pool_f(const float* in, int steps, int channels, int window, float* out) {
  for (int c = 0; c < channels; ++c) out[c] = 0.0f;
  for (int t = steps - window; t < steps; ++t)
    for (int c = 0; c < channels; ++c) out[c] += in[static_cast<std::ptrdiff_t>(t) * channels + c];
  const float inv = 1.0f / static_cast<float>(window);
  for (int c = 0; c < channels; ++c) out[c] *= inv;
}

void softmax_f(const float* logits, int n, float* probs) {
  float mx = logits[0];
  for (int i = 1; i < n; ++i) mx = logits[i] > mx ? logits[i] : mx;
  float sum = 0.0f;
  for (int i = 0; i < n; ++i) {
    probs[i] = std::exp(logits[i] - mx);
    sum += probs[i];
  }
  const float inv = 1.0f / sum;
  for (int i = 0; i < n; ++i) probs[i] *= inv;
}

}  // namespace css::nn::kernels

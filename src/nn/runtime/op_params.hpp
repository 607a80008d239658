// Private: OpView -> kernel parameter structs, and input quantisation shared by both modes.
#pragma once

#include <cmath>
#include <cstring>

#include "css/nn/kernels.hpp"
#include "css/nn/model.hpp"
#include "kernels/kernel_table.hpp"

namespace css::nn::detail {

[[gnu::always_inline]] inline kernels::ConvQ conv_params(const Model& m, const OpView& op) {
  kernels::ConvQ p;
  p.in_ch = op.in_channels;
  p.out_ch = op.out_channels;
  p.kernel = op.kernel;
  p.weights = op.weights_q;
  p.bias_eff = op.bias_eff;
  p.multiplier = op.multiplier;
  p.shift = op.shift;
  p.out_zp = op.out.zero_point;
  p.act_min = op.relu ? op.out.zero_point : -128;
  (void)m;
  return p;
}

// a_zp, b_zp: the zero points of tensors op.in0 and op.in1.
inline kernels::AddQ add_params(const OpView& op, std::int32_t a_zp, std::int32_t b_zp) {
  kernels::AddQ p;
  p.a_zp = a_zp;
  p.b_zp = b_zp;
  p.out_zp = op.out.zero_point;
  p.a_mult = op.q[0];
  p.a_shift = op.q[1];
  p.b_mult = op.q[2];
  p.b_shift = op.q[3];
  p.out_mult = op.q[4];
  p.out_shift = op.q[5];
  p.act_min = op.relu ? op.out.zero_point : -128;
  return p;
}

inline kernels::AddQ add_params(const Model& m, const OpView& op) {
  return add_params(op, m.tensor_quant(op.in0).zero_point, m.tensor_quant(op.in1).zero_point);
}

inline kernels::ConvF conv_params_f(const OpView& op) {
  kernels::ConvF p;
  p.in_ch = op.in_channels;
  p.out_ch = op.out_channels;
  p.kernel = op.kernel;
  p.weights = op.weights_f;
  p.bias = op.bias_f;
  p.relu = op.relu;
  return p;
}

// Normalises one raw sample ((x - mean) / std) and quantises it (round half away from zero,
// saturate). Returns false on NaN/Inf input. `norm` gives channel c's mean and std.
template <typename Norm>
inline bool quantize_sample(QuantParams qp, std::size_t channels, Norm norm, const float* x,
                            std::int8_t* q) {
  for (std::size_t c = 0; c < channels; ++c) {
    if (!std::isfinite(x[c])) return false;
    float mean, stdv;
    norm(c, mean, stdv);
    const float xn = (x[c] - mean) / stdv;
    float v = std::round(xn / qp.scale) + static_cast<float>(qp.zero_point);
    v = v < -128.0f ? -128.0f : (v > 127.0f ? 127.0f : v);
    q[c] = static_cast<std::int8_t>(v);
  }
  return true;
}

inline bool quantize_sample(const Model& m, const float* x, std::int8_t* q) {
  return quantize_sample(
      m.tensor_quant(0), m.input_channels(),
      [&m](std::size_t c, float& mean, float& stdv) {
        mean = m.input_mean(c);
        stdv = m.input_std(c);
      },
      x, q);
}

inline bool normalize_sample(const Model& m, const float* x, float* out) {
  for (std::size_t c = 0; c < m.input_channels(); ++c) {
    if (!std::isfinite(x[c])) return false;
    out[c] = (x[c] - m.input_mean(c)) / m.input_std(c);
    if (!std::isfinite(out[c])) return false;
  }
  return true;
}

// The vector tail of the graph (Dense, Softmax) runs the same in window and streaming mode:
// set up once per run with what every op of it shares. kt == nullptr selects the reference
// kernels; logits_q receives the softmax input.
struct VectorTail {
  const Model& m;
  const KernelTable* kt;
  std::uint8_t* scratch;
  std::int8_t* logits_q;
  float* probs;

  void run(const OpView& op, const std::uint8_t* packed, const std::int8_t* x,
           std::int8_t* y) const {
    if (op.type == format::OpType::kDense) {
      const kernels::ConvQ p = conv_params(m, op);
      if (kt != nullptr)
        kt->conv_step(p, packed, &x, y, scratch);
      else
        kernels::conv_step_ref(p, &x, y);
      return;
    }
    const QuantParams qp = m.tensor_quant(op.in0);
    std::memcpy(logits_q, x, op.in_channels);
    kernels::softmax_q(x, op.in_channels, qp.scale, qp.zero_point, probs);
  }
};

// GlobalAvgPool's output y from its window sums (the op's requantisation).
inline void pool_finish(const OpView& op, const std::int32_t* sums, std::int8_t* y) {
  kernels::pool_finish_ref(sums, op.out_channels, op.q[0], op.q[1], op.out.zero_point, y);
}

// One streaming step of GlobalAvgPool: the newest row x enters the sums, `leaving` (the row a
// window back; the zero point until the window has filled) leaves them.
inline void pool_step(const OpView& op, const std::int8_t* x, const std::int8_t* leaving,
                      std::int32_t* sums, std::int8_t* y) {
  for (std::size_t c = 0; c < op.out_channels; ++c) sums[c] += x[c] - leaving[c];
  pool_finish(op, sums, y);
}

}  // namespace css::nn::detail

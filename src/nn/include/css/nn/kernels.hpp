// Kernels: plain functions over raw pointers, no state, no allocation. Layout is channels-last
// ([time][channel]); conv weights are [out][kernel][in], dense weights [out][in].
// Every int8 kernel has a reference version (*_ref, the readable definition) and, where it
// pays, an optimised twin (*_opt) that must match it bit for bit (tests/unit/nn/kernels_*).
// *_opt is implemented in kernels_opt_int8.cpp (portable, written for GCC's auto-vectoriser)
// or, on targets with __ARM_NEON, in kernels_opt_neon.cpp (intrinsics); exactly one is built.
#pragma once

#include <cstddef>
#include <cstdint>

namespace css::nn::kernels {

// ---- int8 ----
struct ConvQ {
  int in_ch = 0, out_ch = 0, kernel = 1;
  const std::int8_t* weights = nullptr;      // [out][kernel][in], symmetric per channel
  const std::int32_t* bias_eff = nullptr;    // bias_q - zp_in * sum(weights row)
  const std::int32_t* multiplier = nullptr;  // per output channel
  const std::int32_t* shift = nullptr;
  std::int32_t out_zp = 0, act_min = -128, act_max = 127;
};

// One output time step. taps[j] points at in_ch values of the input at t - (kernel-1-j)*d.
void conv_step_ref(const ConvQ& p, const std::int8_t* const* taps, std::int8_t* out);
// scratch: at least 2*kernel*in_ch bytes, 4-byte aligned (kernel_scratch_bytes()).
void conv_step_opt(const ConvQ& p, const std::int8_t* const* taps, std::int8_t* out,
                   std::int8_t* scratch);

// Whole sequence, causal: input rows before t = 0 read as zp_row (in_ch bytes = input zp).
void conv_window_ref(const ConvQ& p, int dilation, const std::int8_t* in, int steps,
                     const std::int8_t* zp_row, std::int8_t* out);
void conv_window_opt(const ConvQ& p, int dilation, const std::int8_t* in, int steps,
                     const std::int8_t* zp_row, std::int8_t* out, std::int8_t* scratch);

// out = requant(sa*(a-za) + sb*(b-zb)), TFLite's "left shift 20" add scheme.
struct AddQ {
  std::int32_t a_zp = 0, b_zp = 0, out_zp = 0;
  std::int32_t a_mult = 0, a_shift = 0, b_mult = 0, b_shift = 0, out_mult = 0, out_shift = 0;
  std::int32_t act_min = -128, act_max = 127;
};
inline constexpr int kAddLeftShift = 20;
void add_ref(const AddQ& p, const std::int8_t* a, const std::int8_t* b, int n, std::int8_t* out);
// The portable path's add (KernelTable::add): the portable kernel files forward to add_ref; a
// target twin (firmware/cortex-m4/add_m4.cpp) replaces it whole, bit-exact with add_ref.
void add_opt(const AddQ& p, const std::int8_t* a, const std::int8_t* b, int n, std::int8_t* out);

// sums[c] = sum over rows [steps - window, steps) of (in - zp); steps >= window.
void pool_sums_ref(const std::int8_t* in, int steps, int channels, int window, std::int32_t zp,
                   std::int32_t* sums);
void pool_finish_ref(const std::int32_t* sums, int channels, std::int32_t multiplier,
                     std::int32_t shift, std::int32_t out_zp, std::int8_t* out);

// probs = softmax(scale * (logits - zp)) in float.
void softmax_q(const std::int8_t* logits, int n, float scale, std::int32_t zp, float* probs);

// ---- float (the reference path run from the same file's float weights) ----
struct ConvF {
  int in_ch = 0, out_ch = 0, kernel = 1;
  const float* weights = nullptr;  // [out][kernel][in]
  const float* bias = nullptr;
  bool relu = false;
};
void conv_window_f(const ConvF& p, int dilation, const float* in, int steps, float* out);
void add_f(const float* a, const float* b, int n, bool relu, float* out);
void pool_f(const float* in, int steps, int channels, int window, float* out);
void softmax_f(const float* logits, int n, float* probs);

}  // namespace css::nn::kernels

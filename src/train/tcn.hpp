// The LibTorch TCN (private to src/train: torch headers stay out of public
// headers). Layout [batch, channels, time]. Every layer maps onto one engine op
// once BatchNorm is folded (fold_conv_bn) and dropout is dropped.
#pragma once

#include <torch/torch.h>

#include <vector>

#include "css/train/model_config.hpp"

namespace css::train {

// Causal dilated conv + BatchNorm + ReLU + dropout: one engine conv1d with fused ReLU.
struct ConvUnitImpl : torch::nn::Module {
  ConvUnitImpl(int in, int out, int kernel, int dilation, double dropout);
  torch::Tensor forward(const torch::Tensor& x);

  int pad;  // (kernel − 1)·dilation zeros on the left: the output never sees the future
  torch::nn::Conv1d conv{nullptr};
  torch::nn::BatchNorm1d bn{nullptr};
  torch::nn::Dropout drop{nullptr};
};
TORCH_MODULE(ConvUnit);

struct TcnBlockImpl : torch::nn::Module {
  TcnBlockImpl(int in, const TcnConfig& cfg, int dilation);
  torch::Tensor forward(const torch::Tensor& x);

  std::vector<ConvUnit> units;
  torch::nn::Conv1d projection{nullptr};  // 1×1, with bias; null for identity
};
TORCH_MODULE(TcnBlock);

struct TcnImpl : torch::nn::Module {
  explicit TcnImpl(const TcnConfig& cfg);
  // x: [B, in_channels, T] normalised features, T >= window → logits [B, classes]. Pools over
  // the last `window` steps: earlier steps are history (context), as on the warm edge.
  torch::Tensor forward(const torch::Tensor& x);

  TcnConfig config;
  std::vector<TcnBlock> blocks;
  torch::nn::Linear head{nullptr};
};
TORCH_MODULE(Tcn);

// Mean over the last `window` steps of [B, C, T] (over all T when T <= window): the engine's
// GlobalAvgPool in window mode.
torch::Tensor pool_window(const torch::Tensor& y, int window);

// Conv weight/bias with its eval-mode BatchNorm folded in:
// w' = w·γ/√(σ²+ε), b' = (b − μ)·γ/√(σ²+ε) + β. Shapes: w [out, in, k], b [out].
struct FoldedConv {
  torch::Tensor weight;
  torch::Tensor bias;
};
FoldedConv fold_conv_bn(const torch::nn::Conv1d& conv, const torch::nn::BatchNorm1d& bn);

// The folded network applied with plain conv ops (what the engine computes in
// float); equals TcnImpl::forward in eval mode up to rounding.
torch::Tensor folded_forward(Tcn& model, const torch::Tensor& x);

}  // namespace css::train

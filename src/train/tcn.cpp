#include "tcn.hpp"

#include <string>

namespace css::train {

namespace F = torch::nn::functional;

ConvUnitImpl::ConvUnitImpl(int in, int out, int kernel, int dilation, double dropout)
    : pad((kernel - 1) * dilation) {
  conv = register_module(
      "conv",
      torch::nn::Conv1d(torch::nn::Conv1dOptions(in, out, kernel).dilation(dilation).bias(false)));
  bn = register_module("bn", torch::nn::BatchNorm1d(out));
  drop = register_module("drop", torch::nn::Dropout(dropout));
}

torch::Tensor ConvUnitImpl::forward(const torch::Tensor& x) {
  auto y = conv->forward(F::pad(x, F::PadFuncOptions({pad, 0})));
  return drop->forward(torch::relu(bn->forward(y)));
}

TcnBlockImpl::TcnBlockImpl(int in, const TcnConfig& cfg, int dilation) {
  for (int u = 0; u < cfg.convs_per_block; ++u) {
    units.push_back(register_module(
        "unit" + std::to_string(u),
        ConvUnit(u == 0 ? in : cfg.width, cfg.width, cfg.kernel, dilation, cfg.dropout)));
  }
  if (in != cfg.width) {
    projection = register_module("projection",
                                 torch::nn::Conv1d(torch::nn::Conv1dOptions(in, cfg.width, 1)));
  }
}

torch::Tensor TcnBlockImpl::forward(const torch::Tensor& x) {
  auto y = x;
  for (auto& u : units) y = u->forward(y);
  const auto residual = projection ? projection->forward(x) : x;
  return torch::relu(y + residual);
}

TcnImpl::TcnImpl(const TcnConfig& cfg) : config(cfg) {
  int in = cfg.in_channels;
  for (std::size_t b = 0; b < cfg.dilations.size(); ++b) {
    blocks.push_back(
        register_module("block" + std::to_string(b), TcnBlock(in, cfg, cfg.dilations[b])));
    in = cfg.width;
  }
  head = register_module("head", torch::nn::Linear(in, cfg.classes));
}

torch::Tensor TcnImpl::forward(const torch::Tensor& x) {
  auto y = x;
  for (auto& b : blocks) y = b->forward(y);
  return head->forward(pool_window(y, config.window));
}

torch::Tensor pool_window(const torch::Tensor& y, int window) {
  const auto steps = y.size(2);
  return steps > window ? y.narrow(2, steps - window, window).mean(2) : y.mean(2);
}

FoldedConv fold_conv_bn(const torch::nn::Conv1d& conv, const torch::nn::BatchNorm1d& bn) {
  torch::NoGradGuard no_grad;
  const auto w = conv->weight.to(torch::kFloat64);
  const auto out = w.size(0);
  const auto b =
      conv->options.bias() ? conv->bias.to(torch::kFloat64) : torch::zeros({out}, torch::kFloat64);
  const auto gamma = bn->weight.to(torch::kFloat64);
  const auto beta = bn->bias.to(torch::kFloat64);
  const auto mean = bn->running_mean.to(torch::kFloat64);
  const auto var = bn->running_var.to(torch::kFloat64);
  const auto factor = gamma / torch::sqrt(var + bn->options.eps());
  FoldedConv f;
  f.weight = (w * factor.view({out, 1, 1})).to(torch::kFloat32);
  f.bias = ((b - mean) * factor + beta).to(torch::kFloat32);
  return f;
}

torch::Tensor folded_forward(Tcn& model, const torch::Tensor& x) {
  torch::NoGradGuard no_grad;
  auto y = x;
  for (auto& block : model->blocks) {
    auto h = y;
    for (auto& u : block->units) {
      const auto f = fold_conv_bn(u->conv, u->bn);
      h = torch::relu(
          F::conv1d(F::pad(h, F::PadFuncOptions({u->pad, 0})), f.weight,
                    F::Conv1dFuncOptions().bias(f.bias).dilation(u->conv->options.dilation())));
    }
    const auto residual = block->projection ? block->projection->forward(y) : y;
    y = torch::relu(h + residual);
  }
  return model->head->forward(pool_window(y, model->config.window));
}

}  // namespace css::train

// LibTorch twin of the engine's float path, for the side-by-side comparison: the network is
// rebuilt from a .csm file's float weights with torch::conv1d & co. (same semantics as
// css/onnx/export.hpp describes) and either run on an NPY input or timed at batch 1.
//
//   torch_compare run IN.csm INPUT.npy PROBS.npy [LOGITS.npy]   (INPUT float32 [N, window, C])
//   torch_compare bench IN.csm [--iters N] [--warmup N]          (prints one JSON line)
// Exit status 0 on success, 1 on error (message on stderr), 2 on bad usage.
#include <malloc.h>
#include <torch/torch.h>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "compare_io.hpp"
#include "css/data/npy.hpp"
#include "css/nn/model.hpp"

namespace {

using css::nn::format::OpType;

struct Outputs {
  torch::Tensor logits, probs;
};

// The engine graph as torch tensors; ops refer to tensors by the engine's ids.
class TorchNet {
 public:
  explicit TorchNet(const css::nn::Model& m) : model_(m) {
    std::vector<float> mean, std_dev;
    for (std::size_t c = 0; c < m.input_channels(); ++c) {
      mean.push_back(m.input_mean(c));
      std_dev.push_back(m.input_std(c));
    }
    mean_ = torch::tensor(mean);
    std_ = torch::tensor(std_dev);
    for (std::size_t i = 0; i < m.num_ops(); ++i) {
      const auto op = m.op(i);
      torch::Tensor w, b;
      if (op.weights_f != nullptr) {
        const std::int64_t o = op.out_channels, k = op.kernel, in = op.in_channels;
        // .csm conv weights are [out][kernel][in]; torch wants [out][in][kernel].
        w = torch::from_blob(const_cast<float*>(op.weights_f), {o, k, in}).permute({0, 2, 1});
        w = op.type == OpType::kDense ? w.reshape({o, in}).contiguous() : w.contiguous();
        b = torch::from_blob(const_cast<float*>(op.bias_f), {o}).clone();
      }
      weights_.push_back(w);
      biases_.push_back(b);
    }
  }

  // x: [N, window, C] raw input -> logits and probabilities [N, classes].
  Outputs forward(const torch::Tensor& x) const {
    std::vector<torch::Tensor> t(model_.num_tensors());
    t[0] = ((x - mean_) / std_).permute({0, 2, 1});  // [N, C, T]
    Outputs out;
    for (std::size_t i = 0; i < model_.num_ops(); ++i) {
      const auto op = model_.op(i);
      torch::Tensor y;
      switch (op.type) {
        case OpType::kConv1d: {
          // Causal: pad (K-1)*d zeros on the left only, then an unpadded dilated conv.
          const std::int64_t pad = std::int64_t{op.kernel - 1} * op.dilation;
          const std::int64_t stride[1] = {1}, padding[1] = {0}, dilation[1] = {op.dilation};
          y = torch::conv1d(torch::constant_pad_nd(t[op.in0], {pad, 0}), weights_[i], biases_[i],
                            at::IntArrayRef(stride), at::IntArrayRef(padding),
                            at::IntArrayRef(dilation));
          break;
        }
        case OpType::kAdd:
          y = t[op.in0] + t[op.in1];
          break;
        case OpType::kGlobalAvgPool:
          y = t[op.in0].mean(2);
          break;
        case OpType::kDense:
          y = torch::linear(t[op.in0], weights_[i], biases_[i]);
          break;
        case OpType::kSoftmax:
          out.logits = t[op.in0];
          y = torch::softmax(t[op.in0], 1);
          break;
      }
      t[i + 1] = op.relu ? torch::relu(y) : y;
    }
    out.probs = t.back();
    return out;
  }

 private:
  const css::nn::Model& model_;
  torch::Tensor mean_, std_;
  std::vector<torch::Tensor> weights_, biases_;
};

int fail(const std::string& msg) {
  std::cerr << "torch_compare: " << msg << "\n";
  return 1;
}

css::Status save(const std::string& path, const torch::Tensor& t) {
  const auto c = t.contiguous();
  std::vector<std::size_t> shape(c.sizes().begin(), c.sizes().end());
  auto arr = css::data::make_npy<float>(
      shape, std::span<const float>(c.data_ptr<float>(), static_cast<std::size_t>(c.numel())));
  if (!arr) return arr.error();
  return css::data::write_npy(path, *arr);
}

int run(const css::nn::Model& m, const std::string& in_path, const std::string& probs_path,
        const std::string& logits_path) {
  auto in = css::compare::read_windows(m, in_path);
  if (!in) return fail(in.error().message);
  const auto n = static_cast<std::int64_t>(in->count);
  const auto x = torch::from_blob(in->values.data(), {n, m.window(), m.input_channels()});
  torch::InferenceMode guard;
  const Outputs out = TorchNet(m).forward(x);
  if (auto s = save(probs_path, out.probs); !s) return fail(s.error().message);
  if (!logits_path.empty()) {
    if (auto s = save(logits_path, out.logits); !s) return fail(s.error().message);
  }
  return 0;
}

int bench(const css::nn::Model& m, int iters, int warmup) {
  torch::set_num_threads(1);
  torch::InferenceMode guard;
  const TorchNet net(m);
  const auto x = torch::randn({1, static_cast<std::int64_t>(m.window()), m.input_channels()});
  const auto t = css::compare::time_calls(
      iters, warmup, [&] { return net.forward(x).probs.numel() == m.num_classes(); });
  if (!t) return fail("unexpected output size");
  std::printf(
      "{\"torch_1t_us\":%.2f,\"torch_1t_p90_us\":%.2f,\"iters\":%d,\"torch_version\":\"%s\"}\n",
      t->median_us, t->p90_us, iters, TORCH_VERSION);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // glibc returns freed blocks to the OS between calls and faults them back in (3x slower
  // epochs, docs/training.md): keep them.
  mallopt(M_MMAP_THRESHOLD, 1 << 30);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() < 2) {
    std::cerr << "usage: torch_compare run IN.csm INPUT.npy PROBS.npy [LOGITS.npy]\n"
                 "       torch_compare bench IN.csm [--iters N] [--warmup N]\n";
    return 2;
  }
  css::compare::LoadedModel loaded;
  if (auto s = css::compare::load_model(args[1], loaded); !s) return fail(s.error().message);
  const css::nn::Model& model = loaded.model;
  if (!model.has_float_weights()) return fail(args[1] + ": has no float weights");
  if (args[0] == "run" && (args.size() == 4 || args.size() == 5)) {
    return run(model, args[2], args[3], args.size() == 5 ? args[4] : "");
  }
  if (args[0] == "bench") {
    int iters = 3000, warmup = 300;
    if (!css::compare::parse_bench_flags(args, iters, warmup)) {
      std::cerr << "torch_compare: bench takes --iters N and --warmup N (N >= 1)\n";
      return 2;
    }
    return bench(model, iters, warmup);
  }
  std::cerr << "torch_compare: bad arguments (see the usage at the top of torch_compare.cpp)\n";
  return 2;
}

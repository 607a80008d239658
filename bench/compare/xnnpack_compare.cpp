// XNNPACK twin of the engine's int8 path, for the side-by-side comparison: the network of a
// .csm file is rebuilt as an XNNPACK subgraph with the model's own int8 weights, scales and
// zero points, i.e. the QS8/QC8 operators TFLite's XNNPACK delegate runs for an int8 model,
// without the TFLite interpreter around them. Both sides start from float rows: the graph
// normalises (fp32 subtract/divide), quantises (convert fp32 -> qs8), runs every op in int8,
// dequantises the logits and applies an fp32 softmax, as run_window() does.
//
//   xnnpack_compare run IN.csm INPUT.npy LOGITS.npy     (INPUT float32 [N, window, C]; writes
//                                                       the dequantised int8 logits [N, classes])
//   xnnpack_compare bench IN.csm [--iters N] [--warmup N]  (1 thread; prints one JSON line)
// CSS_NN_ISA=avx2 or avxvnni (the engine's cap, css/nn/isa.hpp) makes XNNPACK run the kernels it
// runs on a CPU without AVX-512; other values leave it uncapped (the JSON's xnnpack_isa_cap).
// Exit status 0 on success, 1 on error (message on stderr), 2 on bad usage.
#include <cpuinfo.h>
#include <xnnpack.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "compare_io.hpp"
#include "css/data/npy.hpp"
#include "css/nn/model.hpp"

#ifndef CSS_XNNPACK_VERSION
#define CSS_XNNPACK_VERSION "unknown"
#endif

namespace {

using css::nn::format::OpType;

// External value ids of the subgraph.
constexpr std::uint32_t kInputId = 0, kLogitsId = 1, kProbsId = 2, kNumExternal = 3;
constexpr float kNoClamp = INFINITY;

bool xnn_ok(xnn_status s) {
  return s == xnn_status_success;
}

int fail(const std::string& msg) {
  std::cerr << "xnnpack_compare: " << msg << "\n";
  return 1;
}

// XNNPACK picks its microkernels once, in xnn_initialize, from cpuinfo's ISA flags (cpuinfo
// detects once; later cpuinfo_initialize calls keep the flags). Clearing the AVX-512 ones first
// gives the kernels of an AVX2-only CPU; this XNNPACK has no AVX-VNNI kernels, so the avxvnni
// cap is the same. Returns the cap applied, nullptr for none.
const char* cap_isa() {
  const char* env = std::getenv("CSS_NN_ISA");
  const std::string cap = env != nullptr ? env : "";
  if ((cap != "avx2" && cap != "avxvnni") || !cpuinfo_initialize()) return nullptr;
  auto& isa = cpuinfo_isa;
  for (bool* flag :
       {&isa.avx512f, &isa.avx512pf, &isa.avx512er, &isa.avx512cd, &isa.avx512dq, &isa.avx512bw,
        &isa.avx512vl, &isa.avx512ifma, &isa.avx512vbmi, &isa.avx512vbmi2, &isa.avx512bitalg,
        &isa.avx512vpopcntdq, &isa.avx512vnni, &isa.avx512bf16, &isa.avx512vp2intersect,
        &isa.avx512_4vnniw, &isa.avx512_4fmaps}) {
    *flag = false;
  }
  return cap == "avx2" ? "avx2" : "avxvnni";
}

// The model as one XNNPACK runtime over a [1, 1, window, C] input (H = 1: a causal dilated
// conv1d is a 2-D conv of height 1 with (K-1)*d columns of left padding).
class XnnNet {
 public:
  XnnNet() = default;
  XnnNet(const XnnNet&) = delete;
  XnnNet& operator=(const XnnNet&) = delete;
  ~XnnNet() {
    if (runtime_ != nullptr) xnn_delete_runtime(runtime_);
    if (subgraph_ != nullptr) xnn_delete_subgraph(subgraph_);
  }

  // Empty on success, else what failed (the op index and what XNNPACK refused).
  std::string build(const css::nn::Model& m) {
    model_ = &m;
    input_.assign(std::size_t{m.window()} * m.input_channels() + kPadFloats, 0.0f);
    logits_.assign(m.num_classes(), 0.0f);
    probs_.assign(m.num_classes(), 0.0f);
    if (!xnn_ok(xnn_create_subgraph(kNumExternal, 0, &subgraph_))) {
      return "xnn_create_subgraph failed";
    }
    if (auto e = define_input(); !e.empty()) return e;
    for (std::size_t i = 0; i < m.num_ops(); ++i) {
      if (auto e = define_op(i); !e.empty()) return "op " + std::to_string(i) + ": " + e;
    }
    if (!xnn_ok(xnn_create_runtime_v2(subgraph_, nullptr, 0, &runtime_))) {
      return "xnn_create_runtime_v2 refused the graph";
    }
    const xnn_external_value ext[kNumExternal] = {
        {kInputId, input_.data()}, {kLogitsId, logits_.data()}, {kProbsId, probs_.data()}};
    if (!xnn_ok(xnn_setup_runtime(runtime_, kNumExternal, ext))) {
      return "xnn_setup_runtime failed";
    }
    return "";
  }

  // The runtime's input, one window of raw rows [window][C]; invoke() runs it into logits()
  // and probs(). The timed call is invoke() alone: no copy in, as our window call reads its
  // caller's rows in place.
  float* input() { return input_.data(); }
  bool invoke() { return xnn_ok(xnn_invoke_runtime(runtime_)); }
  const std::vector<float>& logits() const { return logits_; }
  const std::vector<float>& probs() const { return probs_; }

 private:
  // XNNPACK may read XNN_EXTRA_BYTES past the end of an input.
  static constexpr std::size_t kPadFloats = XNN_EXTRA_BYTES / sizeof(float);

  std::vector<std::size_t> dims(std::size_t t) const {
    const std::size_t steps = model_->tensor_is_sequence(t) ? model_->window() : 1;
    return {1, 1, steps, model_->tensor_channels(t)};
  }

  bool define_q8(std::size_t t, std::uint32_t* id) {
    const css::nn::QuantParams q = model_->tensor_quant(t);
    const auto d = dims(t);
    return xnn_ok(xnn_define_quantized_tensor_value(subgraph_, xnn_datatype_qint8, q.zero_point,
                                                    q.scale, d.size(), d.data(), nullptr,
                                                    XNN_INVALID_VALUE_ID, 0, id));
  }

  bool define_f32(const std::vector<std::size_t>& d, const float* data, std::uint32_t ext,
                  std::uint32_t flags, std::uint32_t* id) {
    return xnn_ok(xnn_define_tensor_value(subgraph_, xnn_datatype_fp32, d.size(), d.data(), data,
                                          ext, flags, id));
  }

  // Raw float rows -> (x - mean) / std -> qs8 tensor 0, as the engine quantises its input.
  std::string define_input() {
    const std::size_t c = model_->input_channels();
    auto& mean = floats_.emplace_back(c);
    auto& std_dev = floats_.emplace_back(c);
    for (std::size_t i = 0; i < c; ++i) {
      mean[i] = model_->input_mean(i);
      std_dev[i] = model_->input_std(i);
    }
    const auto d = dims(0);
    std::uint32_t in = 0, mean_id = 0, std_id = 0, centred = 0, normalised = 0;
    tensor_ids_.assign(model_->num_tensors(), XNN_INVALID_VALUE_ID);
    const bool ok =
        define_f32(d, nullptr, kInputId, XNN_VALUE_FLAG_EXTERNAL_INPUT, &in) &&
        define_f32({c}, mean.data(), XNN_INVALID_VALUE_ID, 0, &mean_id) &&
        define_f32({c}, std_dev.data(), XNN_INVALID_VALUE_ID, 0, &std_id) &&
        define_f32(d, nullptr, XNN_INVALID_VALUE_ID, 0, &centred) &&
        define_f32(d, nullptr, XNN_INVALID_VALUE_ID, 0, &normalised) &&
        define_q8(0, &tensor_ids_[0]) &&
        xnn_ok(xnn_define_subtract(subgraph_, -kNoClamp, kNoClamp, in, mean_id, centred, 0)) &&
        xnn_ok(xnn_define_divide(subgraph_, -kNoClamp, kNoClamp, centred, std_id, normalised, 0)) &&
        xnn_ok(xnn_define_convert(subgraph_, normalised, tensor_ids_[0], 0));
    return ok ? "" : "the input stage (normalise + quantise) was refused";
  }

  // A conv1d, or a dense as a 1x1 conv on [1, 1, 1, C]: XNNPACK of this vintage has no
  // per-channel (QC8) fully connected operator, and the conv runs the same GEMM microkernels.
  std::string define_conv(const css::nn::OpView& op, std::uint32_t in, std::uint32_t out) {
    const std::size_t o_n = op.out_channels, i_n = op.in_channels, k_n = op.kernel;
    if (op.weights_q == nullptr || op.weight_scale == nullptr || op.bias_q == nullptr) {
      return "has no int8 weights";
    }
    const float in_scale = model_->tensor_quant(op.in0).scale;
    auto& bias_scale = floats_.emplace_back(o_n);
    for (std::size_t o = 0; o < o_n; ++o) {  // as css::nn::ModelWriter computes it
      bias_scale[o] = static_cast<float>(static_cast<double>(in_scale) * op.weight_scale[o]);
    }
    const std::size_t w_dims[4] = {o_n, 1, k_n, i_n};  // .csm [out][kernel][in] = OHWI
    const std::size_t b_dims[1] = {o_n};
    std::uint32_t w = 0, b = 0;
    if (!xnn_ok(xnn_define_channelwise_quantized_tensor_value(
            subgraph_, xnn_datatype_qcint8, op.weight_scale, 4, 0, w_dims, op.weights_q,
            XNN_INVALID_VALUE_ID, 0, &w)) ||
        !xnn_ok(xnn_define_channelwise_quantized_tensor_value(
            subgraph_, xnn_datatype_qcint32, bias_scale.data(), 1, 0, b_dims, op.bias_q,
            XNN_INVALID_VALUE_ID, 0, &b))) {
      return "XNNPACK refused its QC8 weights";
    }
    const auto pad = static_cast<std::uint32_t>((k_n - 1) * op.dilation);
    const float lo = op.relu ? 0.0f : -kNoClamp;  // the fused ReLU as the output clamp
    return xnn_ok(xnn_define_convolution_2d(subgraph_, 0, 0, 0, pad, 1,
                                            static_cast<std::uint32_t>(k_n), 1, 1, 1, op.dilation,
                                            1, i_n, o_n, lo, kNoClamp, in, w, b, out, 0))
               ? ""
               : "XNNPACK refused the convolution";
  }

  // Softmax input (the int8 logits) -> dequantised fp32 logits -> fp32 softmax, both outputs.
  std::string define_softmax(std::uint32_t in) {
    const std::vector<std::size_t> d = {1, model_->num_classes()};
    std::uint32_t logits = 0, probs = 0;
    const bool ok = define_f32(d, nullptr, kLogitsId, XNN_VALUE_FLAG_EXTERNAL_OUTPUT, &logits) &&
                    define_f32(d, nullptr, kProbsId, XNN_VALUE_FLAG_EXTERNAL_OUTPUT, &probs) &&
                    xnn_ok(xnn_define_convert(subgraph_, in, logits, 0)) &&
                    xnn_ok(xnn_define_softmax(subgraph_, logits, probs, 0));
    return ok ? "" : "XNNPACK refused the dequantise + softmax stage";
  }

  std::string define_op(std::size_t i) {
    const css::nn::OpView op = model_->op(i);
    const std::uint32_t in = tensor_ids_[op.in0];
    if (op.type == OpType::kSoftmax) return define_softmax(in);
    std::uint32_t& out = tensor_ids_[i + 1];
    if (!define_q8(i + 1, &out)) return "XNNPACK refused its output tensor";
    const float lo = op.relu ? 0.0f : -kNoClamp;
    switch (op.type) {
      case OpType::kConv1d:
      case OpType::kDense:
        return define_conv(op, in, out);
      case OpType::kAdd:
        return xnn_ok(xnn_define_add2(subgraph_, lo, kNoClamp, in, tensor_ids_[op.in1], out, 0))
                   ? ""
                   : "XNNPACK refused the add";
      case OpType::kGlobalAvgPool:
        // The input is exactly `window` steps long (run and bench feed one window), so the
        // engine's mean over the last `window` steps is the mean over all of them.
        return xnn_ok(xnn_define_global_average_pooling_2d(subgraph_, lo, kNoClamp, in, out, 0))
                   ? ""
                   : "XNNPACK refused the global average pooling";
      case OpType::kSoftmax:
        break;
    }
    return "unsupported op type " + std::to_string(static_cast<int>(op.type));
  }

  const css::nn::Model* model_ = nullptr;
  xnn_subgraph_t subgraph_ = nullptr;
  xnn_runtime_t runtime_ = nullptr;
  std::vector<std::uint32_t> tensor_ids_;  // by engine tensor id
  std::deque<std::vector<float>> floats_;  // static data the runtime points at (stable)
  std::vector<float> input_, logits_, probs_;
};

int run(const css::nn::Model& m, XnnNet& net, const std::string& in_path,
        const std::string& logits_path) {
  auto in = css::compare::read_windows(m, in_path);
  if (!in) return fail(in.error().message);
  const std::size_t row = std::size_t{m.window()} * m.input_channels();
  std::vector<float> logits;
  for (std::size_t i = 0; i < in->count; ++i) {
    std::copy_n(in->values.data() + i * row, row, net.input());
    if (!net.invoke()) return fail("xnn_invoke_runtime failed");
    logits.insert(logits.end(), net.logits().begin(), net.logits().end());
  }
  auto out = css::data::make_npy<float>({in->count, m.num_classes()}, logits);
  if (!out) return fail(out.error().message);
  if (auto s = css::data::write_npy(logits_path, *out); !s) return fail(s.error().message);
  return 0;
}

int bench(const css::nn::Model& m, XnnNet& net, int iters, int warmup, const char* cap) {
  std::mt19937 rng(7);
  std::normal_distribution<float> normal;
  float* x = net.input();
  for (std::size_t i = 0; i < std::size_t{m.window()} * m.input_channels(); ++i) {
    const std::size_t c = i % m.input_channels();
    x[i] = m.input_mean(c) + m.input_std(c) * normal(rng);
  }
  const auto t = css::compare::time_calls(iters, warmup, [&] { return net.invoke(); });
  if (!t) return fail("xnn_invoke_runtime failed");
  std::printf(
      "{\"xnnpack_int8_1t_us\":%.2f,\"xnnpack_int8_1t_p90_us\":%.2f,\"iters\":%d,"
      "\"xnnpack_version\":\"%s\",\"xnnpack_isa_cap\":%s%s%s}\n",
      t->median_us, t->p90_us, iters, CSS_XNNPACK_VERSION, cap ? "\"" : "", cap ? cap : "null",
      cap ? "\"" : "");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  const bool is_run = args.size() == 4 && args[0] == "run";
  const bool is_bench = args.size() >= 2 && args[0] == "bench";
  int iters = 3000, warmup = 300;
  if (!is_run && !is_bench) {
    std::cerr << "usage: xnnpack_compare run IN.csm INPUT.npy LOGITS.npy\n"
                 "       xnnpack_compare bench IN.csm [--iters N] [--warmup N]\n";
    return 2;
  }
  if (is_bench && !css::compare::parse_bench_flags(args, iters, warmup)) {
    std::cerr << "xnnpack_compare: bench takes --iters N and --warmup N (N >= 1)\n";
    return 2;
  }
  css::compare::LoadedModel loaded;
  if (auto s = css::compare::load_model(args[1], loaded); !s) return fail(s.error().message);
  const css::nn::Model& model = loaded.model;
  const char* cap = cap_isa();
  if (!xnn_ok(xnn_initialize(nullptr))) {
    return fail("xnn_initialize failed (this CPU lacks what XNNPACK needs)");
  }
  XnnNet net;
  if (auto e = net.build(model); !e.empty()) return fail(args[1] + ": " + e);
  return is_run ? run(model, net, args[2], args[3]) : bench(model, net, iters, warmup, cap);
}

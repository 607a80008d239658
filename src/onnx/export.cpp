// Builds the ONNX graph op by op from the .csm float weights. Layout inside the graph is
// channels-first [1, C, T] (what ONNX Conv wants); the input is transposed once after
// normalisation. Tensor t of the engine (0 = normalised input, op i -> t = i + 1) becomes the
// graph value names[t].
#include "css/onnx/export.hpp"

#include <cstdio>
#include <span>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "css/core/file_io.hpp"
#include "css/nn/model.hpp"
#include "graph_builder.hpp"

namespace css::onnx {
namespace {

using css::nn::OpView;
using css::nn::format::OpType;
using detail::GraphBuilder;
using detail::set_attr;

// ONNX 1.12's checker accepts IR 8; opset 13 shipped with IR 7, the lowest that carries it.
constexpr std::int64_t kIrVersion = 7;

Error export_error(std::size_t op, const std::string& what) {
  return make_error(ErrorCode::kUnsupported, "onnx export: op " + std::to_string(op) + ": " + what);
}

std::string hex(std::span<const std::uint8_t, 32> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  for (const std::uint8_t b : bytes) {
    s += kDigits[b >> 4];
    s += kDigits[b & 15];
  }
  return s;
}

void add_metadata(const css::nn::Model& model, ::onnx::ModelProto& proto) {
  auto put = [&proto](const std::string& key, const std::string& value) {
    auto* p = proto.add_metadata_props();
    p->set_key(key);
    p->set_value(value);
  };
  put("csm_sha256", hex(model.checksum()));
  put("window", std::to_string(model.window()));
  std::string classes;
  for (std::size_t i = 0; i < model.num_classes(); ++i) {
    classes += (i == 0 ? "" : ",") + std::string(model.class_name(i));
  }
  put("classes", classes);
  for (std::size_t i = 0; i < model.metadata_count(); ++i) {
    const char* key = nullptr;
    const char* value = nullptr;
    model.metadata_at(i, &key, &value);
    put(std::string("csm.") + key, value);
  }
}

std::vector<std::int64_t> dims_of(std::size_t a, std::size_t b = 0, std::size_t c = 0) {
  std::vector<std::int64_t> d{static_cast<std::int64_t>(a)};
  if (b != 0) d.push_back(static_cast<std::int64_t>(b));
  if (c != 0) d.push_back(static_cast<std::int64_t>(c));
  return d;
}

// in -> QuantizeLinear(q) -> DequantizeLinear -> out: the tensor as the int8 model stores it.
void add_qdq(GraphBuilder& b, const std::string& in, const std::string& out,
             css::nn::QuantParams q) {
  b.add_initializer(out + "_scale", {}, {q.scale});
  b.add_int8_initializer(out + "_zp", {}, {static_cast<std::int8_t>(q.zero_point)});
  b.add_node("QuantizeLinear", {in, out + "_scale", out + "_zp"}, out + "_q");
  b.add_node("DequantizeLinear", {out + "_q", out + "_scale", out + "_zp"}, out);
}

// The int8 weights [o][rest] (rest already in ONNX order) and int32 biases of a conv or dense,
// dequantised per output channel; returns the float weight and bias value names.
std::pair<std::string, std::string> add_quant_weights(const OpView& op, float in_scale,
                                                      const std::string& prefix,
                                                      const std::vector<std::int8_t>& w,
                                                      const std::vector<std::int64_t>& w_dims,
                                                      GraphBuilder& b) {
  const std::size_t o_n = op.out_channels;
  std::vector<float> w_scale(op.weight_scale, op.weight_scale + o_n), b_scale(o_n);
  for (std::size_t o = 0; o < o_n; ++o) {  // as css::nn::ModelWriter computes the bias scale
    b_scale[o] = static_cast<float>(static_cast<double>(in_scale) * w_scale[o]);
  }
  b.add_int8_initializer(prefix + "_weight_q", w_dims, w);
  b.add_initializer(prefix + "_weight_scale", dims_of(o_n), w_scale);
  b.add_int8_initializer(prefix + "_weight_zp", dims_of(o_n), std::vector<std::int8_t>(o_n, 0));
  b.add_int32_initializer(prefix + "_bias_q", dims_of(o_n),
                          std::vector<std::int32_t>(op.bias_q, op.bias_q + o_n));
  b.add_initializer(prefix + "_bias_scale", dims_of(o_n), b_scale);
  b.add_int32_initializer(prefix + "_bias_zp", dims_of(o_n), std::vector<std::int32_t>(o_n, 0));
  set_attr(b.add_node("DequantizeLinear",
                      {prefix + "_weight_q", prefix + "_weight_scale", prefix + "_weight_zp"},
                      prefix + "_weight"),
           "axis", std::int64_t{0});
  set_attr(b.add_node("DequantizeLinear",
                      {prefix + "_bias_q", prefix + "_bias_scale", prefix + "_bias_zp"},
                      prefix + "_bias"),
           "axis", std::int64_t{0});
  return {prefix + "_weight", prefix + "_bias"};
}

// Input normalisation (x - mean) / std on channels-last data, then [1, T, C] -> [1, C, T].
void add_input_stage(const css::nn::Model& model, GraphBuilder& b, const std::string& out,
                     bool qdq) {
  const auto channels = static_cast<std::int64_t>(model.input_channels());
  std::vector<float> mean(model.input_channels());
  std::vector<float> std_dev(model.input_channels());
  for (std::size_t c = 0; c < mean.size(); ++c) {
    mean[c] = model.input_mean(c);
    std_dev[c] = model.input_std(c);
  }
  b.add_input(kInputName, {1, static_cast<std::int64_t>(model.window()), channels});
  b.add_initializer("input_mean", {channels}, mean);
  b.add_initializer("input_std", {channels}, std_dev);
  b.add_node("Sub", {kInputName, "input_mean"}, "features_centred");
  b.add_node("Div", {"features_centred", "input_std"}, "features_normalised");
  const std::string t_out = qdq ? "features_transposed" : out;
  set_attr(b.add_node("Transpose", {"features_normalised"}, t_out), "perm",
           std::vector<std::int64_t>{0, 2, 1});
  if (qdq) add_qdq(b, t_out, out, model.tensor_quant(0));
}

// Conv weights are [out][kernel][in] in .csm and [out][in][kernel] in ONNX.
template <typename T>
std::vector<T> to_oik(const T* src, std::size_t o_n, std::size_t i_n, std::size_t k_n) {
  std::vector<T> w(o_n * i_n * k_n);
  for (std::size_t o = 0; o < o_n; ++o) {
    for (std::size_t k = 0; k < k_n; ++k) {
      for (std::size_t i = 0; i < i_n; ++i) {
        w[(o * i_n + i) * k_n + k] = src[(o * k_n + k) * i_n + i];
      }
    }
  }
  return w;
}

void add_conv(const OpView& op, std::size_t index, const std::string& in, const std::string& out,
              float in_scale, GraphBuilder& b) {
  const std::size_t o_n = op.out_channels, i_n = op.in_channels, k_n = op.kernel;
  const std::string prefix = "op" + std::to_string(index);
  std::string w_name = prefix + "_weight", b_name = prefix + "_bias";
  if (in_scale > 0.0f) {
    std::tie(w_name, b_name) = add_quant_weights(
        op, in_scale, prefix, to_oik(op.weights_q, o_n, i_n, k_n), dims_of(o_n, i_n, k_n), b);
  } else {
    b.add_initializer(w_name, dims_of(o_n, i_n, k_n), to_oik(op.weights_f, o_n, i_n, k_n));
    b.add_initializer(b_name, dims_of(o_n), std::vector<float>(op.bias_f, op.bias_f + o_n));
  }
  auto& node = b.add_node("Conv", {in, w_name, b_name}, out);
  // Causal: all (K-1)*d padding on the left (zeros in normalised units), none on the right, so
  // output step t sees inputs t-(K-1)*d .. t and the length stays T.
  const auto pad = static_cast<std::int64_t>((k_n - 1) * op.dilation);
  set_attr(node, "kernel_shape", std::vector<std::int64_t>{static_cast<std::int64_t>(k_n)});
  set_attr(node, "dilations", std::vector<std::int64_t>{static_cast<std::int64_t>(op.dilation)});
  set_attr(node, "pads", std::vector<std::int64_t>{pad, 0});
  set_attr(node, "strides", std::vector<std::int64_t>{1});
  set_attr(node, "group", std::int64_t{1});
}

void add_dense(const OpView& op, std::size_t index, const std::string& in, const std::string& out,
               float in_scale, GraphBuilder& b) {
  const std::size_t o_n = op.out_channels, i_n = op.in_channels;
  const std::string prefix = "op" + std::to_string(index);
  std::string w_name = prefix + "_weight", b_name = prefix + "_bias";
  if (in_scale > 0.0f) {
    std::tie(w_name, b_name) = add_quant_weights(
        op, in_scale, prefix, std::vector<std::int8_t>(op.weights_q, op.weights_q + o_n * i_n),
        dims_of(o_n, i_n), b);
  } else {
    b.add_initializer(w_name, dims_of(o_n, i_n),
                      std::vector<float>(op.weights_f, op.weights_f + o_n * i_n));
    b.add_initializer(b_name, dims_of(o_n), std::vector<float>(op.bias_f, op.bias_f + o_n));
  }
  set_attr(b.add_node("Gemm", {in, w_name, b_name}, out), "transB", std::int64_t{1});
}

// Emits op `index`; `out` is its final value name (after the fused ReLU, when there is one,
// and with qdq after its QuantizeLinear/DequantizeLinear pair).
Status add_op(const css::nn::Model& model, std::size_t index, const std::vector<std::string>& names,
              bool qdq, GraphBuilder& b) {
  const OpView op = model.op(index);
  const bool quant_out = qdq && op.type != OpType::kSoftmax;
  const std::string out = quant_out ? names[index + 1] + "_f" : names[index + 1];
  const bool has_weights =
      qdq ? op.weights_q != nullptr && op.bias_q != nullptr && op.weight_scale != nullptr
          : op.weights_f != nullptr && op.bias_f != nullptr;
  const char* lacks = qdq ? "int8 weights" : "float weights";
  const float in_scale = qdq ? model.tensor_quant(op.in0).scale : 0.0f;
  const std::string pre = op.relu ? out + "_pre_relu" : out;
  switch (op.type) {
    case OpType::kConv1d:
      if (!has_weights) return export_error(index, std::string("conv1d has no ") + lacks);
      add_conv(op, index, names[op.in0], pre, in_scale, b);
      break;
    case OpType::kAdd:
      b.add_node("Add", {names[op.in0], names[op.in1]}, pre);
      break;
    case OpType::kGlobalAvgPool: {
      // In window mode the sequence is exactly `window` steps long: the mean over all of it.
      auto& node = b.add_node("ReduceMean", {names[op.in0]}, pre);
      set_attr(node, "axes", std::vector<std::int64_t>{2});
      set_attr(node, "keepdims", std::int64_t{0});
      break;
    }
    case OpType::kDense:
      if (!has_weights) return export_error(index, std::string("dense has no ") + lacks);
      add_dense(op, index, names[op.in0], pre, in_scale, b);
      break;
    case OpType::kSoftmax:
      if (op.relu) return export_error(index, "softmax with a fused relu");
      set_attr(b.add_node("Softmax", {names[op.in0]}, out), "axis", std::int64_t{-1});
      return Ok{};
    default:
      return export_error(index, "unknown op type " + std::to_string(static_cast<int>(op.type)));
  }
  if (op.relu) {
    b.add_node("Relu", {pre}, out);
  }
  if (quant_out) add_qdq(b, out, names[index + 1], model.tensor_quant(index + 1));
  return Ok{};
}

}  // namespace

Result<std::vector<std::uint8_t>> export_onnx(const css::nn::Model& model,
                                              const ExportOptions& options) {
  if (!options.qdq && !model.has_float_weights()) {
    return make_error(
        ErrorCode::kUnsupported,
        "onnx export: the model has no float weights (needs a .csm written with them)");
  }
  const std::size_t last = std::size_t{model.num_ops()} - 1;
  if (model.num_ops() == 0 || model.op(last).type != OpType::kSoftmax) {
    return export_error(last, "expected the last op to be softmax");
  }
  // Value names: the softmax input is the graph's "logits", its output "probs".
  std::vector<std::string> names(model.num_tensors());
  for (std::size_t t = 0; t < names.size(); ++t) {
    names[t] = "t" + std::to_string(t);
  }
  names[model.op(last).in0] = kLogitsName;
  names[last + 1] = kProbsName;

  ::onnx::ModelProto proto;
  proto.set_ir_version(kIrVersion);
  proto.set_producer_name("citysafesense");
  proto.set_producer_version("0.1.0");
  proto.set_model_version(1);
  auto* opset = proto.add_opset_import();
  opset->set_domain("");
  opset->set_version(kOpsetVersion);
  add_metadata(model, proto);

  auto& graph = *proto.mutable_graph();
  graph.set_name("citysafesense_tcn");
  graph.set_doc_string(options.doc);
  GraphBuilder b(graph);
  add_input_stage(model, b, names[0], options.qdq);
  for (std::size_t i = 0; i < model.num_ops(); ++i) {
    if (Status s = add_op(model, i, names, options.qdq, b); !s) {
      return s.error();
    }
  }
  const auto classes = static_cast<std::int64_t>(model.num_classes());
  b.add_output(kProbsName, {1, classes});
  if (options.logits_output) {
    b.add_output(kLogitsName, {1, classes});
  }

  std::vector<std::uint8_t> bytes(proto.ByteSizeLong());
  if (!proto.SerializeToArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return make_error(ErrorCode::kInvalidArgument, "onnx export: protobuf serialisation failed");
  }
  return bytes;
}

Status write_onnx(const css::nn::Model& model, const std::filesystem::path& path,
                  const ExportOptions& options) {
  auto bytes = export_onnx(model, options);
  if (!bytes) {
    return bytes.error();
  }
  const auto st = css::io::write_file(path, std::as_bytes(std::span<const std::uint8_t>(*bytes)));
  if (!st) return make_error(st.error().code, "onnx export: " + st.error().message);
  return Ok{};
}

}  // namespace css::onnx

// The ONNX exporter on the engine's random default model: the graph passes ONNX's own checker
// (C++ and python3-onnx full_check), carries the engine's shapes and names, and stores the conv
// weights in ONNX's [out][in][kernel] order with left-only (causal) padding. Numerical agreement
// with ONNX Runtime is checked by tests/node/ort_agreement.test.js (ctest onnx_ort_agreement).
#include <gtest/gtest.h>
#include <onnx/checker.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "css/nn/model.hpp"
#include "css/nn/model_writer.hpp"
#include "css/onnx/export.hpp"

namespace {

using css::nn::format::OpType;

struct Fixture {
  std::vector<std::uint8_t> bytes;
  css::nn::Model model;
};

// The Model views `bytes`: build both in place, never copy a Fixture.
void make_model(Fixture& f, const css::nn::DefaultModelOptions& options, std::uint64_t seed = 3) {
  f.bytes = css::nn::build_default_random_model(seed, options);
  ASSERT_FALSE(f.bytes.empty());
  ASSERT_EQ(css::nn::Model::parse(f.bytes, f.model), css::nn::Status::kOk);
}

::onnx::ModelProto export_proto(const css::nn::Model& model, const css::onnx::ExportOptions& o) {
  auto bytes = css::onnx::export_onnx(model, o);
  EXPECT_TRUE(bytes.ok()) << (bytes.ok() ? "" : bytes.error().message);
  ::onnx::ModelProto proto;
  if (bytes.ok()) {
    EXPECT_TRUE(proto.ParseFromArray(bytes->data(), static_cast<int>(bytes->size())));
  }
  return proto;
}

std::vector<std::int64_t> dims_of(const ::onnx::ValueInfoProto& v) {
  std::vector<std::int64_t> dims;
  for (const auto& d : v.type().tensor_type().shape().dim()) dims.push_back(d.dim_value());
  return dims;
}

std::vector<std::int64_t> ints_attr(const ::onnx::NodeProto& node, const std::string& name) {
  for (const auto& a : node.attribute()) {
    if (a.name() == name) return {a.ints().begin(), a.ints().end()};
  }
  return {};
}

std::vector<float> floats_of(const ::onnx::TensorProto& t) {
  std::vector<float> v(t.raw_data().size() / sizeof(float));
  std::memcpy(v.data(), t.raw_data().data(), v.size() * sizeof(float));
  return v;
}

class OnnxExport : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    make_model(f_, GetParam() ? css::nn::large_model_options() : css::nn::DefaultModelOptions{});
  }
  Fixture f_;
};

TEST_P(OnnxExport, PassesOnnxCheckerAndShapeInference) {
  auto proto = export_proto(f_.model, {});
  EXPECT_NO_THROW(::onnx::checker::check_model(proto));
  ::onnx::shape_inference::InferShapes(proto);
  EXPECT_NO_THROW(::onnx::checker::check_model(proto));
}

TEST_P(OnnxExport, InputsOutputsAndOpsetMatchTheEngine) {
  const auto& m = f_.model;
  auto proto = export_proto(m, {});
  ASSERT_EQ(proto.opset_import_size(), 1);
  EXPECT_EQ(proto.opset_import(0).version(), css::onnx::kOpsetVersion);
  const auto& g = proto.graph();
  ASSERT_EQ(g.input_size(), 1);
  EXPECT_EQ(g.input(0).name(), css::onnx::kInputName);
  EXPECT_EQ(dims_of(g.input(0)), (std::vector<std::int64_t>{1, m.window(), m.input_channels()}));
  ASSERT_EQ(g.output_size(), 2);
  EXPECT_EQ(g.output(0).name(), css::onnx::kProbsName);
  EXPECT_EQ(g.output(1).name(), css::onnx::kLogitsName);
  EXPECT_EQ(dims_of(g.output(0)), (std::vector<std::int64_t>{1, m.num_classes()}));

  std::map<std::string, int> counts;
  for (const auto& n : g.node()) ++counts[n.op_type()];
  int convs = 0, relus = 0, adds = 0;
  for (std::size_t i = 0; i < m.num_ops(); ++i) {
    const auto op = m.op(i);
    convs += op.type == OpType::kConv1d;
    adds += op.type == OpType::kAdd;
    relus += op.relu;
  }
  EXPECT_GT(convs, 0);
  EXPECT_EQ(counts["Conv"], convs);
  EXPECT_EQ(counts["Add"], adds);
  EXPECT_EQ(counts["Relu"], relus);
  EXPECT_EQ(counts["Softmax"], 1);
}

TEST_P(OnnxExport, ConvWeightsAreTransposedAndPaddedCausally) {
  const auto& m = f_.model;
  auto proto = export_proto(m, {});
  std::map<std::string, const ::onnx::TensorProto*> inits;
  for (const auto& t : proto.graph().initializer()) inits[t.name()] = &t;
  std::size_t conv_node = 0;
  std::vector<const ::onnx::NodeProto*> conv_nodes;
  for (const auto& n : proto.graph().node()) {
    if (n.op_type() == "Conv") conv_nodes.push_back(&n);
  }
  for (std::size_t i = 0; i < m.num_ops(); ++i) {
    const auto op = m.op(i);
    if (op.type != OpType::kConv1d) continue;
    ASSERT_LT(conv_node, conv_nodes.size());
    const auto& node = *conv_nodes[conv_node++];
    const auto pad = std::int64_t{op.kernel - 1} * op.dilation;
    EXPECT_EQ(ints_attr(node, "pads"), (std::vector<std::int64_t>{pad, 0})) << "op " << i;
    EXPECT_EQ(ints_attr(node, "dilations"), (std::vector<std::int64_t>{op.dilation}));
    ASSERT_TRUE(inits.count(node.input(1)));
    const auto& w = *inits.at(node.input(1));
    ASSERT_EQ(std::vector<std::int64_t>(w.dims().begin(), w.dims().end()),
              (std::vector<std::int64_t>{op.out_channels, op.in_channels, op.kernel}));
    const auto values = floats_of(w);
    const std::size_t ni = op.in_channels, nk = op.kernel;
    for (std::size_t o = 0; o < op.out_channels; ++o) {
      for (std::size_t c = 0; c < ni; ++c) {
        for (std::size_t k = 0; k < nk; ++k) {
          ASSERT_EQ(values[(o * ni + c) * nk + k], op.weights_f[(o * nk + k) * ni + c])
              << "op " << i << " [" << o << "][" << c << "][" << k << "]";
        }
      }
    }
  }
  EXPECT_EQ(conv_node, conv_nodes.size());
}

TEST_P(OnnxExport, PythonOnnxFullCheckAcceptsTheFile) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("css_onnx_test_" + std::to_string(::getpid()) + (GetParam() ? "_l" : "_d"));
  std::filesystem::create_directories(dir);
  const auto path = dir / "model.onnx";
  const auto s = css::onnx::write_onnx(f_.model, path);
  ASSERT_TRUE(s.ok()) << s.error().message;
  const std::string cmd =
      "/usr/bin/python3 -c \"import onnx,sys; "
      "onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)\" '" +
      path.string() + "'";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::filesystem::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(DefaultAndLarge, OnnxExport, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& p) {
                           return p.param ? "Large" : "Default";
                         });

TEST(OnnxExportOptions, LogitsOutputCanBeLeftOut) {
  Fixture f;
  make_model(f, {});
  css::onnx::ExportOptions o;
  o.logits_output = false;
  auto proto = export_proto(f.model, o);
  ASSERT_EQ(proto.graph().output_size(), 1);
  EXPECT_EQ(proto.graph().output(0).name(), css::onnx::kProbsName);
  EXPECT_NO_THROW(::onnx::checker::check_model(proto));
}

// QDQ export (the ORT int8 baseline): every tensor but the probabilities is quantised with the
// int8 model's own scale and zero point, conv and dense weights are the model's int8 weights with
// its per-channel scales, biases its int32 biases; the float weights are not needed.
TEST(OnnxExportQdq, QuantisesEveryTensorWithTheModelsScales) {
  Fixture f;
  css::nn::DefaultModelOptions options;
  options.include_float = false;
  make_model(f, options);
  css::onnx::ExportOptions o;
  o.qdq = true;
  auto proto = export_proto(f.model, o);
  EXPECT_NO_THROW(::onnx::checker::check_model(proto));
  std::map<std::string, const ::onnx::TensorProto*> init;
  for (const auto& t : proto.graph().initializer()) init[t.name()] = &t;
  auto scalar_f = [&](const std::string& name) {
    const auto* t = init.at(name);
    float v = 0;
    std::memcpy(&v, t->raw_data().data(), sizeof v);
    return v;
  };
  int quantize = 0, dq_weights = 0;
  for (const auto& node : proto.graph().node()) {
    if (node.op_type() == "QuantizeLinear") ++quantize;
    if (node.op_type() == "DequantizeLinear" && init.count(node.input(0)) != 0) {
      const auto& w = *init.at(node.input(0));
      EXPECT_TRUE(w.data_type() == ::onnx::TensorProto::INT8 ||
                  w.data_type() == ::onnx::TensorProto::INT32)
          << node.input(0);
      ++dq_weights;
    }
  }
  // The input plus every op but softmax; weights and biases of every conv and dense.
  int weighted = 0;
  for (std::size_t i = 0; i < f.model.num_ops(); ++i) {
    const auto type = f.model.op(i).type;
    weighted += type == OpType::kConv1d || type == OpType::kDense ? 1 : 0;
  }
  EXPECT_EQ(quantize, static_cast<int>(f.model.num_ops()));
  EXPECT_EQ(dq_weights, 2 * weighted);
  // Scales and zero points are the model's, tensor by tensor.
  EXPECT_EQ(scalar_f("t0_scale"), f.model.tensor_quant(0).scale);
  const std::size_t logits = f.model.op(f.model.num_ops() - 1).in0;
  EXPECT_EQ(scalar_f(std::string(css::onnx::kLogitsName) + "_scale"),
            f.model.tensor_quant(logits).scale);
  EXPECT_EQ(
      static_cast<std::int8_t>(init.at(std::string(css::onnx::kLogitsName) + "_zp")->raw_data()[0]),
      f.model.tensor_quant(logits).zero_point);
  // op0's int8 weights, transposed to [out][in][kernel].
  const auto op0 = f.model.op(0);
  const auto& w = *init.at("op0_weight_q");
  ASSERT_EQ(w.raw_data().size(), std::size_t{op0.out_channels} * op0.in_channels * op0.kernel);
  EXPECT_EQ(static_cast<std::int8_t>(w.raw_data()[1 * op0.kernel]), op0.weights_q[1]);
}

TEST(OnnxExportErrors, ModelWithoutFloatWeightsIsRefused) {
  Fixture f;
  css::nn::DefaultModelOptions options;
  options.include_float = false;
  make_model(f, options);
  ASSERT_FALSE(f.model.has_float_weights());
  auto r = css::onnx::export_onnx(f.model);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, css::ErrorCode::kUnsupported);
  EXPECT_NE(r.error().message.find("float weights"), std::string::npos);
}

TEST(OnnxExportErrors, MissingFolderIsRefusedNamingThePath) {
  Fixture f;
  make_model(f, {});
  const auto s = css::onnx::write_onnx(f.model, "/nonexistent-dir/sub/model.onnx");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, css::ErrorCode::kInvalidArgument);  // a bad path, not a disk error
  EXPECT_NE(s.error().message.find("/nonexistent-dir/sub/model.onnx"), std::string::npos);
}

}  // namespace

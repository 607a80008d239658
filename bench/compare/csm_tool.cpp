// csm_tool: host helper for the engine cross-checks and the comparison benchmark.
//   csm_tool make-default OUT.csm [--large] [--seed N]   random default (or ~23 k-param) TCN
//   csm_tool to-onnx IN.csm OUT.onnx [--qdq]              css::onnx::write_onnx (--qdq: the
//       int8 model's scales as QuantizeLinear/DequantizeLinear, the ORT int8 baseline)
//   csm_tool run-float IN.csm INPUT.npy PROBS.npy [LOGITS.npy]
//       engine float window outputs for float32 INPUT [N, window, channels]
//   csm_tool run-int8 IN.csm INPUT.npy PROBS.npy [LOGITS.npy]
//       the same with the int8 reference kernels (logits dequantised)
//   csm_tool info IN.csm          one JSON line: shape, normalisation, the logits' int8 scale
// Exit status 0 on success, 1 on error (one line on stderr), 2 on bad usage (CLI11).
#include <CLI/CLI.hpp>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "compare_io.hpp"
#include "css/data/npy.hpp"
#include "css/nn/interpreter.hpp"
#include "css/nn/model.hpp"
#include "css/nn/model_writer.hpp"
#include "css/onnx/export.hpp"

namespace {

int fail(const std::string& msg) {
  std::cerr << "csm_tool: " << msg << "\n";
  return 1;
}

using css::compare::load_model;
using css::compare::LoadedModel;

css::Status write_bytes(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!f.flush()) return css::make_error(css::ErrorCode::kIo, "cannot write '" + path + "'");
  return css::Ok{};
}

int make_default(const std::string& out, bool large, std::uint64_t seed) {
  const auto options = large ? css::nn::large_model_options() : css::nn::DefaultModelOptions{};
  const auto bytes = css::nn::build_default_random_model(seed, options);
  if (bytes.empty()) return fail("building the random model failed");
  if (auto s = write_bytes(out, bytes); !s) return fail(s.error().message);
  return 0;
}

int to_onnx(const std::string& in, const std::string& out, bool qdq) {
  LoadedModel m;
  if (auto r = load_model(in, m); !r) return fail(r.error().message);
  css::onnx::ExportOptions options;
  options.qdq = qdq;
  if (auto s = css::onnx::write_onnx(m.model, out, options); !s) return fail(s.error().message);
  return 0;
}

// Captures the softmax input (the float logits) through the interpreter's observer.
struct LogitsTap {
  std::size_t tensor = 0;
  std::vector<float>* sink = nullptr;
  static void observe(void* ctx, std::size_t t, std::span<const float> values) {
    auto* self = static_cast<LogitsTap*>(ctx);
    if (t == self->tensor) self->sink->assign(values.begin(), values.end());
  }
};

int run_float(const std::string& in, const std::string& input, const std::string& probs_out,
              const std::string& logits_out, bool int8) {
  LoadedModel m;
  if (auto r = load_model(in, m); !r) return fail(r.error().message);
  const auto& model = m.model;
  auto windows = css::compare::read_windows(model, input);
  if (!windows) return fail(windows.error().message);
  const std::size_t w = model.window(), c = model.input_channels(), k = model.num_classes();
  const css::nn::RunConfig config{int8 ? css::nn::Precision::kInt8 : css::nn::Precision::kFloat,
                                  css::nn::KernelSet::kReference, 0};
  const std::size_t logits_t = model.op(model.num_ops() - 1).in0;
  const css::nn::QuantParams logits_q = model.tensor_quant(logits_t);
  std::vector<std::uint32_t> arena_words(
      (css::nn::Interpreter::required_arena_bytes(model, config) + 3) / 4);
  css::nn::Interpreter interp;
  const std::span<std::uint8_t> arena(reinterpret_cast<std::uint8_t*>(arena_words.data()),
                                      arena_words.size() * 4);
  if (const auto s = interp.init(model, arena, config); s != css::nn::Status::kOk) {
    return fail(in + ": interpreter init failed (" + css::nn::status_name(s) + ")");
  }
  std::vector<float> logits;
  LogitsTap tap{logits_t, &logits};
  interp.set_observer(&LogitsTap::observe, &tap);

  const std::size_t n = windows->count;
  std::vector<float> probs(n * k), all_logits(n * k);
  for (std::size_t i = 0; i < n; ++i) {
    logits.clear();
    const auto s =
        interp.run_window(std::span<const float>(windows->values.data() + i * w * c, w * c),
                          std::span<float>(probs.data() + i * k, k));
    if (s != css::nn::Status::kOk) {
      return fail(input + ": row " + std::to_string(i) + ": " + css::nn::status_name(s));
    }
    if (int8) {  // the observer reports float runs only: dequantise the int8 logits
      logits.clear();
      for (const std::int8_t q : interp.logits_q())
        logits.push_back(logits_q.scale * static_cast<float>(q - logits_q.zero_point));
    }
    if (logits.size() != k) return fail("the run reported no logits tensor");
    std::copy(logits.begin(), logits.end(),
              all_logits.begin() + static_cast<std::ptrdiff_t>(i * k));
  }
  auto save = [n, k](const std::string& path, const std::vector<float>& v) -> css::Status {
    auto a = css::data::make_npy<float>({n, k}, std::span<const float>(v));
    if (!a) return a.error();
    return css::data::write_npy(path, *a);
  };
  if (auto s = save(probs_out, probs); !s) return fail(s.error().message);
  if (!logits_out.empty()) {
    if (auto s = save(logits_out, all_logits); !s) return fail(s.error().message);
  }
  return 0;
}

int info(const std::string& in) {
  LoadedModel m;
  if (auto r = load_model(in, m); !r) return fail(r.error().message);
  const auto& model = m.model;
  std::size_t params = 0;  // float weights + biases of conv and dense ops
  for (std::size_t i = 0; i < model.num_ops(); ++i) {
    const auto op = model.op(i);
    if (op.type == css::nn::format::OpType::kConv1d || op.type == css::nn::format::OpType::kDense) {
      params += std::size_t{op.out_channels} * (std::size_t{op.kernel} * op.in_channels + 1);
    }
  }
  const css::nn::QuantParams logits_q = model.tensor_quant(model.op(model.num_ops() - 1).in0);
  std::string mean, std_dev;
  for (std::size_t c = 0; c < model.input_channels(); ++c) {
    mean += (c ? "," : "") + std::to_string(model.input_mean(c));
    std_dev += (c ? "," : "") + std::to_string(model.input_std(c));
  }
  std::printf(
      "{\"window\":%u,\"params\":%zu,\"channels\":%u,\"classes\":%u,\"ops\":%u,\"receptive_field\":"
      "%u,"
      "\"float_weights\":%s,\"logits_scale\":%.9g,\"logits_zero_point\":%d,\"mean\":[%s],"
      "\"std\":[%s]}\n",
      model.window(), params, unsigned{model.input_channels()}, unsigned{model.num_classes()},
      unsigned{model.num_ops()}, model.receptive_field(),
      model.has_float_weights() ? "true" : "false", double{logits_q.scale}, logits_q.zero_point,
      mean.c_str(), std_dev.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"csm_tool: make, export and run .csm models (engine cross-checks)"};
  app.require_subcommand(1);
  std::string in, out, input, logits;
  bool large = false;
  std::uint64_t seed = 1;

  auto* make = app.add_subcommand("make-default", "write a random default-architecture model");
  make->add_option("OUT", out, "output .csm")->required();
  make->add_flag("--large", large, "the ~23 k-parameter variant");
  make->add_option("--seed", seed, "random seed");

  auto* onnx = app.add_subcommand("to-onnx", "export the float weights as ONNX (opset 13)");
  onnx->add_option("IN", in, "input .csm")->required()->check(CLI::ExistingFile);
  onnx->add_option("OUT", out, "output .onnx")->required();
  bool qdq = false;
  onnx->add_flag("--qdq", qdq, "quantise every tensor with the int8 model's scales (QDQ)");

  auto* runf = app.add_subcommand("run-float", "engine float window outputs for an NPY input");
  runf->add_option("IN", in, "input .csm")->required()->check(CLI::ExistingFile);
  runf->add_option("INPUT", input, "float32 [N, window, channels] .npy")->required();
  runf->add_option("PROBS", out, "output probabilities [N, classes] .npy")->required();
  runf->add_option("LOGITS", logits, "output pre-softmax logits [N, classes] .npy");

  auto* run8 = app.add_subcommand("run-int8", "engine int8 (reference) window outputs");
  run8->add_option("IN", in, "input .csm")->required()->check(CLI::ExistingFile);
  run8->add_option("INPUT", input, "float32 [N, window, channels] .npy")->required();
  run8->add_option("PROBS", out, "output probabilities [N, classes] .npy")->required();
  run8->add_option("LOGITS", logits, "output dequantised logits [N, classes] .npy");

  auto* inf = app.add_subcommand("info", "print the model's shape and normalisation as JSON");
  inf->add_option("IN", in, "input .csm")->required()->check(CLI::ExistingFile);

  CLI11_PARSE(app, argc, argv);
  if (make->parsed()) return make_default(out, large, seed);
  if (onnx->parsed()) return to_onnx(in, out, qdq);
  if (runf->parsed()) return run_float(in, input, out, logits, false);
  if (run8->parsed()) return run_float(in, input, out, logits, true);
  return info(in);
}

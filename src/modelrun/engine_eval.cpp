#include "css/modelrun/engine_eval.hpp"

#include <algorithm>
#include <cstdio>
#include <limits>

#include "css/modelrun/window_runner.hpp"
#include "css/nn/model.hpp"
#include "css/nn/streaming.hpp"

namespace css::modelrun {
namespace {

Result<nn::Model> parse(std::span<const std::uint8_t> csm, const std::string& what) {
  nn::Model m;
  if (auto st = parse_model(csm, what, m); !st) return st.error();
  return m;
}

// Collects every value each tensor takes (a few MB for 512 windows of a small TCN).
struct ValueObserver {
  std::vector<std::vector<float>>* values;
  static void observe(void* ctx, std::size_t tensor, std::span<const float> v) {
    auto& dst = (*static_cast<ValueObserver*>(ctx)->values)[tensor];
    dst.insert(dst.end(), v.begin(), v.end());
  }
};

// The q-quantile (q in [0, 1]) of v by partial sort; v is reordered.
float quantile(std::vector<float>& v, double q) {
  const auto k = static_cast<std::size_t>(q * static_cast<double>(v.size() - 1) + 0.5);
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

// Steps per window when `values` floats hold n windows of the model's channels: at least the
// model's window (more = history before it).
Result<std::size_t> window_steps(const nn::Model& model, std::size_t values, std::size_t n,
                                 const std::string& what) {
  const std::size_t c = model.input_channels();
  const std::size_t steps = n > 0 ? values / (n * c) : 0;
  if (n == 0 || steps * n * c != values || steps < model.window())
    return make_error(ErrorCode::kInvalidArgument,
                      what + ": " + std::to_string(values) + " values for " + std::to_string(n) +
                          " windows of >= " + std::to_string(model.window()) + " x " +
                          std::to_string(c));
  return steps;
}

}  // namespace

Result<std::vector<float>> run_model(std::span<const std::uint8_t> csm, nn::Precision precision,
                                     std::span<const float> windows, std::size_t n) {
  auto model = parse(csm, "model");
  if (!model) return model.error();
  if (n == 0 && windows.empty()) return std::vector<float>{};
  auto steps = window_steps(*model, windows.size(), n, "windows");
  if (!steps) return steps.error();
  const std::size_t row = *steps * model->input_channels();
  WindowRunner runner;
  if (auto st = runner.init(*model, precision, *steps); !st) return st.error();
  const std::size_t k = model->num_classes();
  std::vector<float> probs(n * k);
  for (std::size_t i = 0; i < n; ++i)
    if (auto st =
            runner.run(windows.subspan(i * row, row), std::span<float>(probs).subspan(i * k, k));
        !st)
      return make_error(st.error().code, "window " + std::to_string(i) + ": " + st.error().message);
  return probs;
}

Result<CalibrationReport> calibrate_int8(nn::ModelWriter& writer, std::span<const float> windows,
                                         std::size_t n, double percentile) {
  std::string err;
  const auto float_bytes = writer.finish(&err);
  if (float_bytes.empty()) return make_error(ErrorCode::kInvalidArgument, "model writer: " + err);
  auto model = parse(float_bytes, "calibration model");
  if (!model) return model.error();
  if (!model->has_float_weights())
    return make_error(ErrorCode::kInvalidArgument, "calibration needs a model with float weights");
  auto steps = window_steps(*model, windows.size(), n, "calibration data");
  if (!steps) return steps.error();
  const std::size_t row = *steps * model->input_channels();
  CalibrationReport rep;
  rep.windows = n;
  std::vector<std::vector<float>> values(model->num_tensors());
  // The input tensor (0) is the normalised input: its values come from the data itself.
  values[0].resize(n * row);
  for (std::size_t i = 0; i < n * row; ++i) {
    const std::size_t c = i % model->input_channels();
    values[0][i] = (windows[i] - model->input_mean(c)) / model->input_std(c);
  }
  WindowRunner runner;
  if (auto st = runner.init(*model, nn::Precision::kFloat, *steps); !st) return st.error();
  ValueObserver obs{&values};
  runner.set_observer(&ValueObserver::observe, &obs);
  std::vector<float> probs(model->num_classes());
  for (std::size_t i = 0; i < n; ++i)
    if (auto st = runner.run(windows.subspan(i * row, row), probs); !st)
      return make_error(st.error().code,
                        "calibration window " + std::to_string(i) + ": " + st.error().message);
  const double q = std::clamp(percentile, 50.0, 100.0) / 100.0;
  rep.lo.assign(model->num_tensors(), 0.0f);
  rep.hi.assign(model->num_tensors(), 0.0f);
  for (std::size_t t = 0; t < model->num_tensors(); ++t) {
    auto& v = values[t];
    if (!v.empty()) {  // never observed (softmax output): stays [0, 0]
      rep.lo[t] = quantile(v, 1.0 - q);
      rep.hi[t] = quantile(v, q);
    }
    writer.set_quant(static_cast<nn::TensorId>(t),
                     nn::ModelWriter::quant_from_range(rep.lo[t], rep.hi[t]));
  }
  return rep;
}

Result<ArenaSizes> arena_sizes(std::span<const std::uint8_t> csm) {
  auto model = parse(csm, "model");
  if (!model) return model.error();
  ArenaSizes a;
  a.streaming = nn::Streaming::required_arena_bytes(*model);
  a.window_int8 = nn::Interpreter::required_arena_bytes(*model, nn::RunConfig{});
  return a;
}

std::string c_header(std::span<const std::uint8_t> csm, const std::string& symbol) {
  std::string out;
  out += "// Generated by `citysafe export`: a .csm model (docs/model-format.md) for firmware.\n";
  out += "#pragma once\n\n#include <stddef.h>\n\n";
  out += "alignas(4) static const unsigned char " + symbol + "[] = {";
  char buf[8];
  for (std::size_t i = 0; i < csm.size(); ++i) {
    if (i % 16 == 0) out += "\n   ";
    std::snprintf(buf, sizeof buf, " 0x%02x,", csm[i]);
    out += buf;
  }
  out += "\n};\nstatic const size_t " + symbol + "_len = " + std::to_string(csm.size()) + ";\n";
  return out;
}

}  // namespace css::modelrun

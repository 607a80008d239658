// Host-only: float-path calibration and the random stand-in TCN used by tests and benchmarks.
#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "css/nn/interpreter.hpp"
#include "css/nn/model_writer.hpp"

namespace css::nn {
namespace {

// splitmix64 + Box-Muller: portable, so a seed means the same model on every platform.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : s_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double uniform() { return (static_cast<double>(next() >> 11) + 0.5) * 0x1.0p-53; }
  float normal() {
    const double u1 = uniform(), u2 = uniform();
    return static_cast<float>(std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2));
  }

 private:
  std::uint64_t s_;
};

std::vector<float> he_weights(Rng& rng, std::size_t n, int fan_in) {
  std::vector<float> w(n);
  const float sd = std::sqrt(2.0f / static_cast<float>(fan_in));
  for (float& v : w) v = sd * rng.normal();
  return w;
}

std::vector<float> small_bias(Rng& rng, int n) {
  std::vector<float> b(static_cast<std::size_t>(n));
  for (float& v : b) v = 0.05f * rng.normal();
  return b;
}

struct Ranges {
  std::vector<float> lo, hi;
};

void observe(void* ctx, std::size_t tensor, std::span<const float> values) {
  auto* r = static_cast<Ranges*>(ctx);
  for (const float v : values) {
    r->lo[tensor] = std::min(r->lo[tensor], v);
    r->hi[tensor] = std::max(r->hi[tensor], v);
  }
}

}  // namespace

bool calibrate(ModelWriter& writer, const std::vector<std::vector<float>>& inputs,
               std::string* error) {
  std::string why;
  const std::vector<std::uint8_t> bytes = writer.finish(&why);
  Model model;
  if (bytes.empty() || Model::parse(bytes, model) != Status::kOk || !model.has_float_weights()) {
    if (error != nullptr) *error = "calibrate: cannot build a float model: " + why;
    return false;
  }
  std::size_t max_steps = model.window();
  for (const auto& in : inputs) max_steps = std::max(max_steps, in.size() / model.input_channels());
  const RunConfig cfg{Precision::kFloat, KernelSet::kReference,
                      static_cast<std::uint32_t>(max_steps)};
  std::vector<std::uint8_t> arena(Interpreter::required_arena_bytes(model, cfg) + 16);
  Interpreter interp;
  std::uint8_t* aligned =
      arena.data() + (4 - reinterpret_cast<std::uintptr_t>(arena.data()) % 4) % 4;
  if (interp.init(model, {aligned, arena.size() - 4}, cfg) != Status::kOk) {
    if (error != nullptr) *error = "calibrate: interpreter init failed";
    return false;
  }
  Ranges ranges{std::vector<float>(model.num_tensors(), std::numeric_limits<float>::max()),
                std::vector<float>(model.num_tensors(), std::numeric_limits<float>::lowest())};
  interp.set_observer(observe, &ranges);
  std::vector<float> probs(model.num_classes());
  for (const auto& in : inputs) {
    if (interp.run_window(in, probs) != Status::kOk) {
      if (error != nullptr) *error = "calibrate: bad calibration input";
      return false;
    }
  }
  for (std::size_t t = 0; t < model.num_tensors(); ++t)
    writer.set_quant(static_cast<TensorId>(t),
                     ModelWriter::quant_from_range(ranges.lo[t], ranges.hi[t]));
  return true;
}

DefaultModelOptions large_model_options() {
  DefaultModelOptions o;
  o.hidden = 32;
  o.dilations = {1, 2, 4, 8};
  o.convs_per_block = 2;
  return o;
}

std::vector<std::uint8_t> build_default_random_model(std::uint64_t seed,
                                                     const DefaultModelOptions& opt) {
  Rng rng(seed);
  ModelWriter w;
  w.set_window(opt.window);
  std::vector<float> mean(opt.input_channels), sd(opt.input_channels);
  for (int c = 0; c < opt.input_channels; ++c) {
    mean[c] = 0.5f * static_cast<float>(c);
    sd[c] = 1.0f + 0.25f * static_cast<float>(c);
  }
  w.set_normalization(mean, sd);
  const char* kLabels[] = {"stationary",       "walking",    "slow_walking",    "running",
                           "entering_vehicle", "in_vehicle", "forced_movement", "snatch"};
  std::vector<std::string> classes;
  for (int k = 0; k < opt.classes; ++k)
    classes.push_back(k < 8 ? kLabels[k] : "class_" + std::to_string(k));
  w.set_classes(classes);
  w.set_metadata("generator", "build_default_random_model seed=" + std::to_string(seed));
  if (!opt.features_version.empty()) w.set_metadata("features", opt.features_version);
  w.set_include_float(true);

  TensorId x = ModelWriter::input();
  int channels = opt.input_channels;
  for (const int d : opt.dilations) {
    TensorId h = x;
    int h_ch = channels;
    for (int k = 0; k < opt.convs_per_block; ++k) {
      // Draws in a fixed order (bias, then weights: what GCC's right-to-left argument
      // evaluation did), not as two arguments of one call, whose order the compiler picks:
      // clang drew them the other way round and built different models from the same seed.
      auto bias = small_bias(rng, opt.hidden);
      auto weights =
          he_weights(rng, std::size_t(opt.hidden) * opt.kernel * h_ch, opt.kernel * h_ch);
      h = w.add_conv1d(h, opt.hidden, opt.kernel, d, true, std::move(weights), std::move(bias));
      h_ch = opt.hidden;
    }
    if (channels != opt.hidden) {
      auto bias = small_bias(rng, opt.hidden);
      auto weights = he_weights(rng, std::size_t(opt.hidden) * channels, channels);
      x = w.add_residual(h, x, true, std::move(weights), std::move(bias));
    } else {
      x = w.add_residual(h, x, true);
    }
    channels = opt.hidden;
  }
  const TensorId pooled = w.add_global_avg_pool(x);
  auto dense_bias = small_bias(rng, opt.classes);
  auto dense_weights = he_weights(rng, std::size_t(opt.classes) * channels, channels);
  const TensorId logits =
      w.add_dense(pooled, opt.classes, false, std::move(dense_weights), std::move(dense_bias));
  w.add_softmax(logits);

  std::vector<std::vector<float>> calib;
  for (int n = 0; n < opt.calibration_windows; ++n) {
    std::vector<float> in(std::size_t(opt.window) * opt.input_channels);
    for (std::size_t i = 0; i < in.size(); ++i) {
      const std::size_t c = i % static_cast<std::size_t>(opt.input_channels);
      in[i] = mean[c] + sd[c] * rng.normal();
    }
    calib.push_back(std::move(in));
  }
  if (!calibrate(w, calib)) return {};
  w.set_include_float(opt.include_float);
  return w.finish();
}

}  // namespace css::nn

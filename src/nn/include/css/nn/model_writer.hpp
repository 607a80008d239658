// HOST ONLY (uses std::vector/std::string; leave model_writer.cpp and default_model.cpp out
// of MCU builds). Builds .csm bytes from float weights: training's exporter and the tests use
// it. The writer quantises weights (symmetric per output channel, int8), biases (int32 in
// units of in_scale * w_scale) and precomputes the fixed-point requantisation parameters
// from the activation QuantParams set per tensor (set_quant / calibrate()).
// Tensor ids follow the format: 0 = input, each add_* returns the id of its output.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "css/nn/format.hpp"
#include "css/nn/model.hpp"

namespace css::nn {

using TensorId = std::uint16_t;

class ModelWriter {
 public:
  void set_window(std::uint32_t samples) { window_ = samples; }
  // Per input channel; channels = mean.size() (= stddev.size()).
  void set_normalization(std::vector<float> mean, std::vector<float> stddev);
  void set_classes(std::vector<std::string> names) { classes_ = std::move(names); }
  void set_metadata(std::string key, std::string value);
  void set_include_float(bool include) { include_float_ = include; }

  static constexpr TensorId input() { return 0; }
  // weights [out][kernel][in] (PyTorch Conv1d weight [out][in][kernel] must be transposed).
  TensorId add_conv1d(TensorId in, int out_channels, int kernel, int dilation, bool relu,
                      std::vector<float> weights, std::vector<float> bias);
  TensorId add_add(TensorId a, TensorId b, bool relu);
  // Residual: out = a + (projection ? conv1x1(b) : b); the projection is a kernel-1 conv op.
  TensorId add_residual(TensorId a, TensorId b, bool relu, std::vector<float> proj_weights = {},
                        std::vector<float> proj_bias = {});
  TensorId add_global_avg_pool(TensorId in);
  TensorId add_dense(TensorId in, int out_channels, bool relu, std::vector<float> weights,
                     std::vector<float> bias);
  TensorId add_softmax(TensorId in);

  void set_quant(TensorId t, QuantParams q);
  // Asymmetric int8 params covering [min(lo, 0), max(hi, 0)].
  static QuantParams quant_from_range(float lo, float hi);
  std::size_t num_tensors() const { return ops_.size() + 1; }
  int tensor_channels(TensorId t) const;

  // Serialises the model. Tensors without set_quant() get scale 1, zero point 0 (enough for
  // the float path, e.g. calibration). Returns an empty vector and sets *error on failure.
  std::vector<std::uint8_t> finish(std::string* error = nullptr) const;

 private:
  struct Op {
    format::OpType type;
    bool relu = false;
    TensorId in0 = 0, in1 = 0;
    int out_channels = 0, kernel = 1, dilation = 1;
    std::vector<float> weights, bias;
  };
  TensorId push(Op op);

  std::uint32_t window_ = 128;
  std::vector<float> mean_, std_;
  std::vector<std::string> classes_;
  std::vector<std::pair<std::string, std::string>> metadata_;
  bool include_float_ = true;
  std::vector<Op> ops_;
  std::vector<QuantParams> quant_{QuantParams{}};
  std::string error_;  // first misuse of the add_* API, reported by finish()
};

// Sets every tensor's QuantParams from the min/max the float path observes on `inputs`
// (each [steps][channels] of raw features, steps >= window). Host-side helper for random and
// test models; the real post-training quantisation belongs to train/.
bool calibrate(ModelWriter& writer, const std::vector<std::vector<float>>& inputs,
               std::string* error = nullptr);

struct DefaultModelOptions {
  int input_channels =
      11;  // acc xyz, gyro xyz, |acc|-g, gnss speed, course rate, spl, recent speed
  int classes = 8;
  std::uint32_t window = 128;
  int hidden = 14;
  int kernel = 3;
  std::vector<int> dilations = {1, 1, 2, 4, 8, 16, 32};  // one residual block each; RF 129
  int convs_per_block = 1;
  bool include_float = true;
  int calibration_windows = 8;
  std::string features_version;  // written as "features" metadata when not empty
};
// ~23 k parameters: hidden 32, 4 blocks of two k=3 convs (dilations 1, 2, 4, 8).
DefaultModelOptions large_model_options();

// A TCN with random (He-initialised) weights, calibrated on random inputs: the stand-in model
// for tests and benchmarks until training lands. Deterministic for a given seed.
std::vector<std::uint8_t> build_default_random_model(std::uint64_t seed,
                                                     const DefaultModelOptions& options = {});

}  // namespace css::nn

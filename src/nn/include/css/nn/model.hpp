// Model: a validated, zero-copy view of a .csm file (see docs/model-format.md).
//
// Model::parse() checks the header, the SHA-256 of the payload, every offset, size, alignment,
// shape and op parameter; on success the Model points into `bytes`, which the caller must
// keep alive and unchanged (e.g. flash). Nothing is copied and nothing is allocated.
// Tensor ids: 0 is the (normalised, quantised) input sequence; op i produces tensor i + 1.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "css/nn/format.hpp"
#include "css/nn/status.hpp"

namespace css::nn {

struct QuantParams {
  float scale = 1.0f;
  std::int32_t zero_point = 0;
};

// One decoded op record with its arrays resolved to pointers (nullptr when absent).
struct OpView {
  format::OpType type{};
  bool relu = false;
  std::uint16_t in0 = 0, in1 = 0;
  std::uint16_t in_channels = 0, out_channels = 0;
  std::uint16_t kernel = 1, dilation = 1;
  QuantParams out;
  std::int32_t q[6] = {};
  const std::int8_t* weights_q = nullptr;
  const float* weight_scale = nullptr;
  const std::int32_t* bias_q = nullptr;
  const std::int32_t* multiplier = nullptr;  // [out_channels]
  const std::int32_t* shift = nullptr;       // [out_channels]
  const std::int32_t* bias_eff = nullptr;    // [out_channels]
  const float* weights_f = nullptr;
  const float* bias_f = nullptr;
};

// Where parse() failed: a static field name and the op index (-1 when not op-specific).
struct ParseDetail {
  const char* field = "";
  int op = -1;
};

class Model {
 public:
  static Status parse(std::span<const std::uint8_t> bytes, Model& out,
                      ParseDetail* detail = nullptr);

  std::uint32_t window() const { return window_; }
  std::uint16_t input_channels() const { return input_channels_; }
  std::uint16_t num_classes() const { return num_classes_; }
  std::uint16_t num_ops() const { return num_ops_; }
  std::size_t num_tensors() const { return std::size_t{num_ops_} + 1; }
  bool has_float_weights() const { return has_float_; }
  // 1 + sum over the longest conv path of (kernel-1)*dilation.
  std::uint32_t receptive_field() const { return receptive_field_; }
  // Samples after which a window result no longer depends on older input: window + RF - 1.
  std::uint32_t context_length() const { return window_ + receptive_field_ - 1; }
  std::size_t pool_op() const { return pool_op_; }

  OpView op(std::size_t i) const;  // i < num_ops()
  std::uint16_t tensor_channels(std::size_t t) const;
  bool tensor_is_sequence(std::size_t t) const { return t <= pool_op_; }
  QuantParams tensor_quant(std::size_t t) const;

  float input_mean(std::size_t c) const;
  float input_std(std::size_t c) const;
  const char* class_name(std::size_t i) const;  // NUL-terminated, inside the file
  const char* metadata(const char* key) const;  // nullptr when absent
  std::size_t metadata_count() const { return num_meta_; }
  void metadata_at(std::size_t i, const char** key, const char** value) const;
  std::span<const std::uint8_t, 32> checksum() const {
    return std::span<const std::uint8_t, 32>(bytes_.data() + format::kHdrSha256, 32);
  }
  std::span<const std::uint8_t> bytes() const { return bytes_; }

 private:
  Status validate_tables(ParseDetail* d);
  Status validate_ops(ParseDetail* d);
  const char* string_at(std::uint32_t table_off, std::size_t index) const;

  std::span<const std::uint8_t> bytes_;
  const std::uint8_t* payload_ = nullptr;
  std::uint32_t payload_size_ = 0;
  std::uint32_t window_ = 0;
  std::uint16_t input_channels_ = 0, num_classes_ = 0, num_ops_ = 0, num_meta_ = 0;
  QuantParams input_quant_;
  std::uint32_t ops_off_ = 0, norm_off_ = 0, classes_off_ = 0, meta_off_ = 0;
  bool has_float_ = false;
  std::uint32_t receptive_field_ = 1;
  std::size_t pool_op_ = 0;
};

}  // namespace css::nn

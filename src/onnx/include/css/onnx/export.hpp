// ONNX export of a .csm model, for interoperability and for cross-checking the engine against
// ONNX Runtime and LibTorch (docs/architecture.md, "Model artefacts").
//
// The export uses the model's FLOAT weights (a .csm without them is an error; not with qdq) and
// reproduces the engine's float window semantics exactly: input "features" float32 [1, window,
// channels] (channels-last, raw units, as the engine takes it) -> (x - mean) / std ->
// channels-first -> causal dilated Conv1D (zero padding on the left only, in normalised units) /
// residual Add / optional ReLU -> mean over time -> Dense -> "logits" [1, classes] -> Softmax ->
// "probs" [1, classes]. Opset 13, default domain only. With ExportOptions::qdq the same graph is
// statically quantised in the QDQ form a user with representative data gets from a quantisation
// tool, but with the int8 model's own calibration: every tensor passes
// QuantizeLinear/DequantizeLinear with the .csm's scale and zero point; conv and dense weights are
// the .csm's int8 weights (per-output-channel scales, DequantizeLinear on axis 0) and their biases
// its int32 biases (scale = input scale * weight scale). ONNX Runtime fuses this into its int8
// kernels (QLinearConv, QLinearAdd, ...): the ORT int8 baseline. The returned bytes are a
// serialised ModelProto owned by the caller; no ONNX or protobuf type appears in this header.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "css/core/result.hpp"

namespace css::nn {
class Model;
}

namespace css::onnx {

inline constexpr std::int64_t kOpsetVersion = 13;
inline constexpr const char* kInputName = "features";
inline constexpr const char* kProbsName = "probs";
inline constexpr const char* kLogitsName = "logits";

struct ExportOptions {
  // Also expose the pre-softmax scores as a second graph output (kLogitsName).
  bool logits_output = true;
  // Free text stored as the graph's doc_string.
  std::string doc;
  // Quantise/dequantise every tensor with the int8 model's scales (above).
  bool qdq = false;
};

// Serialised ONNX ModelProto bytes for `model`, or an error naming what the model lacks
// (no float weights, an op the exporter does not know).
Result<std::vector<std::uint8_t>> export_onnx(const css::nn::Model& model,
                                              const ExportOptions& options = {});

// export_onnx() written to `path` through css::io::write_file (atomic: a reader never sees half
// a model). A path css::io refuses (a directory, a device, a missing folder) is
// kInvalidArgument; a disk error is kIo; both name the path.
Status write_onnx(const css::nn::Model& model, const std::filesystem::path& path,
                  const ExportOptions& options = {});

}  // namespace css::onnx

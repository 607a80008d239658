// Internal: a thin helper over the ONNX protobuf GraphProto so export.cpp reads as a list of
// nodes. Only src/onnx .cpp files include this (ONNX/protobuf types stay out of public headers).
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace css::onnx::detail {

class GraphBuilder {
 public:
  explicit GraphBuilder(::onnx::GraphProto& graph) : graph_(graph) {}

  // A float32 initializer with the given dims (values.size() must equal their product).
  void add_initializer(const std::string& name, const std::vector<std::int64_t>& dims,
                       const std::vector<float>& values);
  void add_int64_initializer(const std::string& name, const std::vector<std::int64_t>& values);
  // Quantised initializers (QDQ export): int8 weights / zero points, int32 biases / zero points.
  // Empty dims make a scalar.
  void add_int8_initializer(const std::string& name, const std::vector<std::int64_t>& dims,
                            const std::vector<std::int8_t>& values);
  void add_int32_initializer(const std::string& name, const std::vector<std::int64_t>& dims,
                             const std::vector<std::int32_t>& values);

  ::onnx::NodeProto& add_node(const std::string& op_type, std::initializer_list<std::string> inputs,
                              const std::string& output);

  void add_input(const std::string& name, const std::vector<std::int64_t>& dims);
  void add_output(const std::string& name, const std::vector<std::int64_t>& dims);

  // A fresh node name "<prefix>_<n>"; ONNX wants node names unique when present.
  std::string next_name(const std::string& prefix);

 private:
  ::onnx::GraphProto& graph_;
  int counter_ = 0;
};

void set_attr(::onnx::NodeProto& node, const std::string& name, std::int64_t value);
void set_attr(::onnx::NodeProto& node, const std::string& name,
              const std::vector<std::int64_t>& values);

}  // namespace css::onnx::detail

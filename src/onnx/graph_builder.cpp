#include "graph_builder.hpp"

namespace css::onnx::detail {
namespace {

void fill_tensor_type(::onnx::ValueInfoProto& info, const std::string& name,
                      const std::vector<std::int64_t>& dims) {
  info.set_name(name);
  auto* tensor = info.mutable_type()->mutable_tensor_type();
  tensor->set_elem_type(::onnx::TensorProto::FLOAT);
  auto* shape = tensor->mutable_shape();
  for (const std::int64_t d : dims) {
    shape->add_dim()->set_dim_value(d);
  }
}

// raw_data is little-endian by the ONNX spec; the engine (and so this exporter) only runs on
// little-endian hosts (css/nn/format.hpp), so the bytes are copied as they are.
void add_raw(::onnx::GraphProto& graph, const std::string& name, int type,
             const std::vector<std::int64_t>& dims, const void* data, std::size_t bytes) {
  auto* t = graph.add_initializer();
  t->set_name(name);
  t->set_data_type(type);
  for (const std::int64_t d : dims) {
    t->add_dims(d);
  }
  t->set_raw_data(data, bytes);
}

}  // namespace

void GraphBuilder::add_initializer(const std::string& name, const std::vector<std::int64_t>& dims,
                                   const std::vector<float>& values) {
  add_raw(graph_, name, ::onnx::TensorProto::FLOAT, dims, values.data(),
          values.size() * sizeof(float));
}

void GraphBuilder::add_int8_initializer(const std::string& name,
                                        const std::vector<std::int64_t>& dims,
                                        const std::vector<std::int8_t>& values) {
  add_raw(graph_, name, ::onnx::TensorProto::INT8, dims, values.data(), values.size());
}

void GraphBuilder::add_int32_initializer(const std::string& name,
                                         const std::vector<std::int64_t>& dims,
                                         const std::vector<std::int32_t>& values) {
  add_raw(graph_, name, ::onnx::TensorProto::INT32, dims, values.data(),
          values.size() * sizeof(std::int32_t));
}

void GraphBuilder::add_int64_initializer(const std::string& name,
                                         const std::vector<std::int64_t>& values) {
  auto* t = graph_.add_initializer();
  t->set_name(name);
  t->set_data_type(::onnx::TensorProto::INT64);
  t->add_dims(static_cast<std::int64_t>(values.size()));
  for (const std::int64_t v : values) {
    t->add_int64_data(v);
  }
}

::onnx::NodeProto& GraphBuilder::add_node(const std::string& op_type,
                                          std::initializer_list<std::string> inputs,
                                          const std::string& output) {
  auto* node = graph_.add_node();
  node->set_op_type(op_type);
  node->set_name(next_name(op_type));
  for (const auto& in : inputs) {
    node->add_input(in);
  }
  node->add_output(output);
  return *node;
}

void GraphBuilder::add_input(const std::string& name, const std::vector<std::int64_t>& dims) {
  fill_tensor_type(*graph_.add_input(), name, dims);
}

void GraphBuilder::add_output(const std::string& name, const std::vector<std::int64_t>& dims) {
  fill_tensor_type(*graph_.add_output(), name, dims);
}

std::string GraphBuilder::next_name(const std::string& prefix) {
  return prefix + "_" + std::to_string(counter_++);
}

void set_attr(::onnx::NodeProto& node, const std::string& name, std::int64_t value) {
  auto* a = node.add_attribute();
  a->set_name(name);
  a->set_type(::onnx::AttributeProto::INT);
  a->set_i(value);
}

void set_attr(::onnx::NodeProto& node, const std::string& name,
              const std::vector<std::int64_t>& values) {
  auto* a = node.add_attribute();
  a->set_name(name);
  a->set_type(::onnx::AttributeProto::INTS);
  for (const std::int64_t v : values) {
    a->add_ints(v);
  }
}

}  // namespace css::onnx::detail

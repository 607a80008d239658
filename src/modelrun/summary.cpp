#include "css/modelrun/summary.hpp"

#include <nlohmann/json.hpp>
#include <sstream>

#include "css/modelrun/loaded_model.hpp"
#include "css/nn/interpreter.hpp"
#include "css/nn/streaming.hpp"

namespace css::modelrun {
namespace {

using nn::format::OpType;

OpSummary describe_op(const nn::Model& m, std::size_t i) {
  const nn::OpView op = m.op(i);
  OpSummary s;
  const std::uint64_t in = m.tensor_channels(op.in0), out = op.out_channels;
  switch (op.type) {
    case OpType::kConv1d:
      s.text = "conv1d " + std::to_string(in) + "->" + std::to_string(out) + " k" +
               std::to_string(op.kernel) + " d" + std::to_string(op.dilation);
      s.params = in * out * op.kernel + out;
      s.macs = in * out * op.kernel * m.window();
      break;
    case OpType::kAdd:
      s.text = "add t" + std::to_string(op.in0) + " + t" + std::to_string(op.in1);
      break;
    case OpType::kGlobalAvgPool:
      s.text = "global_avg_pool over " + std::to_string(m.window()) + " steps";
      break;
    case OpType::kDense:
      s.text = "dense " + std::to_string(in) + "->" + std::to_string(out);
      s.params = in * out + out;
      s.macs = in * out;
      break;
    case OpType::kSoftmax:
      s.text = "softmax";
      break;
  }
  if (op.relu) s.text += " relu";
  return s;
}

}  // namespace

ModelSummary summarize(const nn::Model& m) {
  ModelSummary s;
  for (std::size_t i = 0; i < m.num_ops(); ++i) {
    s.ops.push_back(describe_op(m, i));
    s.params += s.ops.back().params;
    const nn::OpView op = m.op(i);
    if (op.type == OpType::kConv1d || op.type == OpType::kDense)
      s.weight_bytes += s.ops.back().params - op.out_channels + 8ULL * op.out_channels;
  }
  s.macs_per_window = nn::count_macs(m, m.window());
  s.macs_per_sample = nn::count_macs(m, 1);
  s.arena_int8_window = nn::Interpreter::required_arena_bytes(m, nn::RunConfig{});
  s.has_float_weights = m.has_float_weights();
  if (s.has_float_weights) {
    nn::RunConfig f;
    f.precision = nn::Precision::kFloat;
    s.arena_float_window = nn::Interpreter::required_arena_bytes(m, f);
  }
  s.arena_streaming = nn::Streaming::required_arena_bytes(m);
  nn::RunConfig portable;
  portable.isa = nn::Isa::kPortable;
  s.arena_int8_window_portable = nn::Interpreter::required_arena_bytes(m, portable);
  s.arena_streaming_portable =
      nn::Streaming::required_arena_bytes(m, nn::KernelSet::kOptimized, nn::Isa::kPortable);
  s.window = m.window();
  s.receptive_field = m.receptive_field();
  s.input_channels = m.input_channels();
  for (std::size_t c = 0; c < m.num_classes(); ++c) s.classes.emplace_back(m.class_name(c));
  for (std::size_t i = 0; i < m.metadata_count(); ++i) {
    const char *k = nullptr, *v = nullptr;
    m.metadata_at(i, &k, &v);
    s.metadata.emplace_back(k, v);
  }
  s.checksum = checksum_text(m);
  return s;
}

std::string format_summary(const ModelSummary& s) {
  std::ostringstream o;
  o << "checksum        " << s.checksum << "\n"
    << "input           " << s.input_channels << " channels x " << s.window
    << " samples (receptive field " << s.receptive_field << ")\n"
    << "classes         ";
  for (std::size_t i = 0; i < s.classes.size(); ++i) o << (i ? ", " : "") << s.classes[i];
  o << "\nparameters      " << s.params << "\n"
    << "weight bytes    " << s.weight_bytes << " (int8 weights, int32 biases, f32 scales)\n"
    << "MACs            " << s.macs_per_window << " per window, " << s.macs_per_sample
    << " per streaming sample\n"
    << "arena bytes     int8 window " << s.arena_int8_window << ", streaming " << s.arena_streaming
    << ", float window "
    << (s.has_float_weights ? std::to_string(s.arena_float_window) : "n/a (no float weights)")
    << "\n                portable kernels (MCU): int8 window " << s.arena_int8_window_portable
    << ", streaming " << s.arena_streaming_portable << "\nops\n";
  for (std::size_t i = 0; i < s.ops.size(); ++i) {
    o << "  " << i << "  " << s.ops[i].text;
    if (s.ops[i].params) o << "  (" << s.ops[i].params << " params, " << s.ops[i].macs << " MACs)";
    o << "\n";
  }
  if (!s.metadata.empty()) o << "metadata\n";
  for (const auto& [k, v] : s.metadata) {
    const std::string shown = v.size() > 100 ? v.substr(0, 97) + "..." : v;
    o << "  " << k << " = " << shown << "\n";
  }
  return o.str();
}

std::string summary_json(const ModelSummary& s) {
  nlohmann::json j;
  j["checksum"] = s.checksum;
  j["window"] = s.window;
  j["receptive_field"] = s.receptive_field;
  j["input_channels"] = s.input_channels;
  j["classes"] = s.classes;
  j["params"] = s.params;
  j["weight_bytes"] = s.weight_bytes;
  j["macs_per_window"] = s.macs_per_window;
  j["macs_per_sample"] = s.macs_per_sample;
  j["arena_bytes"] = {{"int8_window", s.arena_int8_window},
                      {"float_window", s.arena_float_window},
                      {"streaming", s.arena_streaming},
                      {"int8_window_portable", s.arena_int8_window_portable},
                      {"streaming_portable", s.arena_streaming_portable}};
  for (const auto& op : s.ops)
    j["ops"].push_back({{"op", op.text}, {"params", op.params}, {"macs", op.macs}});
  for (const auto& [k, v] : s.metadata) j["metadata"][k] = v;
  return j.dump();
}

}  // namespace css::modelrun

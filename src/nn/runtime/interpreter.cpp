// Window-mode interpreter: plan the arena once, then execute the op list with a switch.
#include "css/nn/interpreter.hpp"

#include <cstring>

#include "css/nn/kernels.hpp"
#include "kernels/kernel_table.hpp"
#include "kernels/x86/planes_x86.hpp"
#include "runtime/op_params.hpp"

namespace css::nn {
namespace f = format;

std::uint64_t count_macs(const Model& model, std::uint32_t steps) {
  std::uint64_t macs = 0;
  for (std::size_t i = 0; i < model.num_ops(); ++i) {
    const OpView op = model.op(i);
    const std::uint64_t per_step = std::uint64_t{op.out_channels} * op.kernel * op.in_channels;
    if (op.type == f::OpType::kConv1d) macs += per_step * steps;
    if (op.type == f::OpType::kDense) macs += per_step;
  }
  return macs;
}

namespace {
// Buffer ids of the plan: tensors first (softmax output excluded), then the scratch buffers.
int zp_row_id(const Model& m) {
  return static_cast<int>(m.num_tensors()) - 1;
}
int gather_id(const Model& m) {
  return zp_row_id(m) + 1;
}
int sums_id(const Model& m) {
  return zp_row_id(m) + 2;
}
int packed_id(const Model& m) {
  return zp_row_id(m) + 3;
}
// Reference kernels and float use no SIMD path: the portable plan.
const detail::KernelTable* table_for(const RunConfig& cfg) {
  const bool simd = cfg.precision == Precision::kInt8 && cfg.kernels == KernelSet::kOptimized;
  return detail::kernel_table(simd ? cfg.isa : Isa::kPortable);
}

// Plane mode (kernel_table.hpp, PlaneKernels): every sequence tensor is stored as planes with
// `pad` words of causal padding in front, and an Add may run in its producer conv's epilogue.
bool plane_mode(const RunConfig& cfg, const detail::KernelTable& kt) {
  return cfg.precision == Precision::kInt8 && cfg.kernels == KernelSet::kOptimized &&
         kt.planes != nullptr && kt.quantize != nullptr;
}
std::uint32_t plane_pad(const Model& m) {
  std::uint32_t pad = 0;
  for (std::size_t i = 0; i < m.num_ops(); ++i) {
    const OpView op = m.op(i);
    if (op.type != f::OpType::kConv1d) continue;
    const std::uint32_t need = std::uint32_t(op.kernel - 1) * op.dilation;
    pad = need > pad ? need : pad;
  }
  return pad;
}
std::size_t plane_bytes(std::size_t channels, std::uint32_t pad, std::uint32_t steps) {
  return (channels + 3) / 4 * (std::size_t{pad} + steps) * 4;
}
// Bit i: conv op i also runs op i + 1, an Add the plane kernels can fuse.
std::uint64_t fused_mask(const Model& m, const detail::KernelTable& kt) {
  std::uint64_t mask = 0;
  for (std::size_t i = 0; i + 1 < m.num_ops(); ++i) {
    if (!detail::conv_feeds_only_next_add(m, i) ||
        !kt.planes->add_fusable(detail::add_params(m, m.op(i + 1))))
      continue;
    mask |= std::uint64_t{1} << i;
    ++i;
  }
  return mask;
}
}  // namespace

Status Interpreter::plan(const Model& m, const RunConfig& cfg, ArenaPlanner& planner) {
  planner = ArenaPlanner{};
  if (m.num_ops() == 0) return Status::kNotReady;
  const std::uint32_t steps = cfg.max_steps == 0 ? m.window() : cfg.max_steps;
  if (steps < m.window() || steps > f::kMaxWindow * 4) return Status::kBadParam;
  if (cfg.precision == Precision::kFloat && !m.has_float_weights()) return Status::kNotReady;
  const detail::KernelTable* kt = table_for(cfg);
  if (kt == nullptr) return Status::kBadParam;
  const std::size_t elem = cfg.precision == Precision::kFloat ? 4 : 1;
  const bool planes = plane_mode(cfg, *kt);
  const std::uint64_t fused = planes ? fused_mask(m, *kt) : 0;
  const std::uint32_t pad = planes ? plane_pad(m) : 0;
  int last_use[f::kMaxOps + 1];
  for (std::size_t t = 0; t < m.num_tensors(); ++t) last_use[t] = t == 0 ? 0 : int(t) - 1;
  std::size_t max_in = 1;
  for (std::size_t i = 0; i < m.num_ops(); ++i) {
    const OpView op = m.op(i);
    // A fused conv writes the add's output (planned from op i + 1) while reading its input.
    const int use = static_cast<int>(i) + ((fused >> i) & 1 ? 1 : 0);
    last_use[op.in0] = use > last_use[op.in0] ? use : last_use[op.in0];
    if (op.type == f::OpType::kAdd) last_use[op.in1] = static_cast<int>(i);
    if (op.in_channels > max_in) max_in = op.in_channels;
  }
  // The softmax output goes straight to the caller's probs: no tensor for it.
  for (std::size_t t = 0; t + 1 < m.num_tensors(); ++t) {
    const std::size_t rows = m.tensor_is_sequence(t) ? steps : 1;
    const std::size_t bytes = planes && m.tensor_is_sequence(t)
                                  ? plane_bytes(m.tensor_channels(t), pad, steps)
                                  : rows * m.tensor_channels(t) * elem;
    planner.add(bytes, t == 0 ? 0 : static_cast<int>(t) - 1, last_use[t]);
  }
  const int end = static_cast<int>(m.num_ops());
  if (cfg.precision == Precision::kInt8) {
    const int pool = static_cast<int>(m.pool_op());
    std::size_t scratch = detail::model_scratch_bytes(m, *kt, steps);
    // Plane mode stages the quantised input rows there (+ the gather's 3-byte over-read).
    const std::size_t staging = std::size_t{steps} * m.input_channels() + 4;
    if (planes && staging > scratch) scratch = staging;
    planner.add(max_in, 0, end);                                   // zero-point row (padding)
    planner.add(scratch, 0, end);                                  // kernel scratch
    planner.add(4u * m.tensor_channels(m.pool_op()), pool, pool);  // pool sums
    const std::size_t packed = detail::model_packed_bytes(m, *kt);
    if (packed > 0) planner.add(packed, 0, end);  // packed weights: written once by init()
  }
  planner.plan();
  return Status::kOk;
}

std::size_t Interpreter::required_arena_bytes(const Model& model, const RunConfig& config) {
  ArenaPlanner planner;
  if (plan(model, config, planner) != Status::kOk) return 0;
  return planner.total_bytes();
}

Status Interpreter::init(const Model& model, std::span<std::uint8_t> arena,
                         const RunConfig& config) {
  model_ = nullptr;
  ArenaPlanner planner;
  if (const Status s = plan(model, config, planner); s != Status::kOk) return s;
  if (reinterpret_cast<std::uintptr_t>(arena.data()) % ArenaPlanner::kAlign != 0)
    return Status::kBadInput;
  if (arena.size() < planner.total_bytes()) return Status::kArenaTooSmall;
  for (std::size_t i = 0; i < planner.count(); ++i)
    offset_[i] = static_cast<std::uint32_t>(planner.offset(static_cast<int>(i)));
  model_ = &model;
  arena_ = arena.data();
  table_ = table_for(config);
  config_ = config;
  simd_quantize_ = false;
  if (detail::model_packed_bytes(model, *table_) > 0) {
    norm_off_ = offset_[packed_id(model)];
    detail::pack_model(model, *table_, arena_, norm_off_, packed_off_);
    simd_quantize_ = table_->quantize != nullptr;
  }
  planes_ = plane_mode(config, *table_) && simd_quantize_;  // plane mode stages via quantize
  fused_ = planes_ ? fused_mask(model, *table_) : 0;
  prepare_planes(model);
  pad_ = planes_ ? plane_pad(model) : 0;
  if (config_.max_steps == 0) config_.max_steps = model.window();
  return Status::kOk;
}

// The 256-bit plane paths prove a float epilogue for each conv and the add fused into it
// (kernel_table.hpp, PlaneKernels::prepare).
void Interpreter::prepare_planes(const Model& m) {
  const detail::PlaneKernels* pk = planes_ ? table_->planes : nullptr;
  if (pk == nullptr || pk->prepare == nullptr) return;
  for (std::size_t i = 0; i < m.num_ops(); ++i) {
    if (m.op(i).type != f::OpType::kConv1d) continue;
    const kernels::ConvQ p = detail::conv_params(m, m.op(i));
    if (((fused_ >> i) & 1) == 0) {
      pk->prepare(p, arena_ + packed_off_[i], nullptr, true);
      continue;
    }
    const OpView add = m.op(i + 1);
    const kernels::AddQ q = detail::add_params(m, add);
    pk->prepare(p, arena_ + packed_off_[i], &q, add.in0 == i + 1);
  }
}

Status Interpreter::run_window(std::span<const float> input, std::span<float> probs) {
  if (model_ == nullptr) return Status::kNotReady;
  const std::size_t ch = model_->input_channels();
  if (input.size() % ch != 0 || probs.size() != model_->num_classes()) return Status::kBadInput;
  const std::size_t steps = input.size() / ch;
  if (steps < model_->window() || steps > config_.max_steps) return Status::kBadInput;
  const auto st = static_cast<std::uint32_t>(steps);
  if (planes_) return run_planes(input, st, probs);
  return config_.precision == Precision::kInt8 ? run_int8(input, st, probs)
                                               : run_float(input, st, probs);
}

Status Interpreter::run_planes(std::span<const float> input, std::uint32_t steps,
                               std::span<float> probs) {
  const Model& m = *model_;
  const detail::PlaneKernels& pk = *table_->planes;
  const auto ch = static_cast<int>(m.input_channels());
  const int n = static_cast<int>(steps);
  const auto pad = static_cast<int>(pad_);
  auto* scratch = buffer<std::uint8_t>(gather_id(m));
  const auto* norm = reinterpret_cast<const float*>(arena_ + norm_off_);
  const QuantParams q0 = m.tensor_quant(0);
  auto* staged = reinterpret_cast<std::int8_t*>(scratch);
  if (!table_->quantize(input.data(), n, ch, norm, norm + ch, q0.scale, q0.zero_point, staged))
    return Status::kBadInput;
  pk.to_planes(staged, n, ch, pad, q0.zero_point, buffer<std::uint32_t>(0));
  auto* sums = buffer<std::int32_t>(sums_id(m));
  const detail::VectorTail tail{m, table_, scratch, logits_q_, probs.data()};
  for (std::size_t i = 0; i < m.num_ops(); ++i) {
    const OpView op = m.op(i);
    const auto* x = buffer<const std::uint32_t>(op.in0);
    switch (op.type) {
      case f::OpType::kConv1d: {
        const kernels::ConvQ p = detail::conv_params(m, op);
        if ((fused_ >> i) & 1) {
          const OpView add = m.op(i + 1);
          detail::planes::FusedAdd fa;
          fa.q = detail::add_params(m, add);
          fa.conv_is_a = add.in0 == i + 1;
          fa.other = buffer<const std::uint32_t>(fa.conv_is_a ? add.in1 : add.in0);
          pk.conv(p, arena_ + packed_off_[i], op.dilation, x, n, pad, buffer<std::uint32_t>(i + 2),
                  &fa);
          ++i;
        } else {
          pk.conv(p, arena_ + packed_off_[i], op.dilation, x, n, pad, buffer<std::uint32_t>(i + 1),
                  nullptr);
        }
        break;
      }
      case f::OpType::kAdd:
        pk.add(detail::add_params(m, op), x, buffer<const std::uint32_t>(op.in1), op.out_channels,
               n, pad, buffer<std::uint32_t>(i + 1));
        break;
      case f::OpType::kGlobalAvgPool:
        pk.pool_sums(x, n, pad, op.out_channels, static_cast<int>(m.window()),
                     m.tensor_quant(op.in0).zero_point, sums);
        detail::pool_finish(op, sums, buffer<std::int8_t>(i + 1));
        break;
      case f::OpType::kDense:
      case f::OpType::kSoftmax:
        tail.run(op, arena_ + packed_off_[i], buffer<const std::int8_t>(op.in0),
                 op.type == f::OpType::kSoftmax ? nullptr : buffer<std::int8_t>(i + 1));
        break;
    }
  }
  return Status::kOk;
}

Status Interpreter::run_int8(std::span<const float> input, std::uint32_t steps,
                             std::span<float> probs) {
  const Model& m = *model_;
  const std::size_t ch = m.input_channels();
  auto* in_q = buffer<std::int8_t>(0);
  if (simd_quantize_ && config_.kernels == KernelSet::kOptimized) {
    const auto* norm = reinterpret_cast<const float*>(arena_ + norm_off_);
    const QuantParams qp = m.tensor_quant(0);
    if (!table_->quantize(input.data(), static_cast<int>(steps), static_cast<int>(ch), norm,
                          norm + ch, qp.scale, qp.zero_point, in_q))
      return Status::kBadInput;
  } else {
    for (std::size_t t = 0; t < steps; ++t)
      if (!detail::quantize_sample(m, input.data() + t * ch, in_q + t * ch))
        return Status::kBadInput;
  }
  auto* zp_row = buffer<std::int8_t>(zp_row_id(m));
  auto* scratch = buffer<std::uint8_t>(gather_id(m));
  const detail::KernelTable& kt = *table_;
  auto* sums = buffer<std::int32_t>(sums_id(m));
  const bool opt = config_.kernels == KernelSet::kOptimized;
  const int n = static_cast<int>(steps);
  const detail::VectorTail tail{m, opt ? &kt : nullptr, scratch, logits_q_, probs.data()};
  for (std::size_t i = 0; i < m.num_ops(); ++i) {
    const OpView op = m.op(i);
    const auto* x = buffer<const std::int8_t>(op.in0);
    auto* y = op.type == f::OpType::kSoftmax ? nullptr : buffer<std::int8_t>(i + 1);
    switch (op.type) {
      case f::OpType::kConv1d: {
        const kernels::ConvQ p = detail::conv_params(m, op);
        std::memset(zp_row, m.tensor_quant(op.in0).zero_point, op.in_channels);
        if (opt)
          kt.conv_window(p, arena_ + packed_off_[i], op.dilation, x, n, zp_row, y, scratch);
        else
          kernels::conv_window_ref(p, op.dilation, x, n, zp_row, y);
        break;
      }
      case f::OpType::kAdd:
        (opt ? kt.add : kernels::add_ref)(detail::add_params(m, op), x,
                                          buffer<const std::int8_t>(op.in1), n * op.out_channels,
                                          y);
        break;
      case f::OpType::kGlobalAvgPool:
        kernels::pool_sums_ref(x, n, op.out_channels, static_cast<int>(m.window()),
                               m.tensor_quant(op.in0).zero_point, sums);
        detail::pool_finish(op, sums, y);
        break;
      case f::OpType::kDense:
      case f::OpType::kSoftmax:
        tail.run(op, arena_ + packed_off_[i], x, y);
        break;
    }
  }
  return Status::kOk;
}

Status Interpreter::run_float(std::span<const float> input, std::uint32_t steps,
                              std::span<float> probs) {
  const Model& m = *model_;
  const std::size_t ch = m.input_channels();
  auto* in_f = buffer<float>(0);
  for (std::size_t t = 0; t < steps; ++t)
    if (!detail::normalize_sample(m, input.data() + t * ch, in_f + t * ch))
      return Status::kBadInput;
  if (observer_ != nullptr) observer_(observer_ctx_, 0, {in_f, steps * ch});
  const int n = static_cast<int>(steps);
  for (std::size_t i = 0; i < m.num_ops(); ++i) {
    const OpView op = m.op(i);
    const float* x = buffer<const float>(op.in0);
    float* y = op.type == f::OpType::kSoftmax ? probs.data() : buffer<float>(i + 1);
    std::size_t count = op.out_channels;
    switch (op.type) {
      case f::OpType::kConv1d:
        kernels::conv_window_f(detail::conv_params_f(op), op.dilation, x, n, y);
        count *= steps;
        break;
      case f::OpType::kAdd:
        kernels::add_f(x, buffer<const float>(op.in1), n * op.out_channels, op.relu, y);
        count *= steps;
        break;
      case f::OpType::kGlobalAvgPool:
        kernels::pool_f(x, n, op.out_channels, static_cast<int>(m.window()), y);
        break;
      case f::OpType::kDense:
        kernels::conv_window_f(detail::conv_params_f(op), 1, x, 1, y);
        break;
      case f::OpType::kSoftmax:
        kernels::softmax_f(x, op.in_channels, y);
        break;
    }
    if (observer_ != nullptr) observer_(observer_ctx_, i + 1, {y, count});
  }
  return Status::kOk;
}

}  // namespace css::nn

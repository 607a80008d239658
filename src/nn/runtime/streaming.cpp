// Streaming interpreter: per-tensor ring buffers, one time step of every op per sample.
#include "css/nn/streaming.hpp"

#include <cstring>

#include "css/nn/kernels.hpp"
#include "kernels/kernel_table.hpp"
#include "runtime/op_params.hpp"

namespace css::nn {
namespace f = format;

namespace {
// SIMD paths cache every op decoded, with its kernel parameters, in the arena (init() writes
// it): push() then reads no op table and builds no parameter struct per sample.
struct StepOp {
  OpView op;
  kernels::ConvQ p;         // conv / dense
  kernels::AddQ q;          // add, or the add fused into this conv
  std::uint16_t other = 0;  // fused: the add's other operand
  bool conv_is_a = true;    // fused: the conv output is the add's first input
};
// A little-endian field of a record parse() has validated (the format requires a
// little-endian host, format.hpp): one load instead of le.hpp's byte assembly.
template <typename T>
inline T field(const std::uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// Op record i decoded as Model::op() does, for push() on paths without an op cache, minus the
// arrays no int8 kernel reads (weight scales, bias_q, float weights: left null). Model::op()
// zero-fills the OpView and reads every field through out-of-line helpers, ~300 instructions
// per op on a Cortex-M4, for every op of every sample. `channels` are the tensors' channel
// counts (Streaming::channels_).
void decode_op(const std::uint8_t* payload, std::uint32_t ops_off, const std::uint16_t* channels,
               std::size_t i, OpView& v) {
  const std::uint8_t* r = payload + ops_off + i * f::kOpSize;
  v.type = static_cast<f::OpType>(r[f::kOpType]);
  v.relu = (r[f::kOpFlags] & f::kOpFlagRelu) != 0;
  v.in0 = field<std::uint16_t>(r + f::kOpIn0);
  v.in1 = field<std::uint16_t>(r + f::kOpIn1);
  v.in_channels = channels[v.in0];
  v.out_channels = field<std::uint16_t>(r + f::kOpOutCh);
  v.kernel = field<std::uint16_t>(r + f::kOpKernel);
  v.dilation = field<std::uint16_t>(r + f::kOpDilation);
  v.out = {field<float>(r + f::kOpOutScale), field<std::int32_t>(r + f::kOpOutZp)};
  std::memcpy(v.q, r + f::kOpQ, sizeof v.q);
  // parse() checked that conv and dense ops have these arrays; the other ops read none.
  const bool weighted = v.type == f::OpType::kConv1d || v.type == f::OpType::kDense;
  auto arr = [&](std::size_t slot) {
    return weighted ? payload + field<std::uint32_t>(r + f::kOpArrays + 4 * slot) : nullptr;
  };
  v.weights_q = reinterpret_cast<const std::int8_t*>(arr(f::kArrWeightsQ));
  const auto* rq = reinterpret_cast<const std::int32_t*>(arr(f::kArrRequant));
  v.multiplier = rq;
  v.shift = weighted ? rq + v.out_channels : nullptr;
  v.bias_eff = weighted ? rq + 2 * v.out_channels : nullptr;
  v.weight_scale = nullptr;
  v.bias_q = nullptr;
  v.weights_f = nullptr;
  v.bias_f = nullptr;
}
}  // namespace

Status Streaming::ring_lengths(const Model& m, std::uint16_t* ring_len) {
  for (std::size_t t = 0; t < m.num_tensors(); ++t) ring_len[t] = 1;
  for (std::size_t i = 0; i < m.num_ops(); ++i) {
    const OpView op = m.op(i);
    std::uint32_t need = 1;
    if (op.type == f::OpType::kConv1d) need = std::uint32_t{op.kernel - 1u} * op.dilation + 1;
    if (op.type == f::OpType::kGlobalAvgPool) need = m.window() + 1;
    if (need > 0xFFFF) return Status::kTooLarge;
    if (need > ring_len[op.in0]) ring_len[op.in0] = static_cast<std::uint16_t>(need);
  }
  return Status::kOk;
}

namespace {
const detail::KernelTable* table_for(KernelSet kernels, Isa isa) {
  return detail::kernel_table(kernels == KernelSet::kOptimized ? isa : Isa::kPortable);
}

// Bytes of the path's whole-network step region for this model; 0: run op by op.
std::size_t step_bytes(const Model& m, KernelSet kernels, const detail::KernelTable& kt,
                       const std::uint16_t* ring_len) {
  if (kernels != KernelSet::kOptimized || kt.stream == nullptr) return 0;
  return kt.stream->bytes(m, ring_len);
}
}  // namespace

Status Streaming::plan(const Model& m, ArenaPlanner& planner, KernelSet kernels, Isa isa) {
  planner = ArenaPlanner{};
  if (m.num_ops() == 0) return Status::kNotReady;
  const detail::KernelTable* kt = table_for(kernels, isa);
  if (kt == nullptr) return Status::kBadParam;
  std::uint16_t ring_len[f::kMaxOps + 1];
  if (const Status s = ring_lengths(m, ring_len); s != Status::kOk) return s;
  const int end = static_cast<int>(m.num_ops());
  if (const std::size_t step = step_bytes(m, kernels, *kt, ring_len); step > 0) {
    planner.add(step, 0, end);  // rings, sums and packed program in one region
    planner.plan();
    return Status::kOk;
  }
  int last_use[f::kMaxOps + 1];
  for (std::size_t t = 0; t < m.num_tensors(); ++t) last_use[t] = t == 0 ? 0 : int(t) - 1;
  for (std::size_t i = 0; i < m.num_ops(); ++i) {
    const OpView op = m.op(i);
    last_use[op.in0] = static_cast<int>(i);
    if (op.type == f::OpType::kAdd) last_use[op.in1] = static_cast<int>(i);
  }
  for (std::size_t t = 0; t + 1 < m.num_tensors(); ++t) {
    const std::size_t bytes = std::size_t{ring_len[t]} * m.tensor_channels(t);
    // A ring carries history across samples, so it lives for the whole run; a one-step
    // tensor lives from its producer to its last consumer within one push.
    if (ring_len[t] > 1)
      planner.add(bytes, 0, end);
    else
      planner.add(bytes, t == 0 ? 0 : static_cast<int>(t) - 1, last_use[t]);
  }
  planner.add(detail::model_scratch_bytes(m, *kt, 0), 0, end);  // kernel scratch
  planner.add(4u * m.tensor_channels(m.pool_op()), 0, end);     // pool running sums
  const std::size_t packed = detail::model_packed_bytes(m, *kt);
  // SIMD paths: packed weights, then a copy of every decoded OpView (push() reads those
  // instead of decoding the op table each sample); both written once by init().
  if (packed > 0) planner.add(packed + op_cache_bytes(m), 0, end);
  planner.plan();
  return Status::kOk;
}

std::size_t Streaming::required_arena_bytes(const Model& model, KernelSet kernels, Isa isa) {
  ArenaPlanner planner;
  if (plan(model, planner, kernels, isa) != Status::kOk) return 0;
  return planner.total_bytes();
}

Status Streaming::init(const Model& model, std::span<std::uint8_t> arena, KernelSet kernels,
                       Isa isa) {
  model_ = nullptr;
  ArenaPlanner planner;
  if (const Status s = plan(model, planner, kernels, isa); s != Status::kOk) return s;
  if (reinterpret_cast<std::uintptr_t>(arena.data()) % ArenaPlanner::kAlign != 0)
    return Status::kBadInput;
  if (arena.size() < planner.total_bytes()) return Status::kArenaTooSmall;
  for (std::size_t i = 0; i < planner.count(); ++i)
    offset_[i] = static_cast<std::uint32_t>(planner.offset(static_cast<int>(i)));
  ring_lengths(model, ring_len_);
  for (std::size_t t = 0; t < model.num_tensors(); ++t) channels_[t] = model.tensor_channels(t);
  payload_ = model.bytes().data() + f::kHeaderSize;
  ops_off_ = field<std::uint32_t>(payload_ + f::kInfoOpsOff);
  norm_off_in_payload_ = field<std::uint32_t>(payload_ + f::kInfoNormOff);
  input_quant_ = model.tensor_quant(0);
  model_ = &model;
  arena_ = arena.data();
  kernels_ = kernels;
  table_ = table_for(kernels, isa);
  simd_quantize_ = false;
  op_cache_off_ = 0;
  step_ = step_bytes(model, kernels, *table_, ring_len_) > 0;
  if (step_) {
    table_->stream->init(model, ring_len_, arena_ + offset_[0]);
    seen_ = 0;
    return Status::kOk;
  }
  if (detail::model_packed_bytes(model, *table_) > 0) {
    norm_off_ = offset_[sums_id() + 1];
    detail::pack_model(model, *table_, arena_, norm_off_, packed_off_);
    simd_quantize_ = table_->quantize != nullptr;
    op_cache_off_ =
        static_cast<std::uint32_t>(norm_off_ + detail::model_packed_bytes(model, *table_));
    channels_off_ = static_cast<std::uint32_t>(op_cache_off_ + model.num_ops() * sizeof(StepOp));
  }
  fused_ = 0;
  if (kernels == KernelSet::kOptimized && table_->conv_step_add != nullptr) {
    for (std::size_t i = 0; i + 1 < model.num_ops(); ++i) {
      if (!detail::conv_feeds_only_next_add(model, i)) continue;
      fused_ |= std::uint64_t{1} << i;
      ++i;
    }
  }
  if (op_cache_off_ != 0) fill_op_cache();
  reset();
  return Status::kOk;
}

void Streaming::reset() {
  if (model_ == nullptr) return;
  seen_ = 0;
  if (step_) {
    table_->stream->reset(arena_ + offset_[0]);
    return;
  }
  for (std::size_t t = 0; t + 1 < model_->num_tensors(); ++t) {
    std::memset(arena_ + offset_[t], model_->tensor_quant(t).zero_point,
                std::size_t{ring_len_[t]} * model_->tensor_channels(t));
    pos_[t] = 0;
  }
  std::memset(arena_ + offset_[sums_id()], 0, 4u * model_->tensor_channels(model_->pool_op()));
}

std::size_t Streaming::op_cache_bytes(const Model& m) {
  return m.num_ops() * sizeof(StepOp) + 2 * m.num_tensors();
}

void Streaming::fill_op_cache() {
  const Model& m = *model_;
  for (std::size_t i = 0; i < m.num_ops(); ++i) {
    StepOp s;
    s.op = m.op(i);
    if (s.op.type == f::OpType::kConv1d || s.op.type == f::OpType::kDense)
      s.p = detail::conv_params(m, s.op);
    if (s.op.type == f::OpType::kAdd) s.q = detail::add_params(m, s.op);
    if ((fused_ >> i) & 1) {
      const OpView add = m.op(i + 1);
      s.q = detail::add_params(m, add);
      s.conv_is_a = add.in0 == i + 1;
      s.other = s.conv_is_a ? add.in1 : add.in0;
    }
    std::memcpy(arena_ + op_cache_off_ + i * sizeof(StepOp), &s, sizeof s);
  }
  for (std::size_t t = 0; t < m.num_tensors(); ++t) {
    const std::uint16_t ch = m.tensor_channels(t);
    std::memcpy(arena_ + channels_off_ + 2 * t, &ch, 2);
  }
}

inline std::uint16_t Streaming::channels(std::size_t tensor) const {
  return channels_[tensor];
}

// Row of `tensor` written `back` steps ago (back < ring length).
// detail::quantize_sample with the normalisation read in place from the payload (the Model's
// accessors are out-of-line calls per value) and the input quantisation cached at init().
inline bool Streaming::quantize_sample(const float* x, std::int8_t* q) const {
  const auto* norm = payload_ + norm_off_in_payload_;
  const std::size_t ch = model_->input_channels();
  return detail::quantize_sample(
      input_quant_, ch,
      [norm, ch](std::size_t c, float& mean, float& stdv) {
        mean = field<float>(norm + 4 * c);
        stdv = field<float>(norm + 4 * (ch + c));
      },
      x, q);
}

// Zero point of tensor t, read from its producer's record (Model::tensor_quant() decodes
// through out-of-line helpers).
inline std::int32_t Streaming::tensor_zp(std::size_t t) const {
  if (t == 0) return input_quant_.zero_point;
  return field<std::int32_t>(payload_ + ops_off_ + (t - 1) * f::kOpSize + f::kOpOutZp);
}

[[gnu::always_inline]] inline const std::int8_t* Streaming::row(std::size_t tensor,
                                                                std::uint32_t back) const {
  const std::uint32_t len = ring_len_[tensor];
  const std::uint32_t p = pos_[tensor];
  const std::uint32_t slot = p >= back ? p - back : p + len - back;
  return reinterpret_cast<const std::int8_t*>(arena_ + offset_[tensor]) +
         std::size_t{slot} * channels(tensor);
}

inline std::int8_t* Streaming::current_row(std::size_t tensor) {
  return const_cast<std::int8_t*>(row(tensor, 0));
}

Status Streaming::push(std::span<const float> sample, std::span<float> probs, bool* ready) {
  if (model_ == nullptr) return Status::kNotReady;
  const Model& m = *model_;
  if (sample.size() != m.input_channels() || probs.size() != m.num_classes())
    return Status::kBadInput;
  if (step_) {
    if (!table_->stream->push(arena_ + offset_[0], sample.data(), logits_q_, probs.data()))
      return Status::kBadInput;
    ++seen_;
    if (ready != nullptr) *ready = seen_ >= m.window();
    return Status::kOk;
  }
  std::int8_t staged[f::kMaxChannels];  // keep the state untouched if the sample is rejected
  if (simd_quantize_) {
    const auto* norm = reinterpret_cast<const float*>(arena_ + norm_off_);
    const QuantParams qp = m.tensor_quant(0);
    const int ch = static_cast<int>(m.input_channels());
    if (!table_->quantize(sample.data(), 1, ch, norm, norm + ch, qp.scale, qp.zero_point, staged))
      return Status::kBadInput;
  } else if (!quantize_sample(sample.data(), staged)) {
    return Status::kBadInput;
  }
  std::memcpy(current_row(0), staged, m.input_channels());
  auto* scratch = arena_ + offset_[sums_id() - 1];
  const detail::KernelTable& kt = *table_;
  auto* sums = reinterpret_cast<std::int32_t*>(arena_ + offset_[sums_id()]);
  const bool opt = kernels_ == KernelSet::kOptimized;
  const bool cached = op_cache_off_ != 0;
  const detail::VectorTail tail{m, opt ? &kt : nullptr, scratch, logits_q_, probs.data()};
  StepOp s;
  for (std::size_t i = 0; i < m.num_ops(); ++i) {
    if (cached)  // the arena is only 4-byte aligned: copy, don't cast
      std::memcpy(&s, arena_ + op_cache_off_ + i * sizeof(StepOp), sizeof s);
    else
      decode_op(payload_, ops_off_, channels_, i, s.op);
    const OpView& op = s.op;
    const std::int8_t* x = row(op.in0, 0);
    std::int8_t* y = op.type == f::OpType::kSoftmax ? nullptr : current_row(i + 1);
    switch (op.type) {
      case f::OpType::kConv1d: {
        const std::int8_t* taps[f::kMaxKernel];
        for (int j = 0; j < op.kernel; ++j)
          taps[j] = row(op.in0, static_cast<std::uint32_t>(op.kernel - 1 - j) * op.dilation);
        const kernels::ConvQ p = cached ? s.p : detail::conv_params(m, op);
        if ((fused_ >> i) & 1) {  // the conv's output feeds only the next op, an Add
          kt.conv_step_add(p, arena_ + packed_off_[i], taps, s.q, row(s.other, 0), s.conv_is_a,
                           current_row(i + 2), scratch);
          ++i;
        } else if (opt)
          kt.conv_step(p, arena_ + packed_off_[i], taps, y, scratch);
        else
          kernels::conv_step_ref(p, taps, y);
        break;
      }
      case f::OpType::kAdd:
        (opt ? kt.add : kernels::add_ref)(
            cached ? s.q : detail::add_params(op, tensor_zp(op.in0), tensor_zp(op.in1)), x,
            row(op.in1, 0), op.out_channels, y);
        break;
      case f::OpType::kGlobalAvgPool:
        detail::pool_step(op, x, row(op.in0, m.window()), sums, y);
        break;
      case f::OpType::kDense:
      case f::OpType::kSoftmax:
        tail.run(op, arena_ + packed_off_[i], x, y);
        break;
    }
  }
  for (std::size_t t = 0; t + 1 < m.num_tensors(); ++t)
    pos_[t] = static_cast<std::uint16_t>(pos_[t] + 1 == ring_len_[t] ? 0 : pos_[t] + 1);
  ++seen_;
  if (ready != nullptr) *ready = seen_ >= m.window();
  return Status::kOk;
}

}  // namespace css::nn

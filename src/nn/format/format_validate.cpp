// Model::validate_ops: every op parameter, shape and array the interpreter will trust.
#include <cmath>
#include <limits>

#include "css/nn/model.hpp"
#include "format/le.hpp"

namespace css::nn {
namespace f = format;
namespace {

struct Check {
  ParseDetail* d;
  int op;
  Status fail(Status s, const char* field) const {
    if (d != nullptr) *d = ParseDetail{field, op};
    return s;
  }
};

bool finite_positive(float v) {
  return std::isfinite(v) && v > 0.0f;
}
bool valid_shift(std::int32_t s) {
  return s >= -31 && s <= 30;
}

bool all_finite(const float* p, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i)
    if (!std::isfinite(p[i])) return false;
  return true;
}

// Conv and dense share the weight arrays; k = 1 for dense.
Status check_weights(const Check& c, const std::uint8_t* rec, const std::uint8_t* payload,
                     std::uint32_t payload_size, bool need_float, std::size_t o, std::size_t k,
                     std::size_t in) {
  auto off = [&](std::size_t slot) { return le::u32(rec + f::kOpArrays + 4 * slot); };
  auto ok = [&](std::size_t slot, std::uint64_t bytes) {
    const std::uint32_t a = off(slot);
    return a != f::kNone && a % 4 == 0 && std::uint64_t{a} + bytes <= payload_size;
  };
  const std::uint64_t n_w = std::uint64_t{o} * k * in;
  if (!ok(f::kArrWeightsQ, n_w)) return c.fail(Status::kBadOffset, "weights_q");
  if (!ok(f::kArrWeightScale, 4 * o)) return c.fail(Status::kBadOffset, "weight_scale");
  if (!ok(f::kArrBiasQ, 4 * o)) return c.fail(Status::kBadOffset, "bias_q");
  if (!ok(f::kArrRequant, 12 * o)) return c.fail(Status::kBadOffset, "requant");
  const auto* scale = reinterpret_cast<const float*>(payload + off(f::kArrWeightScale));
  for (std::size_t i = 0; i < o; ++i)
    if (!finite_positive(scale[i])) return c.fail(Status::kBadParam, "weight_scale");
  const auto* rq = reinterpret_cast<const std::int32_t*>(payload + off(f::kArrRequant));
  for (std::size_t i = 0; i < o; ++i) {
    if (rq[i] < 0) return c.fail(Status::kBadParam, "multiplier");
    if (!valid_shift(rq[o + i])) return c.fail(Status::kBadParam, "shift");
    // |dot| <= kMaxKernel * kMaxChannels * 128 * 128 = 2^26, so this keeps int32 exact.
    if (rq[2 * o + i] > (1 << 30) || rq[2 * o + i] < -(1 << 30))
      return c.fail(Status::kBadParam, "bias_eff out of range");
  }
  if (!need_float) return Status::kOk;
  if (!ok(f::kArrWeightsF, 4 * n_w)) return c.fail(Status::kBadOffset, "weights_f");
  if (!ok(f::kArrBiasF, 4 * o)) return c.fail(Status::kBadOffset, "bias_f");
  // ok() bounded 4 * n_w by the 32-bit payload size, so n_w fits size_t even on 32-bit
  // targets; the explicit check keeps the narrowing provably lossless.
  if (n_w > std::numeric_limits<std::size_t>::max() / 4)
    return c.fail(Status::kTooLarge, "weights_f count");
  if (!all_finite(reinterpret_cast<const float*>(payload + off(f::kArrWeightsF)),
                  static_cast<std::size_t>(n_w)))
    return c.fail(Status::kBadParam, "weights_f not finite");
  if (!all_finite(reinterpret_cast<const float*>(payload + off(f::kArrBiasF)), o))
    return c.fail(Status::kBadParam, "bias_f not finite");
  return Status::kOk;
}

}  // namespace

Status Model::validate_ops(ParseDetail* d) {
  std::uint32_t rf[f::kMaxOps + 1] = {1};
  bool pooled = false;
  for (std::size_t i = 0; i < num_ops_; ++i) {
    const Check c{d, static_cast<int>(i)};
    const std::uint8_t* rec = payload_ + ops_off_ + i * f::kOpSize;
    const std::uint8_t type = rec[f::kOpType];
    const std::uint8_t flags = rec[f::kOpFlags];
    const std::uint16_t in0 = le::u16(rec + f::kOpIn0);
    const std::uint16_t in1 = le::u16(rec + f::kOpIn1);
    const std::uint16_t out_ch = le::u16(rec + f::kOpOutCh);
    const std::uint16_t kernel = le::u16(rec + f::kOpKernel);
    const std::uint16_t dilation = le::u16(rec + f::kOpDilation);
    const float out_scale = le::f32(rec + f::kOpOutScale);
    const std::int32_t out_zp = le::i32(rec + f::kOpOutZp);
    auto q = [&](int k) { return le::i32(rec + f::kOpQ + 4 * k); };

    if ((flags & ~f::kOpFlagRelu) != 0) return c.fail(Status::kBadParam, "flags");
    if (in0 > i) return c.fail(Status::kBadOp, "input tensor not yet computed");
    if (out_ch == 0) return c.fail(Status::kBadShape, "out_channels 0");
    if (out_ch > f::kMaxChannels) return c.fail(Status::kTooLarge, "out_channels");
    if (!finite_positive(out_scale)) return c.fail(Status::kBadParam, "out scale");
    if (out_zp < -128 || out_zp > 127) return c.fail(Status::kBadParam, "out zero_point");
    const std::uint16_t in_ch = tensor_channels(in0);
    const bool in_is_seq = !pooled;  // every tensor before the pool is a sequence
    const bool last = i + 1 == num_ops_;
    rf[i + 1] = 1;

    switch (static_cast<f::OpType>(type)) {
      case f::OpType::kConv1d: {
        if (pooled) return c.fail(Status::kBadOp, "conv1d after pooling");
        if (kernel == 0) return c.fail(Status::kBadParam, "conv1d kernel 0");
        if (kernel > f::kMaxKernel) return c.fail(Status::kTooLarge, "conv1d kernel");
        if (dilation == 0) return c.fail(Status::kBadParam, "conv1d dilation 0");
        if (dilation > f::kMaxDilation) return c.fail(Status::kTooLarge, "conv1d dilation");
        if (const Status s =
                check_weights(c, rec, payload_, payload_size_, has_float_, out_ch, kernel, in_ch);
            s != Status::kOk)
          return s;
        rf[i + 1] = rf[in0] + std::uint32_t{kernel - 1u} * dilation;
        break;
      }
      case f::OpType::kAdd: {
        if (pooled) return c.fail(Status::kBadOp, "add after pooling");
        if (in1 > i) return c.fail(Status::kBadOp, "add input 1 not yet computed");
        if (tensor_channels(in1) != in_ch || out_ch != in_ch)
          return c.fail(Status::kBadShape, "add channels differ");
        for (int k = 0; k < 6; k += 2) {
          if (q(k) < 0) return c.fail(Status::kBadParam, "add multiplier");
          if (!valid_shift(q(k + 1))) return c.fail(Status::kBadParam, "add shift");
        }
        rf[i + 1] = rf[in0] > rf[in1] ? rf[in0] : rf[in1];
        break;
      }
      case f::OpType::kGlobalAvgPool: {
        if (pooled) return c.fail(Status::kBadOp, "second global_avg_pool");
        if (flags != 0) return c.fail(Status::kBadParam, "global_avg_pool relu");
        if (out_ch != in_ch) return c.fail(Status::kBadShape, "global_avg_pool channels");
        if (q(0) < 0 || !valid_shift(q(1)))
          return c.fail(Status::kBadParam, "global_avg_pool multiplier");
        pooled = true;
        pool_op_ = i;
        receptive_field_ = rf[in0];
        break;
      }
      case f::OpType::kDense: {
        if (!pooled || in_is_seq) return c.fail(Status::kBadOp, "dense before pooling");
        if (in0 <= pool_op_) return c.fail(Status::kBadOp, "dense input is a sequence");
        if (kernel != 1 || dilation != 1) return c.fail(Status::kBadParam, "dense kernel");
        if (const Status s =
                check_weights(c, rec, payload_, payload_size_, has_float_, out_ch, 1, in_ch);
            s != Status::kOk)
          return s;
        break;
      }
      case f::OpType::kSoftmax: {
        if (!last) return c.fail(Status::kBadOp, "softmax not last");
        if (!pooled || in0 <= pool_op_) return c.fail(Status::kBadOp, "softmax input");
        if (flags != 0) return c.fail(Status::kBadParam, "softmax relu");
        if (in_ch != num_classes_ || out_ch != num_classes_)
          return c.fail(Status::kBadShape, "softmax channels != num_classes");
        break;
      }
      default:
        return c.fail(Status::kBadOp, "unknown op type");
    }
  }
  const Check end{d, -1};
  if (!pooled) return end.fail(Status::kBadOp, "no global_avg_pool");
  if (static_cast<f::OpType>(payload_[ops_off_ + (num_ops_ - 1u) * f::kOpSize]) !=
      f::OpType::kSoftmax)
    return end.fail(Status::kBadOp, "last op is not softmax");
  return Status::kOk;
}

}  // namespace css::nn

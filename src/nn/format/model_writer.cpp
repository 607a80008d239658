// ModelWriter: quantisation + serialisation to the .csm layout of format.hpp.
#include "css/nn/model_writer.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "css/nn/sha256.hpp"

namespace css::nn {
namespace f = format;
namespace {

class Bytes {
 public:
  std::vector<std::uint8_t> data;
  std::size_t size() const { return data.size(); }
  void align4() { data.resize((data.size() + 3) / 4 * 4, 0); }
  void put_u8(std::size_t at, std::uint8_t v) { data[at] = v; }
  void put_u16(std::size_t at, std::uint16_t v) {
    data[at] = static_cast<std::uint8_t>(v);
    data[at + 1] = static_cast<std::uint8_t>(v >> 8);
  }
  void put_u32(std::size_t at, std::uint32_t v) {
    for (int k = 0; k < 4; ++k) data[at + k] = static_cast<std::uint8_t>(v >> (8 * k));
  }
  void put_f32(std::size_t at, float v) {
    std::uint32_t bits;
    std::memcpy(&bits, &v, 4);
    put_u32(at, bits);
  }
  template <typename T>
  std::uint32_t append_array(const std::vector<T>& v) {  // returns the 4-aligned offset
    align4();
    const auto off = static_cast<std::uint32_t>(data.size());
    data.resize(data.size() + v.size() * sizeof(T));
    for (std::size_t i = 0; i < v.size(); ++i) {
      std::uint8_t raw[sizeof(T)];
      std::memcpy(raw, &v[i], sizeof(T));  // little-endian host (static_assert in the reader)
      std::memcpy(data.data() + off + i * sizeof(T), raw, sizeof(T));
    }
    return off;
  }
  std::uint32_t append_strings(const std::vector<std::string>& strings) {
    const auto off = static_cast<std::uint32_t>(data.size());
    for (const std::string& s : strings) {
      const std::size_t at = data.size();
      data.resize(at + 2 + s.size() + 1, 0);
      put_u16(at, static_cast<std::uint16_t>(s.size()));
      std::memcpy(data.data() + at + 2, s.data(), s.size());
    }
    return off;
  }
};

// real = multiplier * 2^(shift - 31), multiplier in [2^30, 2^31) (TFLite QuantizeMultiplier).
void quantize_multiplier(double real, std::int32_t* multiplier, std::int32_t* shift) {
  *multiplier = 0;
  *shift = 0;
  if (!(real > 0.0)) return;
  int exp = 0;
  const double frac = std::frexp(real, &exp);
  auto q = static_cast<std::int64_t>(std::llround(frac * 2147483648.0));
  if (q == (std::int64_t{1} << 31)) {
    q /= 2;
    ++exp;
  }
  if (exp < -31) return;  // smaller than 2^-32: rounds to zero anyway
  if (exp > 30) {
    q = (std::int64_t{1} << 31) - 1;
    exp = 30;
  }
  *multiplier = static_cast<std::int32_t>(q);
  *shift = exp;
}

}  // namespace

void ModelWriter::set_normalization(std::vector<float> mean, std::vector<float> stddev) {
  mean_ = std::move(mean);
  std_ = std::move(stddev);
}

void ModelWriter::set_metadata(std::string key, std::string value) {
  metadata_.emplace_back(std::move(key), std::move(value));
}

int ModelWriter::tensor_channels(TensorId t) const {
  if (t == 0) return static_cast<int>(mean_.size());
  return t <= ops_.size() ? ops_[t - 1u].out_channels : 0;
}

TensorId ModelWriter::push(Op op) {
  if (op.in0 >= num_tensors() || op.in1 >= num_tensors()) error_ = "op input id out of range";
  ops_.push_back(std::move(op));
  quant_.push_back(QuantParams{});
  return static_cast<TensorId>(ops_.size());
}

TensorId ModelWriter::add_conv1d(TensorId in, int out_channels, int kernel, int dilation, bool relu,
                                 std::vector<float> weights, std::vector<float> bias) {
  const std::size_t expect = std::size_t(out_channels) * kernel * tensor_channels(in);
  if (weights.size() != expect || bias.size() != std::size_t(out_channels))
    error_ = "conv1d weights/bias size";
  return push(Op{f::OpType::kConv1d, relu, in, 0, out_channels, kernel, dilation,
                 std::move(weights), std::move(bias)});
}

TensorId ModelWriter::add_add(TensorId a, TensorId b, bool relu) {
  return push(Op{f::OpType::kAdd, relu, a, b, tensor_channels(a), 1, 1, {}, {}});
}

TensorId ModelWriter::add_residual(TensorId a, TensorId b, bool relu,
                                   std::vector<float> proj_weights, std::vector<float> proj_bias) {
  if (!proj_weights.empty())
    b = add_conv1d(b, tensor_channels(a), 1, 1, false, std::move(proj_weights),
                   std::move(proj_bias));
  return add_add(a, b, relu);
}

TensorId ModelWriter::add_global_avg_pool(TensorId in) {
  return push(Op{f::OpType::kGlobalAvgPool, false, in, 0, tensor_channels(in), 1, 1, {}, {}});
}

TensorId ModelWriter::add_dense(TensorId in, int out_channels, bool relu,
                                std::vector<float> weights, std::vector<float> bias) {
  if (weights.size() != std::size_t(out_channels) * tensor_channels(in) ||
      bias.size() != std::size_t(out_channels))
    error_ = "dense weights/bias size";
  return push(
      Op{f::OpType::kDense, relu, in, 0, out_channels, 1, 1, std::move(weights), std::move(bias)});
}

TensorId ModelWriter::add_softmax(TensorId in) {
  return push(Op{f::OpType::kSoftmax, false, in, 0, tensor_channels(in), 1, 1, {}, {}});
}

void ModelWriter::set_quant(TensorId t, QuantParams q) {
  if (t < quant_.size()) quant_[t] = q;
}

QuantParams ModelWriter::quant_from_range(float lo, float hi) {
  lo = std::min(lo, 0.0f);
  hi = std::max(hi, 0.0f);
  if (hi - lo < 1e-6f) hi = lo + 1e-6f;
  const float scale = (hi - lo) / 255.0f;
  const float zp = std::round(-128.0f - lo / scale);
  return {scale, static_cast<std::int32_t>(std::clamp(zp, -128.0f, 127.0f))};
}

std::vector<std::uint8_t> ModelWriter::finish(std::string* error) const {
  auto fail = [&](const std::string& why) {
    if (error != nullptr) *error = why;
    return std::vector<std::uint8_t>{};
  };
  if (!error_.empty()) return fail(error_);
  if (mean_.empty() || mean_.size() != std_.size()) return fail("normalisation not set");
  if (classes_.empty()) return fail("class names not set");
  if (ops_.empty() || ops_.size() > f::kMaxOps) return fail("op count");

  Bytes p;  // payload
  p.data.resize(f::kInfoSize + ops_.size() * f::kOpSize, 0);
  p.put_u32(f::kInfoWindow, window_);
  p.put_u16(f::kInfoInputCh, static_cast<std::uint16_t>(mean_.size()));
  p.put_u16(f::kInfoClasses, static_cast<std::uint16_t>(classes_.size()));
  p.put_u16(f::kInfoNumOps, static_cast<std::uint16_t>(ops_.size()));
  p.put_u16(f::kInfoNumMeta, static_cast<std::uint16_t>(metadata_.size()));
  p.put_f32(f::kInfoInputScale, quant_[0].scale);
  p.put_u32(f::kInfoInputZp, static_cast<std::uint32_t>(quant_[0].zero_point));
  p.put_u32(f::kInfoOpsOff, f::kInfoSize);
  p.put_u32(f::kInfoFlags, include_float_ ? f::kFlagFloatWeights : 0u);
  std::vector<float> norm = mean_;
  norm.insert(norm.end(), std_.begin(), std_.end());
  p.put_u32(f::kInfoNormOff, p.append_array(norm));
  p.put_u32(f::kInfoClassesOff, p.append_strings(classes_));
  std::vector<std::string> kv;
  for (const auto& [k, v] : metadata_) {
    kv.push_back(k);
    kv.push_back(v);
  }
  p.put_u32(f::kInfoMetaOff, metadata_.empty() ? f::kNone : p.append_strings(kv));

  for (std::size_t i = 0; i < ops_.size(); ++i) {
    const Op& op = ops_[i];
    const std::size_t rec = f::kInfoSize + i * f::kOpSize;
    const QuantParams in_q = quant_[op.in0];
    const QuantParams out_q = quant_[i + 1];
    p.put_u8(rec + f::kOpType, static_cast<std::uint8_t>(op.type));
    p.put_u8(rec + f::kOpFlags, op.relu ? f::kOpFlagRelu : 0);
    p.put_u16(rec + f::kOpIn0, op.in0);
    p.put_u16(rec + f::kOpIn1, op.in1);
    p.put_u16(rec + f::kOpOutCh, static_cast<std::uint16_t>(op.out_channels));
    p.put_u16(rec + f::kOpKernel, static_cast<std::uint16_t>(op.kernel));
    p.put_u16(rec + f::kOpDilation, static_cast<std::uint16_t>(op.dilation));
    p.put_f32(rec + f::kOpOutScale, out_q.scale);
    p.put_u32(rec + f::kOpOutZp, static_cast<std::uint32_t>(out_q.zero_point));
    std::int32_t q[6] = {};
    std::uint32_t arrays[f::kArrCount];
    std::fill(std::begin(arrays), std::end(arrays), f::kNone);
    if (op.type == f::OpType::kAdd) {
      const QuantParams b_q = quant_[op.in1];
      const double twice_max = 2.0 * std::max(in_q.scale, b_q.scale);
      quantize_multiplier(in_q.scale / twice_max, &q[0], &q[1]);
      quantize_multiplier(b_q.scale / twice_max, &q[2], &q[3]);
      quantize_multiplier(twice_max / ((1 << 20) * double{out_q.scale}), &q[4], &q[5]);
    } else if (op.type == f::OpType::kGlobalAvgPool) {
      quantize_multiplier(double{in_q.scale} / (double{out_q.scale} * window_), &q[0], &q[1]);
    } else if (op.type == f::OpType::kConv1d || op.type == f::OpType::kDense) {
      const std::size_t o_n = op.out_channels;
      const std::size_t row = op.weights.size() / o_n;
      std::vector<std::int8_t> w_q(op.weights.size());
      std::vector<float> w_scale(o_n);
      std::vector<std::int32_t> b_q(o_n), requant(3 * o_n);
      for (std::size_t o = 0; o < o_n; ++o) {
        float max_abs = 0.0f;
        for (std::size_t k = 0; k < row; ++k)
          max_abs = std::max(max_abs, std::fabs(op.weights[o * row + k]));
        w_scale[o] = max_abs > 0.0f ? max_abs / 127.0f : 1.0f;
        std::int64_t w_sum = 0;
        for (std::size_t k = 0; k < row; ++k) {
          const float v = std::round(op.weights[o * row + k] / w_scale[o]);
          w_q[o * row + k] = static_cast<std::int8_t>(std::clamp(v, -127.0f, 127.0f));
          w_sum += w_q[o * row + k];
        }
        const double acc_scale = double{in_q.scale} * w_scale[o];
        const double bq = std::round(op.bias[o] / acc_scale);
        if (std::fabs(bq) > double(1 << 29)) return fail("bias too large for its scale");
        b_q[o] = static_cast<std::int32_t>(bq);
        requant[2 * o_n + o] = static_cast<std::int32_t>(b_q[o] - in_q.zero_point * w_sum);
        quantize_multiplier(acc_scale / out_q.scale, &requant[o], &requant[o_n + o]);
      }
      arrays[f::kArrWeightsQ] = p.append_array(w_q);
      arrays[f::kArrWeightScale] = p.append_array(w_scale);
      arrays[f::kArrBiasQ] = p.append_array(b_q);
      arrays[f::kArrRequant] = p.append_array(requant);
      if (include_float_) {
        arrays[f::kArrWeightsF] = p.append_array(op.weights);
        arrays[f::kArrBiasF] = p.append_array(op.bias);
      }
    }
    for (int k = 0; k < 6; ++k) p.put_u32(rec + f::kOpQ + 4 * k, static_cast<std::uint32_t>(q[k]));
    for (std::size_t k = 0; k < f::kArrCount; ++k) p.put_u32(rec + f::kOpArrays + 4 * k, arrays[k]);
  }
  p.align4();

  Bytes file;
  file.data.resize(f::kHeaderSize, 0);
  std::memcpy(file.data.data(), f::kMagic, 4);
  file.put_u16(f::kHdrVersion, f::kVersion);
  file.put_u16(f::kHdrHeaderSize, static_cast<std::uint16_t>(f::kHeaderSize));
  file.put_u32(f::kHdrFileSize, static_cast<std::uint32_t>(f::kHeaderSize + p.size()));
  file.put_u32(f::kHdrPayloadSize, static_cast<std::uint32_t>(p.size()));
  const Sha256::Digest digest = Sha256::hash(p.data);
  std::memcpy(file.data.data() + f::kHdrSha256, digest.data(), digest.size());
  file.data.insert(file.data.end(), p.data.begin(), p.data.end());

  Model check;  // never hand out a file our own reader rejects
  ParseDetail detail;
  if (const Status s = Model::parse(file.data, check, &detail); s != Status::kOk)
    return fail(std::string("writer produced an invalid model: ") + status_name(s) + " (" +
                detail.field + ", op " + std::to_string(detail.op) + ")");
  return file.data;
}

}  // namespace css::nn

// Model::parse and the Model accessors: validation of everything the engine later trusts.
#include <cmath>
#include <cstring>
#include <limits>

#include "css/nn/model.hpp"
#include "css/nn/sha256.hpp"
#include "format/le.hpp"

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "arrays are read in place: LE hosts only");

namespace css::nn {
namespace f = format;
namespace {

Status fail(ParseDetail* d, Status s, const char* field, int op = -1) {
  if (d != nullptr) *d = ParseDetail{field, op};
  return s;
}

bool finite_positive(float v) {
  return std::isfinite(v) && v > 0.0f;
}
bool valid_zero_point(std::int32_t zp) {
  return zp >= -128 && zp <= 127;
}

// Array [off, off + bytes) inside the payload, 4-byte aligned.
bool array_ok(std::uint32_t off, std::uint64_t bytes, std::uint32_t payload_size) {
  return off != f::kNone && off % 4 == 0 && std::uint64_t{off} + bytes <= payload_size;
}

}  // namespace

Status Model::parse(std::span<const std::uint8_t> bytes, Model& out, ParseDetail* d) {
  out = Model{};
  const std::uint8_t* b = bytes.data();
  if (bytes.size() < f::kHeaderSize) return fail(d, Status::kTruncated, "header");
  if (std::memcmp(b + f::kHdrMagic, f::kMagic, 4) != 0) return fail(d, Status::kBadMagic, "magic");
  if (le::u16(b + f::kHdrVersion) != f::kVersion) return fail(d, Status::kBadVersion, "version");
  if (le::u16(b + f::kHdrHeaderSize) != f::kHeaderSize)
    return fail(d, Status::kBadVersion, "header_size");
  if (le::u32(b + f::kHdrFlags) != 0) return fail(d, Status::kBadVersion, "header flags");
  for (std::size_t i = f::kHdrFlags + 4; i < f::kHeaderSize; ++i)
    if (b[i] != 0) return fail(d, Status::kBadVersion, "header reserved bytes");
  const std::uint32_t file_size = le::u32(b + f::kHdrFileSize);
  if (file_size > f::kMaxFileBytes) return fail(d, Status::kTooLarge, "file_size");
  if (file_size < f::kHeaderSize + f::kInfoSize) return fail(d, Status::kBadOffset, "file_size");
  if (file_size > bytes.size()) return fail(d, Status::kTruncated, "file_size");
  if (le::u32(b + f::kHdrPayloadSize) != file_size - f::kHeaderSize)
    return fail(d, Status::kBadOffset, "payload_size");
  if (reinterpret_cast<std::uintptr_t>(b) % 4 != 0)
    return fail(d, Status::kBadOffset, "buffer not 4-byte aligned");

  const std::span<const std::uint8_t> payload(b + f::kHeaderSize, file_size - f::kHeaderSize);
  const Sha256::Digest digest = Sha256::hash(payload);
  if (std::memcmp(digest.data(), b + f::kHdrSha256, 32) != 0)
    return fail(d, Status::kBadChecksum, "sha256");

  Model m;
  m.bytes_ = bytes.first(file_size);
  m.payload_ = payload.data();
  m.payload_size_ = static_cast<std::uint32_t>(payload.size());
  const std::uint8_t* p = m.payload_;
  m.window_ = le::u32(p + f::kInfoWindow);
  m.input_channels_ = le::u16(p + f::kInfoInputCh);
  m.num_classes_ = le::u16(p + f::kInfoClasses);
  m.num_ops_ = le::u16(p + f::kInfoNumOps);
  m.num_meta_ = le::u16(p + f::kInfoNumMeta);
  m.input_quant_ = {le::f32(p + f::kInfoInputScale), le::i32(p + f::kInfoInputZp)};
  m.ops_off_ = le::u32(p + f::kInfoOpsOff);
  m.norm_off_ = le::u32(p + f::kInfoNormOff);
  m.classes_off_ = le::u32(p + f::kInfoClassesOff);
  m.meta_off_ = le::u32(p + f::kInfoMetaOff);
  const std::uint32_t flags = le::u32(p + f::kInfoFlags);
  if ((flags & ~f::kFlagFloatWeights) != 0) return fail(d, Status::kBadParam, "info flags");
  m.has_float_ = (flags & f::kFlagFloatWeights) != 0;

  if (m.window_ == 0) return fail(d, Status::kBadShape, "window 0");
  if (m.window_ > f::kMaxWindow) return fail(d, Status::kTooLarge, "window");
  if (m.input_channels_ == 0) return fail(d, Status::kBadShape, "input_channels 0");
  if (m.input_channels_ > f::kMaxChannels) return fail(d, Status::kTooLarge, "input_channels");
  if (m.num_classes_ == 0) return fail(d, Status::kBadShape, "num_classes 0");
  if (m.num_classes_ > f::kMaxClasses) return fail(d, Status::kTooLarge, "num_classes");
  if (m.num_ops_ == 0) return fail(d, Status::kBadOp, "no ops");
  if (m.num_ops_ > f::kMaxOps) return fail(d, Status::kTooLarge, "num_ops");
  if (!finite_positive(m.input_quant_.scale)) return fail(d, Status::kBadParam, "input scale");
  if (!valid_zero_point(m.input_quant_.zero_point))
    return fail(d, Status::kBadParam, "input zero_point");

  if (const Status s = m.validate_tables(d); s != Status::kOk) return s;
  if (const Status s = m.validate_ops(d); s != Status::kOk) return s;
  out = m;
  return Status::kOk;
}

// Walks a string table of `count` entries (u16 length, bytes, NUL); returns false if malformed.
static bool walk_strings(const std::uint8_t* p, std::uint32_t size, std::uint32_t off,
                         std::size_t count) {
  if (off == f::kNone || off > size) return false;
  std::uint64_t pos = off;
  for (std::size_t i = 0; i < count; ++i) {
    if (pos + 2 > size) return false;
    const std::uint16_t len = le::u16(p + pos);
    if (len > f::kMaxStringBytes || pos + 2 + len + 1 > size) return false;
    const std::uint8_t* s = p + pos + 2;
    if (s[len] != 0 || std::memchr(s, 0, len) != nullptr) return false;
    pos += 2u + len + 1u;
  }
  return true;
}

Status Model::validate_tables(ParseDetail* d) {
  const std::uint64_t ops_bytes = std::uint64_t{num_ops_} * f::kOpSize;
  if (!array_ok(ops_off_, ops_bytes, payload_size_)) return fail(d, Status::kBadOffset, "ops");
  if (!array_ok(norm_off_, 8ull * input_channels_, payload_size_))
    return fail(d, Status::kBadOffset, "normalisation");
  for (std::size_t c = 0; c < input_channels_; ++c) {
    if (!std::isfinite(input_mean(c))) return fail(d, Status::kBadParam, "input mean");
    if (!finite_positive(input_std(c))) return fail(d, Status::kBadParam, "input std");
  }
  if (!walk_strings(payload_, payload_size_, classes_off_, num_classes_))
    return fail(d, Status::kBadOffset, "class names");
  if (num_meta_ > 0 && !walk_strings(payload_, payload_size_, meta_off_, 2u * num_meta_))
    return fail(d, Status::kBadOffset, "metadata");
  return Status::kOk;
}

OpView Model::op(std::size_t i) const {
  const std::uint8_t* r = payload_ + ops_off_ + i * f::kOpSize;
  OpView v;
  v.type = static_cast<f::OpType>(r[f::kOpType]);
  v.relu = (r[f::kOpFlags] & f::kOpFlagRelu) != 0;
  v.in0 = le::u16(r + f::kOpIn0);
  v.in1 = le::u16(r + f::kOpIn1);
  v.out_channels = le::u16(r + f::kOpOutCh);
  v.kernel = le::u16(r + f::kOpKernel);
  v.dilation = le::u16(r + f::kOpDilation);
  v.out = {le::f32(r + f::kOpOutScale), le::i32(r + f::kOpOutZp)};
  for (int k = 0; k < 6; ++k) v.q[k] = le::i32(r + f::kOpQ + 4 * k);
  // in_channels is only meaningful once parse() has checked in0 < i + 1.
  v.in_channels = v.in0 <= i ? tensor_channels(v.in0) : 0;
  auto arr = [&](std::size_t slot) -> const std::uint8_t* {
    const std::uint32_t off = le::u32(r + f::kOpArrays + 4 * slot);
    return off == f::kNone || off >= payload_size_ ? nullptr : payload_ + off;
  };
  const std::size_t o = v.out_channels;
  v.weights_q = reinterpret_cast<const std::int8_t*>(arr(f::kArrWeightsQ));
  v.weight_scale = reinterpret_cast<const float*>(arr(f::kArrWeightScale));
  v.bias_q = reinterpret_cast<const std::int32_t*>(arr(f::kArrBiasQ));
  if (const auto* rq = reinterpret_cast<const std::int32_t*>(arr(f::kArrRequant))) {
    v.multiplier = rq;
    v.shift = rq + o;
    v.bias_eff = rq + 2 * o;
  }
  v.weights_f = reinterpret_cast<const float*>(arr(f::kArrWeightsF));
  v.bias_f = reinterpret_cast<const float*>(arr(f::kArrBiasF));
  return v;
}

std::uint16_t Model::tensor_channels(std::size_t t) const {
  if (t == 0) return input_channels_;
  return le::u16(payload_ + ops_off_ + (t - 1) * f::kOpSize + f::kOpOutCh);
}

QuantParams Model::tensor_quant(std::size_t t) const {
  if (t == 0) return input_quant_;
  const std::uint8_t* r = payload_ + ops_off_ + (t - 1) * f::kOpSize;
  return {le::f32(r + f::kOpOutScale), le::i32(r + f::kOpOutZp)};
}

float Model::input_mean(std::size_t c) const {
  return le::f32(payload_ + norm_off_ + 4 * c);
}
float Model::input_std(std::size_t c) const {
  return le::f32(payload_ + norm_off_ + 4 * (input_channels_ + c));
}

const char* Model::string_at(std::uint32_t table_off, std::size_t index) const {
  std::size_t pos = table_off;
  for (std::size_t i = 0; i < index; ++i) pos += 2u + le::u16(payload_ + pos) + 1u;
  return reinterpret_cast<const char*>(payload_ + pos + 2);
}

const char* Model::class_name(std::size_t i) const {
  return i < num_classes_ ? string_at(classes_off_, i) : nullptr;
}

void Model::metadata_at(std::size_t i, const char** key, const char** value) const {
  *key = i < num_meta_ ? string_at(meta_off_, 2 * i) : nullptr;
  *value = i < num_meta_ ? string_at(meta_off_, 2 * i + 1) : nullptr;
}

const char* Model::metadata(const char* key) const {
  for (std::size_t i = 0; i < num_meta_; ++i) {
    const char* k = string_at(meta_off_, 2 * i);
    if (std::strcmp(k, key) == 0) return string_at(meta_off_, 2 * i + 1);
  }
  return nullptr;
}

}  // namespace css::nn

// Writer -> reader round trip and every kind of corruption the reader must reject.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <limits>

#include "css/nn/model.hpp"
#include "css/nn/model_writer.hpp"
#include "test_util.hpp"

namespace css::nn {
namespace {

namespace f = format;

// A tiny model: 2 input channels, conv(k2,d1) 2->3 relu, pool, dense 3->2, softmax.
std::vector<std::uint8_t> tiny_model(bool include_float = true) {
  ModelWriter w;
  w.set_window(4);
  w.set_normalization({1.0f, -2.0f}, {2.0f, 0.5f});
  w.set_classes({"calm", "snatch"});
  w.set_metadata("dataset_sha256", "abc123");
  w.set_metadata("metrics", "{\"f1\":0.9}");
  w.set_include_float(include_float);
  const TensorId c =
      w.add_conv1d(ModelWriter::input(), 3, 2, 1, true,
                   {0.5f, -0.25f, 1.0f, 0.0f, -1.0f, 0.5f, 0.25f, 0.75f, 0.1f, -0.2f, 0.3f, -0.4f},
                   {0.1f, -0.1f, 0.0f});
  const TensorId p = w.add_global_avg_pool(c);
  const TensorId d =
      w.add_dense(p, 2, false, {1.0f, -1.0f, 0.5f, -0.5f, 0.25f, 2.0f}, {0.0f, 0.1f});
  w.add_softmax(d);
  w.set_quant(0, ModelWriter::quant_from_range(-4.0f, 4.0f));
  w.set_quant(c, ModelWriter::quant_from_range(0.0f, 4.0f));
  w.set_quant(p, ModelWriter::quant_from_range(0.0f, 4.0f));
  w.set_quant(d, ModelWriter::quant_from_range(-8.0f, 8.0f));
  std::string err;
  auto bytes = w.finish(&err);
  EXPECT_FALSE(bytes.empty()) << err;
  return bytes;
}

TEST(Format, RoundTripTinyModel) {
  const auto bytes = tiny_model();
  Model m;
  ParseDetail d;
  ASSERT_EQ(Model::parse(bytes, m, &d), Status::kOk) << d.field << " op " << d.op;
  EXPECT_EQ(m.window(), 4u);
  EXPECT_EQ(m.input_channels(), 2);
  EXPECT_EQ(m.num_classes(), 2);
  EXPECT_EQ(m.num_ops(), 4);
  EXPECT_STREQ(m.class_name(0), "calm");
  EXPECT_STREQ(m.class_name(1), "snatch");
  EXPECT_EQ(m.class_name(2), nullptr);
  EXPECT_STREQ(m.metadata("dataset_sha256"), "abc123");
  EXPECT_STREQ(m.metadata("metrics"), "{\"f1\":0.9}");
  EXPECT_EQ(m.metadata("nope"), nullptr);
  EXPECT_FLOAT_EQ(m.input_mean(1), -2.0f);
  EXPECT_FLOAT_EQ(m.input_std(0), 2.0f);
  EXPECT_EQ(m.receptive_field(), 2u);
  EXPECT_EQ(m.context_length(), 5u);
  EXPECT_TRUE(m.has_float_weights());
  const auto digest = Sha256::hash(std::span(bytes).subspan(f::kHeaderSize));
  EXPECT_TRUE(std::equal(digest.begin(), digest.end(), m.checksum().begin()));
  const OpView conv = m.op(0);
  EXPECT_EQ(conv.type, f::OpType::kConv1d);
  EXPECT_EQ(conv.in_channels, 2);
  EXPECT_EQ(conv.out_channels, 3);
  EXPECT_TRUE(conv.relu);
  EXPECT_FLOAT_EQ(conv.weights_f[2], 1.0f);
  for (int o = 0; o < 3; ++o)
    for (int k = 0; k < 4; ++k)  // int8 weights dequantise to within half a step
      EXPECT_NEAR(conv.weights_q[o * 4 + k] * conv.weight_scale[o], conv.weights_f[o * 4 + k],
                  0.5f * conv.weight_scale[o] + 1e-7f);
  EXPECT_EQ(m.op(3).type, f::OpType::kSoftmax);
}

TEST(Format, FloatWeightsAreOptional) {
  const auto with = tiny_model(true);
  const auto without = tiny_model(false);
  Model m;
  ASSERT_EQ(Model::parse(without, m), Status::kOk);
  EXPECT_FALSE(m.has_float_weights());
  EXPECT_EQ(m.op(0).weights_f, nullptr);
  EXPECT_LT(without.size(), with.size());
}

TEST(Format, DefaultModelParses) {
  Model m;
  ParseDetail d;
  ASSERT_EQ(Model::parse(test::default_model_bytes(), m, &d), Status::kOk) << d.field;
  EXPECT_EQ(m.window(), 128u);
  EXPECT_EQ(m.input_channels(), 11);  // features::kChannelCount; nn does not depend on it
  EXPECT_EQ(m.num_classes(), 8);
  EXPECT_GE(m.receptive_field(), 128u);
  EXPECT_STREQ(m.class_name(7), "snatch");
}

TEST(Format, EveryTruncationIsRejected) {
  const auto bytes = tiny_model();
  for (std::size_t len = 0; len < bytes.size(); ++len) {
    std::vector<std::uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<long>(len));
    Model m;
    EXPECT_NE(Model::parse(cut, m), Status::kOk) << "length " << len;
  }
}

TEST(Format, EveryByteFlipIsRejected) {
  const auto bytes = tiny_model();
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    for (const int mask : {0x01, 0x80, 0xFF}) {
      auto bad = bytes;
      bad[i] = static_cast<std::uint8_t>(bad[i] ^ mask);
      Model m;
      EXPECT_NE(Model::parse(bad, m), Status::kOk) << "byte " << i << " mask " << int(mask);
    }
  }
}

// The validator behind the checksum: for every check the reader and validator make, a file
// with one bad field and a recomputed (correct) checksum must be refused with that check's
// status, field and op. EveryByteFlipIsRejected only proves the checksum catches flips.
struct FieldCase {
  const char* name;
  std::function<void(std::vector<std::uint8_t>&)> edit;
  Status status;
  const char* field;
  int op;  // -1: not an op's field
};

constexpr float kNan = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

std::size_t info(std::size_t field) {
  return f::kHeaderSize + field;
}
// File offset of op i's field / array slot / element k of that array (4-byte elements).
std::function<std::size_t(const std::vector<std::uint8_t>&)> op_field(std::size_t i,
                                                                      std::size_t field) {
  return [=](const std::vector<std::uint8_t>& b) { return test::op_record(b, i) + field; };
}
std::size_t array_elem(const std::vector<std::uint8_t>& b, std::size_t op, std::size_t slot,
                       std::size_t k) {
  const std::size_t slot_at = test::op_record(b, op) + f::kOpArrays + 4 * slot;
  return f::kHeaderSize + test::get_u32(b, slot_at) + 4 * k;
}
std::size_t array_slot(const std::vector<std::uint8_t>& b, std::size_t op, std::size_t slot) {
  return test::op_record(b, op) + f::kOpArrays + 4 * slot;
}

void expect_refused(const std::vector<std::uint8_t>& good, const std::vector<FieldCase>& cases) {
  {
    Model m;
    ParseDetail d;
    ASSERT_EQ(Model::parse(good, m, &d), Status::kOk) << d.field;
  }
  for (const FieldCase& c : cases) {
    auto bad = good;
    c.edit(bad);
    ASSERT_NE(bad, good) << c.name << ": the edit changed nothing";
    test::reseal(bad);
    Model m;
    ParseDetail d;
    EXPECT_EQ(Model::parse(bad, m, &d), c.status)
        << c.name << " (got field '" << (d.field != nullptr ? d.field : "") << "')";
    EXPECT_STREQ(d.field, c.field) << c.name;
    EXPECT_EQ(d.op, c.op) << c.name;
  }
}

TEST(Format, ResealedFileWithABadHeaderOrInfoFieldIsRefusedWithItsReason) {
  using B = std::vector<std::uint8_t>;
  const auto u16 = [](std::size_t at, std::uint16_t v) {
    return [=](B& b) { test::put_u16(b, at, v); };
  };
  const auto u32 = [](std::size_t at, std::uint32_t v) {
    return [=](B& b) { test::put_u32(b, at, v); };
  };
  const auto f32 = [](std::size_t at, float v) { return [=](B& b) { test::put_f32(b, at, v); }; };
  const auto norm = [](std::size_t k, float v) {
    return
        [=](B& b) { test::put_f32(b, info(test::get_u32(b, info(f::kInfoNormOff))) + 4 * k, v); };
  };
  // Class names: u16 length 4, "calm", NUL.
  const auto class_byte = [](std::size_t k, std::uint8_t v) {
    return [=](B& b) { b[info(test::get_u32(b, info(f::kInfoClassesOff))) + k] = v; };
  };
  const std::vector<FieldCase> cases = {
      {"header size", u16(f::kHdrHeaderSize, 32), Status::kBadVersion, "header_size", -1},
      {"header flags", u32(f::kHdrFlags, 1), Status::kBadVersion, "header flags", -1},
      {"header reserved", [](B& b) { b[f::kHeaderSize - 1] = 1; }, Status::kBadVersion,
       "header reserved bytes", -1},
      {"file size below header + info", u32(f::kHdrFileSize, f::kHeaderSize + 8),
       Status::kBadOffset, "file_size", -1},
      {"payload size",
       [](B& b) { test::put_u32(b, f::kHdrPayloadSize, test::get_u32(b, f::kHdrPayloadSize) - 4); },
       Status::kBadOffset, "payload_size", -1},
      {"info flags", u32(info(f::kInfoFlags), 3), Status::kBadParam, "info flags", -1},
      {"window too large", u32(info(f::kInfoWindow), f::kMaxWindow + 1), Status::kTooLarge,
       "window", -1},
      {"input channels 0", u16(info(f::kInfoInputCh), 0), Status::kBadShape, "input_channels 0",
       -1},
      {"input channels too many", u16(info(f::kInfoInputCh), f::kMaxChannels + 1),
       Status::kTooLarge, "input_channels", -1},
      {"classes 0", u16(info(f::kInfoClasses), 0), Status::kBadShape, "num_classes 0", -1},
      {"classes too many", u16(info(f::kInfoClasses), f::kMaxClasses + 1), Status::kTooLarge,
       "num_classes", -1},
      {"no ops", u16(info(f::kInfoNumOps), 0), Status::kBadOp, "no ops", -1},
      {"input scale 0", f32(info(f::kInfoInputScale), 0.0f), Status::kBadParam, "input scale", -1},
      {"input scale NaN", f32(info(f::kInfoInputScale), kNan), Status::kBadParam, "input scale",
       -1},
      {"input zero point", u32(info(f::kInfoInputZp), 128), Status::kBadParam, "input zero_point",
       -1},
      {"ops offset none", u32(info(f::kInfoOpsOff), f::kNone), Status::kBadOffset, "ops", -1},
      {"ops offset misaligned",
       [](B& b) {
         test::put_u32(b, info(f::kInfoOpsOff), test::get_u32(b, info(f::kInfoOpsOff)) + 2);
       },
       Status::kBadOffset, "ops", -1},
      {"normalisation offset", u32(info(f::kInfoNormOff), f::kNone), Status::kBadOffset,
       "normalisation", -1},
      {"input mean NaN", norm(0, kNan), Status::kBadParam, "input mean", -1},
      {"input std 0", norm(2, 0.0f), Status::kBadParam, "input std", -1},
      {"input std negative", norm(3, -0.5f), Status::kBadParam, "input std", -1},
      {"class names offset", u32(info(f::kInfoClassesOff), f::kNone), Status::kBadOffset,
       "class names", -1},
      {"class name unterminated", class_byte(2 + 4, 'x'), Status::kBadOffset, "class names", -1},
      {"class name with a NUL inside", class_byte(2 + 1, 0), Status::kBadOffset, "class names", -1},
      {"class name too long", class_byte(1, 0xFF), Status::kBadOffset, "class names", -1},
      {"metadata offset", u32(info(f::kInfoMetaOff), f::kNone), Status::kBadOffset, "metadata", -1},
      {"ops run past the last", u16(info(f::kInfoNumOps), 3), Status::kBadOp,
       "last op is not softmax", -1},
      {"only a conv", u16(info(f::kInfoNumOps), 1), Status::kBadOp, "no global_avg_pool", -1},
  };
  expect_refused(tiny_model(), cases);
}

TEST(Format, ResealedFileWithABadOpFieldIsRefusedWithItsReason) {
  // tiny_model: op 0 conv(k2, d1) 2->3 relu, op 1 pool, op 2 dense 3->2, op 3 softmax;
  // tensor t is op t-1's output.
  using B = std::vector<std::uint8_t>;
  const auto u8 = [](std::size_t op, std::size_t field, std::uint8_t v) {
    return [=](B& b) { b[test::op_record(b, op) + field] = v; };
  };
  const auto u16 = [](std::size_t op, std::size_t field, std::uint16_t v) {
    return [=](B& b) { test::put_u16(b, op_field(op, field)(b), v); };
  };
  const auto i32 = [](std::size_t op, std::size_t field, std::int32_t v) {
    return [=](B& b) { test::put_i32(b, op_field(op, field)(b), v); };
  };
  const auto f32 = [](std::size_t op, std::size_t field, float v) {
    return [=](B& b) { test::put_f32(b, op_field(op, field)(b), v); };
  };
  const auto slot = [](std::size_t op, std::size_t s, std::uint32_t v) {
    return [=](B& b) { test::put_u32(b, array_slot(b, op, s), v); };
  };
  const auto misalign = [](std::size_t op, std::size_t s) {
    return [=](B& b) {
      test::put_u32(b, array_slot(b, op, s), test::get_u32(b, array_slot(b, op, s)) + 1);
    };
  };
  const auto elem_i32 = [](std::size_t op, std::size_t s, std::size_t k, std::int32_t v) {
    return [=](B& b) { test::put_i32(b, array_elem(b, op, s, k), v); };
  };
  const auto elem_f32 = [](std::size_t op, std::size_t s, std::size_t k, float v) {
    return [=](B& b) { test::put_f32(b, array_elem(b, op, s, k), v); };
  };
  constexpr int kOut = 3;  // conv out channels: requant = multiplier[3], shift[3], bias_eff[3]
  const std::vector<FieldCase> cases = {
      {"op flags", u8(0, f::kOpFlags, 2), Status::kBadParam, "flags", 0},
      {"input from the future", u16(1, f::kOpIn0, 2), Status::kBadOp,
       "input tensor not yet computed", 1},
      {"out channels 0", u16(0, f::kOpOutCh, 0), Status::kBadShape, "out_channels 0", 0},
      {"out channels too many", u16(0, f::kOpOutCh, f::kMaxChannels + 1), Status::kTooLarge,
       "out_channels", 0},
      {"out scale 0", f32(0, f::kOpOutScale, 0.0f), Status::kBadParam, "out scale", 0},
      {"out scale inf", f32(2, f::kOpOutScale, kInf), Status::kBadParam, "out scale", 2},
      {"out zero point", i32(0, f::kOpOutZp, -129), Status::kBadParam, "out zero_point", 0},
      {"conv kernel 0", u16(0, f::kOpKernel, 0), Status::kBadParam, "conv1d kernel 0", 0},
      {"conv kernel too large", u16(0, f::kOpKernel, f::kMaxKernel + 1), Status::kTooLarge,
       "conv1d kernel", 0},
      {"conv dilation too large", u16(0, f::kOpDilation, f::kMaxDilation + 1), Status::kTooLarge,
       "conv1d dilation", 0},
      {"weights_q missing", slot(0, f::kArrWeightsQ, f::kNone), Status::kBadOffset, "weights_q", 0},
      {"weight_scale misaligned", misalign(0, f::kArrWeightScale), Status::kBadOffset,
       "weight_scale", 0},
      {"bias_q missing", slot(0, f::kArrBiasQ, f::kNone), Status::kBadOffset, "bias_q", 0},
      {"requant past the end", slot(2, f::kArrRequant, 0x7FFFFFF0u), Status::kBadOffset, "requant",
       2},
      {"weight scale 0", elem_f32(0, f::kArrWeightScale, 1, 0.0f), Status::kBadParam,
       "weight_scale", 0},
      {"multiplier negative", elem_i32(0, f::kArrRequant, 0, -1), Status::kBadParam, "multiplier",
       0},
      {"shift too large", elem_i32(0, f::kArrRequant, kOut + 1, 31), Status::kBadParam, "shift", 0},
      {"shift too small", elem_i32(0, f::kArrRequant, kOut + 2, -32), Status::kBadParam, "shift",
       0},
      {"bias_eff out of range", elem_i32(0, f::kArrRequant, 2 * kOut, (1 << 30) + 1),
       Status::kBadParam, "bias_eff out of range", 0},
      {"weights_f missing", slot(0, f::kArrWeightsF, f::kNone), Status::kBadOffset, "weights_f", 0},
      {"bias_f missing", slot(2, f::kArrBiasF, f::kNone), Status::kBadOffset, "bias_f", 2},
      {"weights_f NaN", elem_f32(0, f::kArrWeightsF, 5, kNan), Status::kBadParam,
       "weights_f not finite", 0},
      {"bias_f inf", elem_f32(2, f::kArrBiasF, 1, -kInf), Status::kBadParam, "bias_f not finite",
       2},
      {"conv after pooling", u8(2, f::kOpType, 1), Status::kBadOp, "conv1d after pooling", 2},
      {"add after pooling", u8(2, f::kOpType, 2), Status::kBadOp, "add after pooling", 2},
      {"second pool", u8(2, f::kOpType, 3), Status::kBadOp, "second global_avg_pool", 2},
      {"dense before pooling", u8(0, f::kOpType, 4), Status::kBadOp, "dense before pooling", 0},
      {"softmax not last", u8(2, f::kOpType, 5), Status::kBadOp, "softmax not last", 2},
      {"unknown op type", u8(3, f::kOpType, 99), Status::kBadOp, "unknown op type", 3},
      {"pool with relu", u8(1, f::kOpFlags, 1), Status::kBadParam, "global_avg_pool relu", 1},
      {"pool channels", u16(1, f::kOpOutCh, 2), Status::kBadShape, "global_avg_pool channels", 1},
      {"pool multiplier", i32(1, f::kOpQ, -1), Status::kBadParam, "global_avg_pool multiplier", 1},
      {"pool shift", i32(1, f::kOpQ + 4, 31), Status::kBadParam, "global_avg_pool multiplier", 1},
      {"dense kernel", u16(2, f::kOpKernel, 2), Status::kBadParam, "dense kernel", 2},
      {"dense reads a sequence", u16(2, f::kOpIn0, 1), Status::kBadOp, "dense input is a sequence",
       2},
      {"softmax with relu", u8(3, f::kOpFlags, 1), Status::kBadParam, "softmax relu", 3},
      {"softmax reads a sequence", u16(3, f::kOpIn0, 1), Status::kBadOp, "softmax input", 3},
  };
  expect_refused(tiny_model(), cases);
}

TEST(Format, ResealedFileWithABadAddFieldIsRefusedWithItsReason) {
  const auto& good = test::default_model_bytes();
  Model m;
  ASSERT_EQ(Model::parse(good, m), Status::kOk);
  std::size_t add = m.num_ops();
  for (std::size_t i = 0; i < m.num_ops() && add == m.num_ops(); ++i)
    if (m.op(i).type == f::OpType::kAdd) add = i;
  ASSERT_LT(add, m.num_ops()) << "the default model has residual adds";
  const int op = static_cast<int>(add);
  using B = std::vector<std::uint8_t>;
  const auto at = [add](std::size_t field) { return op_field(add, field); };
  const std::vector<FieldCase> cases = {
      {"second input from the future",
       [&](B& b) { test::put_u16(b, at(f::kOpIn1)(b), static_cast<std::uint16_t>(add + 1)); },
       Status::kBadOp, "add input 1 not yet computed", op},
      {"channels differ",
       [&](B& b) {
         test::put_u16(b, at(f::kOpOutCh)(b),
                       static_cast<std::uint16_t>(m.op(add).out_channels + 1));
       },
       Status::kBadShape, "add channels differ", op},
      {"multiplier negative", [&](B& b) { test::put_i32(b, at(f::kOpQ + 8)(b), -1); },
       Status::kBadParam, "add multiplier", op},
      {"shift too large", [&](B& b) { test::put_i32(b, at(f::kOpQ + 20)(b), 31); },
       Status::kBadParam, "add shift", op},
  };
  expect_refused(good, cases);
}

TEST(Format, HeaderErrorsNameTheProblem) {
  const auto good = tiny_model();
  Model m;
  ParseDetail d;
  auto bad = good;
  bad[0] = 'X';
  EXPECT_EQ(Model::parse(bad, m, &d), Status::kBadMagic);
  bad = good;
  test::put_u16(bad, f::kHdrVersion, 2);
  EXPECT_EQ(Model::parse(bad, m, &d), Status::kBadVersion);
  EXPECT_STREQ(d.field, "version");
  bad = good;
  bad[f::kHeaderSize + 5] ^= 0x10;  // payload byte, checksum untouched
  EXPECT_EQ(Model::parse(bad, m, &d), Status::kBadChecksum);
  bad = good;
  bad[f::kHdrSha256] ^= 1;
  EXPECT_EQ(Model::parse(bad, m, &d), Status::kBadChecksum);
  bad = good;
  test::put_u32(bad, f::kHdrFileSize, 0xFFFFFFF0u);
  EXPECT_EQ(Model::parse(bad, m, &d), Status::kTooLarge);
  bad = good;
  test::put_u32(bad, f::kHdrFileSize, static_cast<std::uint32_t>(good.size() + 4));
  EXPECT_EQ(Model::parse(bad, m, &d), Status::kTruncated);
}

// Edits with a valid checksum: the structural validation itself must catch them.
TEST(Format, SemanticErrorsNameOpAndField) {
  const auto good = tiny_model();
  Model m;
  ParseDetail d;
  auto bad = good;
  test::put_u16(bad, test::op_record(bad, 0) + f::kOpDilation, 0);
  test::reseal(bad);
  EXPECT_EQ(Model::parse(bad, m, &d), Status::kBadParam);
  EXPECT_EQ(d.op, 0);
  EXPECT_STREQ(d.field, "conv1d dilation 0");

  bad = good;
  bad[test::op_record(bad, 1) + f::kOpType] = 99;
  test::reseal(bad);
  EXPECT_EQ(Model::parse(bad, m, &d), Status::kBadOp);
  EXPECT_EQ(d.op, 1);

  bad = good;
  test::put_u32(bad, test::op_record(bad, 0) + f::kOpArrays, 0x7FFFFFF0u);
  test::reseal(bad);
  EXPECT_EQ(Model::parse(bad, m, &d), Status::kBadOffset);
  EXPECT_STREQ(d.field, "weights_q");

  bad = good;
  test::put_u16(bad, test::op_record(bad, 3) + f::kOpOutCh, 5);  // softmax 5 != 2 classes
  test::reseal(bad);
  EXPECT_EQ(Model::parse(bad, m, &d), Status::kBadShape);
  EXPECT_EQ(d.op, 3);

  bad = good;
  test::put_u32(bad, f::kHeaderSize + f::kInfoWindow, 0);
  test::reseal(bad);
  EXPECT_EQ(Model::parse(bad, m, &d), Status::kBadShape);

  bad = good;
  test::put_u16(bad, f::kHeaderSize + f::kInfoNumOps, 60000);
  test::reseal(bad);
  EXPECT_EQ(Model::parse(bad, m, &d), Status::kTooLarge);

  bad = good;
  test::put_u16(bad, test::op_record(bad, 0) + f::kOpIn0, 3);  // reads a future tensor
  test::reseal(bad);
  EXPECT_EQ(Model::parse(bad, m, &d), Status::kBadOp);
}

TEST(Format, RejectsMisalignedBuffer) {
  const auto good = tiny_model();
  std::vector<std::uint8_t> shifted(good.size() + 1);
  std::memcpy(shifted.data() + 1, good.data(), good.size());
  Model m;
  EXPECT_EQ(Model::parse(std::span(shifted).subspan(1), m), Status::kBadOffset);
}

TEST(Format, StatusNamesAreDistinct) {
  EXPECT_STREQ(status_name(Status::kOk), "ok");
  EXPECT_STREQ(status_name(Status::kBadChecksum), "bad_checksum");
  EXPECT_STRNE(status_name(Status::kBadInput), status_name(Status::kBadShape));
}

}  // namespace
}  // namespace css::nn

// Writer -> reader round trip and every kind of corruption the reader must reject.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

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

// Kernels: fixed-point rounding, float kernels on hand-computed cases, optimised == reference.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "css/nn/fixed_point.hpp"
#include "css/nn/kernels.hpp"
#include "test_util.hpp"

namespace css::nn {
namespace {

TEST(FixedPoint, RoundingDivideByPotRoundsHalfAwayFromZero) {
  EXPECT_EQ(rounding_divide_by_pot(5, 1), 3);    // 2.5
  EXPECT_EQ(rounding_divide_by_pot(-5, 1), -3);  // -2.5
  EXPECT_EQ(rounding_divide_by_pot(3, 1), 2);    // 1.5
  EXPECT_EQ(rounding_divide_by_pot(-3, 1), -2);
  EXPECT_EQ(rounding_divide_by_pot(9, 2), 2);  // 2.25
  EXPECT_EQ(rounding_divide_by_pot(-9, 2), -2);
  EXPECT_EQ(rounding_divide_by_pot(7, 0), 7);
}

TEST(FixedPoint, HighMulMatchesDefinition) {
  EXPECT_EQ(saturating_rounding_doubling_high_mul(1 << 30, 1 << 30), 1 << 29);
  EXPECT_EQ(saturating_rounding_doubling_high_mul(INT32_MIN, INT32_MIN), INT32_MAX);
  std::mt19937 rng(1);
  std::uniform_int_distribution<std::int32_t> any(INT32_MIN + 1, INT32_MAX);
  for (int i = 0; i < 10000; ++i) {
    const std::int32_t a = any(rng), b = any(rng);
    const double exact = static_cast<double>(a) * b / 2147483648.0;
    EXPECT_LE(std::fabs(saturating_rounding_doubling_high_mul(a, b) - exact), 0.5 + 1e-9);
  }
}

TEST(FixedPoint, QuantizedMultiplierIsWithinOneOfExact) {
  std::mt19937 rng(2);
  std::uniform_int_distribution<std::int32_t> acc(-(1 << 24), 1 << 24);
  std::uniform_int_distribution<std::int32_t> mult(1 << 30, INT32_MAX);
  std::uniform_int_distribution<int> shift(-20, 4);
  for (int i = 0; i < 10000; ++i) {
    const std::int32_t x = acc(rng), m = mult(rng);
    const int s = shift(rng);
    const double exact = x * (m / 2147483648.0) * std::ldexp(1.0, s);
    if (std::fabs(exact) > 2e9) continue;
    EXPECT_LE(std::fabs(multiply_by_quantized_multiplier(x, m, s) - exact), 1.0);
  }
  EXPECT_EQ(multiply_by_quantized_multiplier(INT32_MAX, INT32_MAX, 30),
            INT32_MAX - 1);  // saturates
}

TEST(FixedPoint, FastFormMatchesGemmlowpComposition) {
  std::mt19937 rng(5);
  std::uniform_int_distribution<std::int32_t> any(INT32_MIN, INT32_MAX);
  std::uniform_int_distribution<std::int32_t> mult(0, INT32_MAX);
  std::uniform_int_distribution<int> shift(-31, 30);
  const std::int32_t edges[] = {0, 1, -1, 2, -2, 3, -3, INT32_MAX, INT32_MIN, 1 << 30, -(1 << 30)};
  for (int i = 0; i < 200000; ++i) {
    const std::int32_t x = i < 121 ? edges[i % 11] : any(rng);
    const std::int32_t m = i < 121 ? std::max(0, edges[i / 11]) : mult(rng);
    const int s = shift(rng);
    ASSERT_EQ(multiply_by_quantized_multiplier(x, m, s),
              multiply_by_quantized_multiplier_reference(x, m, s))
        << x << " " << m << " " << s;
  }
  // Ties: both round half toward +infinity in the high-mul, away from zero in the shift.
  EXPECT_EQ(multiply_by_quantized_multiplier(3, 1 << 30, -1), 1);    // 0.75 -> 1
  EXPECT_EQ(multiply_by_quantized_multiplier(-3, 1 << 30, -1), -1);  // -0.75 -> -1
}

TEST(FloatKernels, CausalDilatedConvHandComputed) {
  const float x[] = {1, 2, 3, 4};
  const float w[] = {0.5f, 2.0f};  // tap 0 reads t - d, tap 1 reads t
  const float b[] = {1.0f};
  kernels::ConvF p{1, 1, 2, w, b, false};
  float y[4];
  kernels::conv_window_f(p, 1, x, 4, y);
  EXPECT_FLOAT_EQ(y[0], 3.0f);
  EXPECT_FLOAT_EQ(y[1], 5.5f);
  EXPECT_FLOAT_EQ(y[2], 8.0f);
  EXPECT_FLOAT_EQ(y[3], 10.5f);
  kernels::conv_window_f(p, 2, x, 4, y);
  EXPECT_FLOAT_EQ(y[0], 3.0f);
  EXPECT_FLOAT_EQ(y[1], 5.0f);
  EXPECT_FLOAT_EQ(y[2], 7.5f);
  EXPECT_FLOAT_EQ(y[3], 10.0f);
  const float wn[] = {-1.0f, -1.0f};
  kernels::ConvF pr{1, 1, 2, wn, b, true};
  kernels::conv_window_f(pr, 1, x, 4, y);
  EXPECT_FLOAT_EQ(y[0], 0.0f);  // relu(1 - 1)
  EXPECT_FLOAT_EQ(y[1], 0.0f);  // relu(1 - 3)
}

TEST(FloatKernels, TwoChannelConvAddPoolSoftmax) {
  // in 2 channels, out 1, k 1: y = 1*x0 - 2*x1 + 0.5
  const float x[] = {1, 1, 2, 0, 3, 1};
  const float w[] = {1.0f, -2.0f};
  const float b[] = {0.5f};
  float y[3];
  kernels::conv_window_f({2, 1, 1, w, b, false}, 1, x, 3, y);
  EXPECT_FLOAT_EQ(y[0], -0.5f);
  EXPECT_FLOAT_EQ(y[1], 2.5f);
  EXPECT_FLOAT_EQ(y[2], 1.5f);
  float s[3];
  kernels::add_f(y, y, 3, true, s);
  EXPECT_FLOAT_EQ(s[0], 0.0f);
  EXPECT_FLOAT_EQ(s[1], 5.0f);
  float pooled[2];
  kernels::pool_f(x, 3, 2, 2, pooled);  // last two rows
  EXPECT_FLOAT_EQ(pooled[0], 2.5f);
  EXPECT_FLOAT_EQ(pooled[1], 0.5f);
  const float logits[] = {0.0f, std::log(3.0f)};
  float probs[2];
  kernels::softmax_f(logits, 2, probs);
  EXPECT_NEAR(probs[0], 0.25f, 1e-6f);
  EXPECT_NEAR(probs[1], 0.75f, 1e-6f);
}

using test::RandomConv;

RandomConv random_conv(std::mt19937& rng, int in_ch, int out_ch, int kernel) {
  RandomConv r;
  std::uniform_int_distribution<int> i8(-127, 127);
  std::uniform_int_distribution<std::int32_t> bias(-(1 << 18), 1 << 18);
  std::uniform_int_distribution<std::int32_t> mult(1 << 30, INT32_MAX);
  std::uniform_int_distribution<int> shift(-14, 1);
  r.w.resize(std::size_t(in_ch) * out_ch * kernel);
  for (auto& v : r.w) v = static_cast<std::int8_t>(i8(rng));
  for (int o = 0; o < out_ch; ++o) {
    r.bias.push_back(bias(rng));
    r.mult.push_back(mult(rng));
    r.shift.push_back(shift(rng));
  }
  r.bind(in_ch, out_ch, kernel);
  r.p.out_zp = i8(rng);
  r.p.act_min = (rng() % 2) != 0 ? r.p.out_zp : -128;
  return r;
}

TEST(Int8Kernels, OptimisedConvIsBitExactOverRandomShapes) {
  std::mt19937 rng(3);
  std::uniform_int_distribution<int> ch(1, 40), k(1, 7), dil(1, 64), len(1, 200), i8(-128, 127);
  for (int iter = 0; iter < 250; ++iter) {
    const int in_ch = ch(rng), out_ch = ch(rng), kernel = k(rng), d = dil(rng), steps = len(rng);
    const RandomConv rc = random_conv(rng, in_ch, out_ch, kernel);
    std::vector<std::int8_t> x(std::size_t(steps) * in_ch);
    for (auto& v : x) v = static_cast<std::int8_t>(i8(rng));
    const std::vector<std::int8_t> zp_row(in_ch, static_cast<std::int8_t>(i8(rng)));
    std::vector<std::int8_t> ref(std::size_t(steps) * out_ch), opt(ref.size(), 0);
    std::vector<std::int16_t> scratch_words(std::size_t(kernel) * in_ch);
    auto* scratch = reinterpret_cast<std::int8_t*>(scratch_words.data());
    kernels::conv_window_ref(rc.p, d, x.data(), steps, zp_row.data(), ref.data());
    kernels::conv_window_opt(rc.p, d, x.data(), steps, zp_row.data(), opt.data(), scratch);
    ASSERT_EQ(ref, opt) << "in " << in_ch << " out " << out_ch << " k " << kernel << " d " << d
                        << " steps " << steps;
    // The per-step kernels (streaming, dense) on the last step's taps.
    const std::int8_t* taps[16];
    for (int j = 0; j < kernel; ++j) {
      const int src = steps - 1 - (kernel - 1 - j) * d;
      taps[j] = src >= 0 ? x.data() + std::size_t(src) * in_ch : zp_row.data();
    }
    std::vector<std::int8_t> s_ref(out_ch), s_opt(out_ch);
    kernels::conv_step_ref(rc.p, taps, s_ref.data());
    kernels::conv_step_opt(rc.p, taps, s_opt.data(), scratch);
    ASSERT_EQ(s_ref, s_opt);
    ASSERT_TRUE(std::equal(s_ref.begin(), s_ref.end(), ref.end() - out_ch));
  }
}

TEST(Int8Kernels, OutputsAreNotTriviallyConstant) {
  // Guards the bit-exactness test against a degenerate setup (e.g. everything saturating).
  std::mt19937 rng(4);
  const RandomConv rc = random_conv(rng, 16, 16, 3);
  std::vector<std::int8_t> x(16 * 50);
  std::uniform_int_distribution<int> i8(-128, 127);
  for (auto& v : x) v = static_cast<std::int8_t>(i8(rng));
  const std::vector<std::int8_t> zp_row(16, 0);
  std::vector<std::int8_t> y(16 * 50);
  kernels::conv_window_ref(rc.p, 2, x.data(), 50, zp_row.data(), y.data());
  int distinct = 0;
  for (int v = -128; v < 128; ++v) distinct += std::count(y.begin(), y.end(), v) > 0 ? 1 : 0;
  EXPECT_GT(distinct, 20);
}

TEST(Int8Kernels, AddMatchesRealArithmetic) {
  // a: scale 0.1 zp 10, b: scale 0.05 zp -3, out: scale 0.2 zp 5; multipliers as the writer
  // computes them (TFLite add scheme).
  kernels::AddQ p;
  p.a_zp = 10;
  p.b_zp = -3;
  p.out_zp = 5;
  // twice_max = 0.2: a real 0.5, b real 0.25, out real 0.2 / (2^20 * 0.2) = 2^-20.
  p.a_mult = 1 << 30;
  p.a_shift = 0;  // 0.5
  p.b_mult = 1 << 30;
  p.b_shift = -1;  // 0.25
  p.out_mult = 1 << 30;
  p.out_shift = -19;  // 2^-20
  const std::int8_t a[] = {10, 30, -100, 127};
  const std::int8_t b[] = {-3, 17, 50, 127};
  std::int8_t out[4];
  kernels::add_ref(p, a, b, 4, out);
  for (int i = 0; i < 4; ++i) {
    const double real = 0.1 * (a[i] - 10) + 0.05 * (b[i] + 3);
    const double q = std::clamp(std::round(real / 0.2) + 5, -128.0, 127.0);
    EXPECT_NEAR(out[i], q, 1.0) << i;
  }
  EXPECT_EQ(out[0], 5);  // 0 + 0 -> zero point exactly
}

}  // namespace
}  // namespace css::nn

// The float epilogue's proofs (src/nn/kernels/x86/float_epilogue.hpp): whatever constants
// conv_affine and prepare_add accept reproduce the integer requantisation on every input, checked
// here exhaustively and independently of their level-crossing argument; and they refuse what no
// single fma can express.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "css/nn/fixed_point.hpp"
#include "css/nn/kernels.hpp"
#include "kernels/x86/float_epilogue.hpp"

namespace css::nn {
namespace {

namespace fepi = detail::fepi;

std::int32_t requant_u8(std::int32_t acc, std::int32_t m, std::int32_t s, std::int32_t zp,
                        std::int32_t lo, std::int32_t hi) {
  const std::int32_t v = multiply_by_quantized_multiplier(acc, m, s) + zp;
  return (v < lo ? lo : v > hi ? hi : v) + 128;
}

TEST(FloatEpilogue, ConvConstantsEqualTheRequantisationOnEveryAccumulator) {
  std::mt19937 rng(41);
  int accepted = 0, two_piece = 0;
  for (int trial = 0; trial < 60; ++trial) {
    const std::int8_t w = 1;
    const std::int32_t bias = 0;
    const std::int32_t mult = (1 << 30) + static_cast<std::int32_t>(rng() % (1u << 30));
    const std::int32_t shift = -static_cast<std::int32_t>(4 + rng() % 6);
    kernels::ConvQ p;
    p.in_ch = p.out_ch = p.kernel = 1;
    p.weights = &w;
    p.bias_eff = &bias;
    p.multiplier = &mult;
    p.shift = &shift;
    p.out_zp = trial % 3 == 0 ? static_cast<int>(rng() % 256) - 128 : -128;  // relu or not
    p.act_min = trial % 5 == 0 ? p.out_zp : -128;
    const std::int64_t bound = 1 << 16;
    fepi::Affine a;
    if (!fepi::conv_affine(p, 0, bound, a)) continue;
    ++accepted;
    two_piece += a.b_neg != a.b ? 1 : 0;
    for (std::int64_t acc = -bound; acc <= bound; ++acc) {
      const float f = std::floor(std::fma(static_cast<float>(acc), a.s, acc < 0 ? a.b_neg : a.b));
      const float lo = float(p.act_min + 128), hi = float(p.act_max + 128);
      const auto got = static_cast<std::int32_t>(f < lo ? lo : f > hi ? hi : f);
      const std::int32_t want =
          requant_u8(static_cast<std::int32_t>(acc), mult, shift, p.out_zp, p.act_min, p.act_max);
      ASSERT_EQ(got, want) << "trial " << trial << " acc " << acc;
    }
  }
  EXPECT_GT(accepted, 50);   // TFLite-like scales: (nearly) every channel has a float form,
  EXPECT_GT(two_piece, 10);  // signed ones (no relu) with an offset of their own below zero
}

TEST(FloatEpilogue, RefusesAStepFunctionNoFmaCanFollow) {
  // One level is twice as wide as the others: no affine map floors to it.
  const auto g = [](std::int64_t a) {
    const std::int64_t v = a < 100 ? a / 10 : a < 300 ? 10 : 10 + (a - 290) / 10;
    return static_cast<std::int32_t>(v < 0 ? 0 : v > 40 ? 40 : v);
  };
  fepi::Affine a;
  EXPECT_FALSE(fepi::find_affine(g, 0, 600, 0, 40, 0.1, 0.0, a));
  // The same steps without the wide one are found.
  const auto even = [](std::int64_t v) {
    return static_cast<std::int32_t>(v / 10 > 40 ? 40 : v / 10);
  };
  EXPECT_TRUE(fepi::find_affine(even, 0, 600, 0, 40, 0.1, 0.0, a));
}

TEST(FloatEpilogue, AddConstantsEqualAddRefOnEveryInputPair) {
  std::mt19937 rng(43);
  int accepted = 0;
  for (int trial = 0; trial < 24; ++trial) {
    kernels::AddQ q;
    q.a_zp = static_cast<int>(rng() % 256) - 128;
    q.b_zp = trial % 2 == 0 ? -128 : static_cast<int>(rng() % 256) - 128;
    q.a_mult = trial % 3 == 0 ? 1 << 30 : (1 << 30) + static_cast<std::int32_t>(rng() % (1u << 30));
    q.b_mult = (1 << 30) + static_cast<std::int32_t>(rng() % (1u << 30));
    q.a_shift = -static_cast<std::int32_t>(rng() % 3);
    q.b_shift = -static_cast<std::int32_t>(rng() % 3);
    q.out_mult = (1 << 30) + static_cast<std::int32_t>(rng() % (1u << 30));
    q.out_shift = -17 - static_cast<std::int32_t>(rng() % 4);
    q.out_zp = static_cast<int>(rng() % 256) - 128;
    fepi::AddPrep prep;
    if (!fepi::prepare_add(q, trial % 2 == 0, prep)) continue;
    ++accepted;
    EXPECT_TRUE(fepi::prep_matches(prep, q, trial % 2 == 0));
    EXPECT_FALSE(fepi::prep_matches(prep, q, trial % 2 != 0));
    for (int x = 0; x < 256; ++x)
      for (int y = 0; y < 256; ++y) {
        const auto qa = static_cast<std::int8_t>(x - 128), qb = static_cast<std::int8_t>(y - 128);
        std::int8_t want;
        kernels::add_ref(q, &qa, &qb, 1, &want);
        const float f = std::fma(float(x), prep.alpha, std::fma(float(y), prep.beta, prep.gamma));
        std::int32_t got = static_cast<std::int32_t>(f);
        got = got < 0 ? 0 : got > 255 ? 255 : got;
        ASSERT_EQ(got, want + 128) << "trial " << trial << " x " << x << " y " << y;
      }
  }
  EXPECT_GT(accepted, 12);
  // A clamped output (act_min above the zero point) is left to the integer epilogue.
  kernels::AddQ relu;
  relu.a_mult = relu.b_mult = relu.out_mult = 1 << 30;
  relu.out_shift = -18;
  relu.act_min = 0;
  fepi::AddPrep prep;
  EXPECT_FALSE(fepi::prepare_add(relu, true, prep));
  EXPECT_FALSE(fepi::prep_matches(prep, relu, true));
}

}  // namespace
}  // namespace css::nn

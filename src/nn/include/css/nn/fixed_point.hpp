// Fixed-point requantisation used by every int8 kernel.
//
// Rounding rule (the TFLite / gemmlowp convention, our own code):
//  - saturating_rounding_doubling_high_mul(a, b) = a * b / 2^31 rounded to nearest, ties
//    toward +infinity (gemmlowp's nudge-then-truncate gives exactly that), saturated to
//    INT32_MAX for the single overflow case a == b == INT32_MIN
//    (gemmlowp fixedpoint.h "SaturatingRoundingDoublingHighMul").
//  - rounding_divide_by_pot(x, e) = x / 2^e rounded to nearest, ties away from zero
//    (gemmlowp "RoundingDivideByPOT").
//  - multiply_by_quantized_multiplier(x, m, s): real multiplier M = m * 2^(s-31) with
//    m in [2^30, 2^31); left shift (s > 0) first, then the high-mul, then the rounding right
//    shift (TFLite kernels/internal/common.h "MultiplyByQuantizedMultiplier").
// Unlike the originals, the left shift saturates instead of overflowing, so a hostile model
// cannot trigger undefined behaviour. multiply_by_quantized_multiplier evaluates the same two
// roundings with one 64-bit product and shifts (floor((p + 2^30) / 2^31) == the high-mul for
// multiplier >= 0); tests/unit/nn/kernels_test.cpp checks it against the composition.
#pragma once

#include <cstdint>
#include <limits>

namespace css::nn {

inline std::int32_t saturating_rounding_doubling_high_mul(std::int32_t a, std::int32_t b) {
  constexpr std::int32_t kMin = std::numeric_limits<std::int32_t>::min();
  if (a == kMin && b == kMin) return std::numeric_limits<std::int32_t>::max();
  const std::int64_t ab = static_cast<std::int64_t>(a) * b;
  const std::int64_t nudge = ab >= 0 ? (std::int64_t{1} << 30) : (1 - (std::int64_t{1} << 30));
  return static_cast<std::int32_t>((ab + nudge) / (std::int64_t{1} << 31));
}

inline std::int32_t rounding_divide_by_pot(std::int32_t x, int exponent) {
  const std::int32_t mask = static_cast<std::int32_t>((std::int64_t{1} << exponent) - 1);
  const std::int32_t remainder = x & mask;
  const std::int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

// The gemmlowp/TFLite composition, kept as the readable definition (tests compare against it).
inline std::int32_t multiply_by_quantized_multiplier_reference(std::int32_t x,
                                                               std::int32_t multiplier, int shift) {
  const int left = shift > 0 ? shift : 0;
  const int right = shift > 0 ? 0 : -shift;
  std::int64_t shifted = static_cast<std::int64_t>(x) * (std::int64_t{1} << left);
  if (shifted > std::numeric_limits<std::int32_t>::max())
    shifted = std::numeric_limits<std::int32_t>::max();
  if (shifted < std::numeric_limits<std::int32_t>::min())
    shifted = std::numeric_limits<std::int32_t>::min();
  return rounding_divide_by_pot(
      saturating_rounding_doubling_high_mul(static_cast<std::int32_t>(shifted), multiplier), right);
}

// shift in [-31, 30] and multiplier >= 0 are guaranteed by the model reader.
inline std::int32_t multiply_by_quantized_multiplier(std::int32_t x, std::int32_t multiplier,
                                                     int shift) {
  const int left = shift > 0 ? shift : 0;
  const int right = shift > 0 ? 0 : -shift;
  std::int64_t v = static_cast<std::int64_t>(x) * (std::int64_t{1} << left);
  v = v > std::numeric_limits<std::int32_t>::max() ? std::numeric_limits<std::int32_t>::max() : v;
  v = v < std::numeric_limits<std::int32_t>::min() ? std::numeric_limits<std::int32_t>::min() : v;
  // |v * multiplier| < 2^62: no overflow; >> on negative values is arithmetic (C++20).
  std::int64_t hi = (v * multiplier + (std::int64_t{1} << 30)) >> 31;
  if (right > 0) hi = (hi + (std::int64_t{1} << (right - 1)) - (hi < 0 ? 1 : 0)) >> right;
  return static_cast<std::int32_t>(hi);
}

inline std::int8_t clamp_to_int8(std::int32_t v, std::int32_t lo, std::int32_t hi) {
  return static_cast<std::int8_t>(v < lo ? lo : (v > hi ? hi : v));
}

}  // namespace css::nn

#include "css/mqtt/backoff.hpp"

#include <algorithm>

namespace css::mqtt {

Backoff::Backoff(BackoffPolicy policy, std::uint64_t seed) : policy_(policy), rng_(seed) {
  policy_.max_ms = std::max<std::uint32_t>(policy_.max_ms, 1);
  policy_.initial_ms = std::clamp<std::uint32_t>(policy_.initial_ms, 1, policy_.max_ms);
}

std::uint32_t Backoff::ceiling_ms(std::uint32_t failures) const {
  // initial * 2^n in 64 bits; n clamped to 32 so the shift never overflows.
  const std::uint64_t scaled = std::uint64_t{policy_.initial_ms}
                               << std::min<std::uint32_t>(failures, 32);
  return static_cast<std::uint32_t>(std::min<std::uint64_t>(scaled, policy_.max_ms));
}

std::uint32_t Backoff::next_delay_ms() {
  std::uniform_int_distribution<std::uint32_t> pick(0, ceiling_ms(failures_));
  const std::uint32_t delay = pick(rng_);
  if (failures_ < 64) ++failures_;  // saturates: the ceiling stopped growing long before
  return delay;
}

}  // namespace css::mqtt

// Reconnection delays: exponential backoff with "full jitter" (Brooker, "Exponential Backoff
// And Jitter", AWS Architecture Blog, 2015): the n-th consecutive failure waits a uniform
// random time in [0, min(max_ms, initial_ms * 2^n)]. Random spread keeps a city of nodes that
// lost the same broker from reconnecting in lock-step.
//
// Contract: delays are in milliseconds, never exceed max_ms, and the exponent is clamped so
// nothing overflows however many failures are counted. Not thread-safe (one per client).
#pragma once

#include <cstdint>
#include <random>

namespace css::mqtt {

struct BackoffPolicy {
  std::uint32_t initial_ms = 500;  // ceiling of the first wait
  std::uint32_t max_ms = 30'000;   // ceiling of every wait
};

class Backoff {
 public:
  explicit Backoff(BackoffPolicy policy, std::uint64_t seed = std::random_device{}());

  // Ceiling of the wait after `failures` consecutive failures (0 -> initial_ms).
  std::uint32_t ceiling_ms(std::uint32_t failures) const;
  // A wait drawn uniformly from [0, ceiling_ms(failures())]; then counts one more failure.
  std::uint32_t next_delay_ms();
  void reset() { failures_ = 0; }
  std::uint32_t failures() const { return failures_; }

 private:
  BackoffPolicy policy_;
  std::uint32_t failures_ = 0;
  std::mt19937_64 rng_;
};

}  // namespace css::mqtt

// Training's random draws: a deterministic generator and class-balanced sampling of windows.
// Private to train (the trainer and its tensors); everything else uses its own seeds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace css::train {

// Deterministic 64-bit generator (splitmix64): same seed → same stream on every
// platform and standard library, unlike std:: distributions.
class SplitMix {
 public:
  explicit SplitMix(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next();
  double uniform();                  // [0, 1)
  std::size_t below(std::size_t n);  // [0, n), n > 0
 private:
  std::uint64_t state_;
};

// Draws n indices into `weights` with probability ∝ weight (with replacement).
std::vector<std::size_t> weighted_sample(std::span<const double> weights, std::size_t n,
                                         SplitMix& rng);

}  // namespace css::train

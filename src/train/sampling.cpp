#include "sampling.hpp"

#include <algorithm>

namespace css::train {

std::uint64_t SplitMix::next() {
  // splitmix64 (Steele, Lea, Flood: "Fast splittable pseudorandom number generators", 2014).
  std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

double SplitMix::uniform() {
  return static_cast<double>(next() >> 11) * 0x1.0p-53;
}

std::size_t SplitMix::below(std::size_t n) {
  return static_cast<std::size_t>(next() % n);
}

std::vector<std::size_t> weighted_sample(std::span<const double> weights, std::size_t n,
                                         SplitMix& rng) {
  std::vector<double> cumulative(weights.size());
  double sum = 0.0;
  for (std::size_t i = 0; i < weights.size(); ++i) cumulative[i] = (sum += weights[i]);
  std::vector<std::size_t> out;
  out.reserve(n);
  if (weights.empty() || !(sum > 0.0)) return out;
  for (std::size_t k = 0; k < n; ++k) {
    const double u = rng.uniform() * sum;
    auto it = std::upper_bound(cumulative.begin(), cumulative.end(), u);
    out.push_back(std::min<std::size_t>(static_cast<std::size_t>(it - cumulative.begin()),
                                        weights.size() - 1));
  }
  return out;
}

}  // namespace css::train

// k-anonymity and Laplace noise (privacy.hpp).
#include "css/geo/privacy.hpp"

#include <cmath>

namespace css::geo {

std::uint64_t SplitMix64::next() {
  std::uint64_t z = (s_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

double SplitMix64::uniform() {
  return (static_cast<double>(next() >> 11) + 0.5) * 0x1.0p-53;
}

double laplace(SplitMix64& rng, double scale) {
  const double u = rng.uniform() - 0.5;  // (-0.5, 0.5)
  return -scale * (u < 0 ? -1.0 : 1.0) * std::log(1.0 - 2.0 * std::abs(u));
}

void add_laplace_noise(std::span<double> counts, double epsilon, double sensitivity,
                       std::uint64_t seed) {
  SplitMix64 rng(seed);
  const double b = sensitivity / epsilon;
  for (double& c : counts) c = std::max(0.0, std::round(c + laplace(rng, b)));
}

std::vector<bool> k_anonymous(std::span<const double> counts, int k) {
  std::vector<bool> ok(counts.size());
  for (std::size_t i = 0; i < counts.size(); ++i)
    ok[i] = counts[i] == 0.0 || counts[i] >= static_cast<double>(k);
  return ok;
}

}  // namespace css::geo

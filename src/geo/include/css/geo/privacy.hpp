// Privacy of published per-cell counts (docs/privacy.md).
//  - k-anonymity: a cell with 1 … k−1 events is suppressed (not published at all); a cell
//    with none names nobody and stays, so cold spots remain visible. Default k = 5.
//  - Differential privacy (optional): each count gets Laplace noise of scale b = Δ/ε (C. Dwork,
//    F. McSherry, K. Nissim, A. Smith, "Calibrating Noise to Sensitivity in Private Data
//    Analysis", TCC 2006). Δ (sensitivity) is how much one person can change one count: 1 when
//    each person contributes at most one event per window; set it to the per-device cap
//    otherwise. Every published figure is then computed from the noisy counts only
//    (post-processing keeps ε-DP); noisy counts are rounded and clamped at 0.
// The noise comes from a seeded generator (SplitMix64 → inverse CDF), so tests and reruns are
// reproducible; production runs should pass a fresh seed.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace css::geo {

inline constexpr int kDefaultKAnonymity = 5;

struct PrivacyConfig {
  int k = kDefaultKAnonymity;        // ≥ 1; 1 disables suppression
  std::optional<double> dp_epsilon;  // > 0 turns Laplace noise on
  double dp_sensitivity = 1.0;       // Δ, events per person per cell and window
  std::uint64_t seed = 0x5eed;
};

// SplitMix64 (S. Vigna): small, fast, and identical on every platform.
class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : s_(seed) {}
  std::uint64_t next();
  double uniform();  // (0, 1), 53 random bits
 private:
  std::uint64_t s_;
};

// One Laplace(0, scale) draw by inverse CDF.
double laplace(SplitMix64& rng, double scale);

// Adds Laplace(Δ/ε) noise to every count, rounds to the nearest integer, clamps at 0.
void add_laplace_noise(std::span<double> counts, double epsilon, double sensitivity,
                       std::uint64_t seed);

// True where a count may be published: 0 or ≥ k.
std::vector<bool> k_anonymous(std::span<const double> counts, int k);

}  // namespace css::geo

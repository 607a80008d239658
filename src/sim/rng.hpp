// Deterministic random numbers of our own (std distributions are
// implementation-defined): splitmix64 for seeding, xoshiro256** (Blackman &
// Vigna) as the generator, normals by the ziggurat method (Marsaglia & Tsang
// 2000, 128 layers; exact, ~5 ns) with its tables built once at start-up.
// Same seed → same sequence on the same build.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

namespace css::sim {

inline std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// A seed for stream `index` of `seed` (devices, augmentation steps).
inline std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t index) {
  std::uint64_t s = seed ^ (0xD1B54A32D192ED03ULL * (index + 1));
  splitmix64(s);
  return splitmix64(s);
}

class Rng {
 public:
  explicit Rng(std::uint64_t seed = 0) {
    std::uint64_t sm = seed;
    for (auto& w : s_) w = splitmix64(sm);
  }

  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  bool chance(double p) { return uniform() < p; }
  int index(int n) { return static_cast<int>(uniform() * n); }
  double sign() { return (next() >> 63) != 0U ? 1.0 : -1.0; }

  // Standard normal (ziggurat): one 64-bit draw on the fast path (~99 % of calls).
  double normal() {
    const Ziggurat& z = ziggurat();
    for (;;) {
      const std::uint64_t bits = next();
      const auto hz = static_cast<std::int32_t>(bits >> 32);
      const auto iz = static_cast<std::size_t>(bits & 127U);
      const double x = hz * z.w[iz];
      if (static_cast<std::uint32_t>(hz < 0 ? -static_cast<std::int64_t>(hz) : hz) < z.k[iz]) {
        return x;
      }
      if (iz == 0) {  // tail beyond r, Marsaglia's exponential rejection
        double xt, y;
        do {
          xt = -std::log(1.0 - uniform()) / Ziggurat::kR;
          y = -std::log(1.0 - uniform());
        } while (y + y < xt * xt);
        return hz > 0 ? Ziggurat::kR + xt : -Ziggurat::kR - xt;
      }
      if (z.f[iz] + uniform() * (z.f[iz - 1] - z.f[iz]) < std::exp(-0.5 * x * x)) return x;
    }
  }
  double normal(double mean, double sd) { return mean + sd * normal(); }
  // Normal clamped to [lo, hi]: parameters that must stay physical.
  double normal_clamped(double mean, double sd, double lo, double hi) {
    const double v = normal(mean, sd);
    return v < lo ? lo : (v > hi ? hi : v);
  }
  // Exponential with the given mean.
  double exponential(double mean) { return -mean * std::log(1.0 - uniform()); }

  // An independent stream (for a sub-model) drawn from this one.
  Rng fork() { return Rng(next()); }

 private:
  struct Ziggurat {
    static constexpr double kR = 3.442619855899;       // start of the tail, 128 layers
    static constexpr double kV = 9.91256303526217e-3;  // area of each layer
    std::uint32_t k[128];
    double w[128], f[128];
    Ziggurat() {
      constexpr double m1 = 2147483648.0;
      double dn = kR, tn = kR;
      const double q = kV / std::exp(-0.5 * dn * dn);
      k[0] = static_cast<std::uint32_t>((dn / q) * m1);
      k[1] = 0;
      w[0] = q / m1;
      w[127] = dn / m1;
      f[0] = 1.0;
      f[127] = std::exp(-0.5 * dn * dn);
      for (int i = 126; i >= 1; --i) {
        dn = std::sqrt(-2.0 * std::log(kV / dn + std::exp(-0.5 * dn * dn)));
        k[i + 1] = static_cast<std::uint32_t>((dn / tn) * m1);
        tn = dn;
        f[i] = std::exp(-0.5 * dn * dn);
        w[i] = dn / m1;
      }
    }
  };
  static const Ziggurat& ziggurat() {
    static const Ziggurat z;
    return z;
  }
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4]{};
};

}  // namespace css::sim

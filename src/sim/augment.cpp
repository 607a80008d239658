#include "css/sim/augment.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include "orientation.hpp"
#include "rng.hpp"

namespace css::sim {

namespace {
bool has_gyro(const SensorFrame& f) {
  return !std::isnan(f.gyro[0]);
}

void for_vectors(Recording& rec, auto&& fn) {
  for (auto& f : rec.frames) {
    fn(f.acc);
    if (has_gyro(f)) fn(f.gyro);
  }
}

float lerp(float a, float b, double u) {
  return static_cast<float>(static_cast<double>(a) + u * (static_cast<double>(b) - a));
}
}  // namespace

void jitter(Recording& rec, double acc_std, double gyro_std, std::uint64_t seed) {
  Rng r(seed);
  for (auto& f : rec.frames) {
    for (auto& a : f.acc) a = static_cast<float>(a + acc_std * r.normal());
    if (!has_gyro(f)) continue;
    for (auto& g : f.gyro) g = static_cast<float>(g + gyro_std * r.normal());
  }
}

void scale(Recording& rec, double scale_std, std::uint64_t seed) {
  Rng r(seed);
  const double k[3] = {1.0 + scale_std * r.normal(), 1.0 + scale_std * r.normal(),
                       1.0 + scale_std * r.normal()};
  for_vectors(rec, [&](std::array<float, 3>& v) {
    for (int i = 0; i < 3; ++i) v[i] = static_cast<float>(v[i] * k[i]);
  });
}

void bias(Recording& rec, double acc_std, double gyro_std, std::uint64_t seed) {
  Rng r(seed);
  const double ba[3] = {acc_std * r.normal(), acc_std * r.normal(), acc_std * r.normal()};
  const double bg[3] = {gyro_std * r.normal(), gyro_std * r.normal(), gyro_std * r.normal()};
  for (auto& f : rec.frames) {
    for (int i = 0; i < 3; ++i) f.acc[i] = static_cast<float>(f.acc[i] + ba[i]);
    if (!has_gyro(f)) continue;
    for (int i = 0; i < 3; ++i) f.gyro[i] = static_cast<float>(f.gyro[i] + bg[i]);
  }
}

void intensity(Recording& rec, double log_std, std::uint64_t seed) {
  Rng r(seed);
  const double k = std::exp(log_std * r.normal());
  constexpr double kTauS = 0.5;  // the gravity low-pass of features v4 (kGravityTauS)
  const double rate = rec.rate_hz > 0.0 ? rec.rate_hz : 50.0;
  const double a = 1.0 - std::exp(-1.0 / (kTauS * rate));
  std::array<double, 3> g{};
  bool first = true;
  for (auto& f : rec.frames) {
    for (int i = 0; i < 3; ++i) {
      g[i] = first ? f.acc[i] : g[i] + a * (f.acc[i] - g[i]);
      f.acc[i] = static_cast<float>(g[i] + k * (f.acc[i] - g[i]));
    }
    first = false;
    if (!has_gyro(f)) continue;
    for (auto& w : f.gyro) w = static_cast<float>(k * w);
  }
}

void saturate(Recording& rec, double range_g) {
  const auto lim = static_cast<float>(range_g * 9.80665);
  for (auto& f : rec.frames)
    for (auto& a : f.acc) a = std::clamp(a, -lim, lim);
}

void rotate(Recording& rec, std::uint64_t seed) {
  Rng r(seed);
  // A normalised 4-D Gaussian is uniform on S³, hence a uniform rotation (Shoemake 1992).
  const Quat q = normalized(Quat{r.normal(), r.normal(), r.normal(), r.normal()});
  for_vectors(rec, [&](std::array<float, 3>& v) {
    const Vec3 o = rotate(q, Vec3{v[0], v[1], v[2]});
    v = {static_cast<float>(o.x), static_cast<float>(o.y), static_cast<float>(o.z)};
  });
}

void time_warp(Recording& rec, double strength, std::uint64_t seed) {
  const std::size_t n = rec.frames.size();
  strength = std::clamp(strength, 0.0, 1.0);
  if (n < 2 || strength <= 0.0 || rec.rate_hz <= 0.0) return;
  Rng r(seed);
  const double rate = rec.rate_hz, dt = 1.0 / rate;
  const double span = static_cast<double>(n - 1) * dt;
  // Knots about every 5 s of source time; zero-slope cubic Hermite between them stays
  // within [min, max] of the knots, so the playback rate stays within e^±strength.
  const auto knots = static_cast<std::size_t>(std::max(2.0, std::ceil(span / 5.0) + 1.0));
  std::vector<double> h(knots);
  for (auto& v : h) v = r.uniform(-1.0, 1.0);
  const double step = span / static_cast<double>(knots - 1);
  auto rate_at = [&](double s) {
    const double x = s / step;
    const auto k = std::min(static_cast<std::size_t>(x), knots - 2);
    const double u = std::clamp(x - static_cast<double>(k), 0.0, 1.0);
    return std::exp(strength * (h[k] + (h[k + 1] - h[k]) * u * u * (3.0 - 2.0 * u)));
  };
  // Output time of every source sample: t_out(s) = ∫ 1/rate(s) ds (trapezoid).
  std::vector<double> t_out(n);
  double prev = 1.0 / rate_at(0.0);
  t_out[0] = 0.0;
  for (std::size_t i = 1; i < n; ++i) {
    const double cur = 1.0 / rate_at(static_cast<double>(i) * dt);
    t_out[i] = t_out[i - 1] + 0.5 * (prev + cur) * dt;
    prev = cur;
  }
  const auto m = static_cast<std::size_t>(std::floor(t_out[n - 1] * rate + 1e-9)) + 1;
  std::vector<SensorFrame> frames(m);
  std::vector<Label> labels(m);
  std::size_t i = 0;
  for (std::size_t j = 0; j < m; ++j) {
    const double tj = static_cast<double>(j) * dt;
    while (i + 2 < n && t_out[i + 1] <= tj) ++i;
    const double u = std::clamp((tj - t_out[i]) / (t_out[i + 1] - t_out[i]), 0.0, 1.0);
    const SensorFrame& a = rec.frames[i];
    const SensorFrame& b = rec.frames[i + 1];
    SensorFrame f = a;  // GNSS fields held, like the receiver does between fixes
    f.t = tj;
    for (int k = 0; k < 3; ++k) {
      f.acc[k] = lerp(a.acc[k], b.acc[k], u);
      f.gyro[k] = lerp(a.gyro[k], b.gyro[k], u);
    }
    f.spl = lerp(a.spl, b.spl, u);
    frames[j] = f;
    labels[j] = u >= 1.0 && i + 1 < rec.labels.size()
                    ? rec.labels[i + 1]
                    : (i < rec.labels.size() ? rec.labels[i] : Label::kStationary);
  }
  // First output sample at or after a source index.
  auto map_index = [&](std::size_t src) -> std::size_t {
    if (src >= n) return m;
    return std::min(m, static_cast<std::size_t>(std::ceil(t_out[src] * rate - 1e-9)));
  };
  std::vector<Segment> segments;
  for (const Segment& s : rec.segments) {
    const std::size_t b = map_index(s.begin), e = map_index(s.end);
    if (e > b) segments.push_back({s.label, b, e});
  }
  for (Onset& o : rec.onsets) {
    o.index = std::min(map_index(o.index), m - 1);
    o.t = static_cast<double>(o.index) * dt;
  }
  // Labels follow the mapped segments so the two always agree.
  for (const Segment& s : segments)
    std::fill(labels.begin() + static_cast<long>(s.begin),
              labels.begin() + static_cast<long>(s.end), s.label);
  rec.frames = std::move(frames);
  rec.labels = std::move(labels);
  rec.segments = std::move(segments);
}

void augment(Recording& rec, const AugmentConfig& c, std::uint64_t seed) {
  if (!c.enabled) return;
  if (c.time_warp_strength > 0.0) time_warp(rec, c.time_warp_strength, derive_seed(seed, 1));
  if (c.intensity_log_std > 0.0) intensity(rec, c.intensity_log_std, derive_seed(seed, 7));
  if (c.scale_std > 0.0) scale(rec, c.scale_std, derive_seed(seed, 2));
  if (c.rotate) rotate(rec, derive_seed(seed, 3));
  if (c.jitter_std_acc_mps2 > 0.0 || c.jitter_std_gyro_rps > 0.0) {
    jitter(rec, c.jitter_std_acc_mps2, c.jitter_std_gyro_rps, derive_seed(seed, 4));
  }
  if (c.bias_std_acc_mps2 > 0.0 || c.bias_std_gyro_rps > 0.0)
    bias(rec, c.bias_std_acc_mps2, c.bias_std_gyro_rps, derive_seed(seed, 5));
  if (c.saturate_probability > 0.0) {
    Rng r(derive_seed(seed, 6));
    if (r.chance(c.saturate_probability)) saturate(rec, kSaturationRangesG[r.index(3)]);
  }
}

}  // namespace css::sim

// Cheap building blocks for per-sample motion: a phase oscillator (sin/cos by
// rotation, no trigonometry per sample) and a Hann-shaped ramp whose first
// derivative is smooth (bounded jerk) for speed, heading and displacement changes.
#pragma once

#include <cmath>

namespace css::sim {

inline constexpr double kTwoPi = 6.283185307179586;

class Oscillator {
 public:
  Oscillator() = default;
  Oscillator(double freq_hz, double phase_rad, double dt) { reset(freq_hz, phase_rad, dt); }
  void reset(double freq_hz, double phase_rad, double dt) {
    c_ = std::cos(phase_rad);
    s_ = std::sin(phase_rad);
    set_freq(freq_hz, dt);
  }
  void set_freq(double freq_hz, double dt) {
    cd_ = std::cos(kTwoPi * freq_hz * dt);
    sd_ = std::sin(kTwoPi * freq_hz * dt);
  }
  void step() {
    const double c = c_ * cd_ - s_ * sd_;
    const double s = s_ * cd_ + c_ * sd_;
    const double k = 1.5 - 0.5 * (c * c + s * s);  // keep on the unit circle
    c_ = c * k;
    s_ = s * k;
  }
  double sin() const { return s_; }
  double cos() const { return c_; }

 private:
  double c_ = 1.0, s_ = 0.0, cd_ = 1.0, sd_ = 0.0;
};

// From `from` to `to` over [t0, t0 + dur] with rate (to-from)/dur * (1 - cos 2πx):
// peak rate 2Δ/dur, peak second derivative 2πΔ/dur² (a bounded-jerk S-curve).
struct Ramp {
  double from = 0.0, to = 0.0, t0 = 0.0, dur = 0.0;

  static Ramp make(double from, double to, double t0, double dur) { return {from, to, t0, dur}; }
  bool done(double t) const { return t >= t0 + dur; }
  double value(double t) const {
    const double x = progress(t);
    return from + (to - from) * (x - std::sin(kTwoPi * x) / kTwoPi);
  }
  double rate(double t) const {
    const double x = progress(t);
    if (x <= 0.0 || x >= 1.0) return 0.0;
    return (to - from) / dur * (1.0 - std::cos(kTwoPi * x));
  }
  // Second derivative (acceleration when the ramp is a displacement).
  double rate2(double t) const {
    const double x = progress(t);
    if (x <= 0.0 || x >= 1.0) return 0.0;
    return (to - from) / (dur * dur) * kTwoPi * std::sin(kTwoPi * x);
  }
  double progress(double t) const {
    if (dur <= 0.0) return 1.0;
    const double x = (t - t0) / dur;
    return x < 0.0 ? 0.0 : (x > 1.0 ? 1.0 : x);
  }
};

// Smooth-step time to change a value by delta with peak rate <= max_rate and peak
// second derivative <= max_rate2 (e.g. speed change under acceleration and jerk limits).
inline double ramp_duration(double delta, double max_rate, double max_rate2) {
  const double d = std::fabs(delta);
  const double by_rate = 2.0 * d / max_rate;
  const double by_rate2 = std::sqrt(kTwoPi * d / max_rate2);
  return by_rate > by_rate2 ? by_rate : by_rate2;
}

// Ornstein–Uhlenbeck step with precomputed coefficients: x' = a x + b n, n ~ N(0,1);
// stationary std = sigma, correlation time = tau.
struct OuCoeffs {
  double a = 0.0, b = 0.0;
  static OuCoeffs make(double sigma, double tau_s, double dt) {
    const double a = std::exp(-dt / tau_s);
    return {a, sigma * std::sqrt(1.0 - a * a)};
  }
};

}  // namespace css::sim

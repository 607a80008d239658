#include <cmath>

#include "body.hpp"
#include "motion_math.hpp"

namespace css::sim {

const char* to_string(Placement p) {
  switch (p) {
    case Placement::kHand:
      return "hand";
    case Placement::kPocket:
      return "pocket";
    case Placement::kBag:
      return "bag";
  }
  return "unknown";
}

Subject draw_subject(Rng& rng) {
  Subject s{};
  // Free walking: ~100–125 steps/min and 1.2–1.5 m/s in healthy adults (typical values in
  // gait studies, e.g. Bohannon 1997; Tudor-Locke et al. cadence reviews).
  s.cadence_walk_hz = rng.normal_clamped(1.87, 0.1, 1.65, 2.15);
  s.speed_walk_mps = rng.uniform(1.2, 1.5);
  // Slow walking: ~75–95 steps/min, 0.6–0.9 m/s.
  s.cadence_slow_hz = rng.uniform(1.25, 1.55);
  s.speed_slow_mps = rng.uniform(0.6, 0.9);
  // Jogging/running: 150–180 steps/min, 2.5–4.5 m/s; cadence rises mildly with speed.
  s.speed_run_mps = rng.uniform(2.5, 4.5);
  s.cadence_run_hz = rng.normal_clamped(2.55 + 0.2 * (s.speed_run_mps - 2.5), 0.08, 2.5, 3.0);
  s.run_duty = rng.uniform(0.38, 0.48);
  s.amp_scale = rng.normal_clamped(1.0, 0.12, 0.75, 1.3);
  s.harmonic2 = rng.uniform(0.2, 0.45);
  s.harmonic2_phase = rng.uniform(-0.6, 0.6);
  s.hand_tilt_rad = rng.uniform(0.35, 1.0);  // 20–57° screen pitch while reading
  s.sway_scale = rng.uniform(0.6, 1.5);
  const double u = rng.uniform();
  s.home = u < 0.4 ? Placement::kHand : (u < 0.8 ? Placement::kPocket : Placement::kBag);
  // Daytime urban street levels, typically 55–70 dBA (e.g. WHO/EEA noise reports).
  s.street_spl_dba = rng.uniform(57.0, 67.0);
  return s;
}

namespace {

Vec3 random_unit(Rng& rng) {
  return unit(Vec3{rng.normal(), rng.normal(), rng.normal()});
}

// Small random tilt so that no two devices sit exactly alike.
Quat jiggle(Rng& rng, double max_rad) {
  return small_rotation(random_unit(rng) * rng.uniform(0.0, max_rad));
}

}  // namespace

Quat draw_mount(Placement p, const Subject& s, bool seated, Rng& rng) {
  switch (p) {
    case Placement::kHand: {
      // Portrait, screen towards the face: device y (top) forward and up by the tilt,
      // device z (screen normal) up and back, device x to the right.
      const double th = s.hand_tilt_rad + (seated ? 0.2 : 0.0);
      const Vec3 y{std::cos(th), 0, std::sin(th)};
      const Vec3 z{-std::sin(th), 0, std::cos(th)};
      const Vec3 x = cross(y, z);
      return jiggle(rng, 0.15) * from_axes(x, y, z);
    }
    case Placement::kPocket: {
      // Front trouser pocket: long axis along the thigh (top up or down), screen facing
      // the thigh or away; seated, the thigh is horizontal (rotate −90° about body y).
      const double up = rng.sign();
      const double out = rng.sign();
      const Vec3 y{0, 0, up};
      const Vec3 z{out, 0, 0};
      const Vec3 x = cross(y, z);
      Quat q = jiggle(rng, 0.25) * from_axes(x, y, z);
      if (seated) q = axis_angle({0, 1, 0}, -kTwoPi / 4) * q;
      return q;
    }
    case Placement::kBag:
      // Loose in a bag: any orientation.
      return normalized(Quat{rng.normal(), rng.normal(), rng.normal(), rng.normal()});
  }
  return {};
}

}  // namespace css::sim

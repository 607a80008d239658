#include "gait.hpp"

#include <algorithm>
#include <cmath>

namespace css::sim {

GaitParams gait_params(GaitKind kind, const Subject& s, Rng& rng) {
  GaitParams p;
  const double a = s.amp_scale;
  const double var = rng.uniform(0.97, 1.03);  // day-to-day / bout-to-bout variation
  p.h2_cos = s.harmonic2 * std::cos(s.harmonic2_phase);
  p.h2_sin = s.harmonic2 * std::sin(s.harmonic2_phase);
  if (kind != GaitKind::kThiefRun && kind != GaitKind::kStumble) {
    p.limb_profile = true;
    p.hand_roll_rad = 0.15;
    p.bag_roll_rad = 0.33;
  }
  switch (kind) {
    case GaitKind::kWalk:
      // Trunk accelerations at ~1.3 m/s: vertical RMS ~0.2–0.3 g, fore-aft somewhat lower,
      // medio-lateral ~0.1 g (typical values in trunk-accelerometry gait studies, e.g.
      // Moe-Nilssen & Helbostad; Menz et al.).
      p.cadence_hz = std::clamp(s.cadence_walk_hz * var, 1.6, 2.2);
      p.speed_mps = s.speed_walk_mps * var;
      p.vert_amp = a * 3.0 * p.speed_mps / 1.35;
      p.ap_amp = 0.6 * p.vert_amp;
      p.lat_amp = a * 0.9;
      p.heel_strike_g = a * 0.65 * p.speed_mps / 1.35;
      p.arm_swing_rad = 0.16;
      p.thigh_swing_rad = 0.4;
      break;
    case GaitKind::kSlowWalk:
      p.label = Label::kSlowWalking;
      p.cadence_hz = std::clamp(s.cadence_slow_hz * var, 1.2, 1.6);
      p.speed_mps = s.speed_slow_mps * var;
      p.vert_amp = a * 1.3;
      p.ap_amp = 0.5 * p.vert_amp;
      p.lat_amp = a * 0.6;
      p.thigh_swing_rad = 0.25;
      p.heel_strike_g = a * 0.3;
      p.arm_swing_rad = 0.06;
      break;
    case GaitKind::kStairs:
    case GaitKind::kSlowStairs: {
      // Stair ascent: one tread (~0.28–0.30 m) per step, so ~0.4–0.55 m/s over ground, with
      // larger vertical and thigh motion than level walking.
      const bool slow = kind == GaitKind::kSlowStairs;
      p.label = slow ? Label::kSlowWalking : Label::kWalking;
      p.cadence_hz = slow ? rng.uniform(1.25, 1.5) : rng.uniform(1.65, 1.9);
      p.speed_mps = p.cadence_hz * rng.uniform(0.27, 0.31);
      p.vert_amp = a * (slow ? 2.4 : 3.4);
      p.ap_amp = 0.4 * p.vert_amp;
      p.lat_amp = a * 0.8;
      p.thigh_swing_rad = 0.5;
      p.heel_strike_g = a * 0.5;
      break;
    }
    case GaitKind::kRun:
      p.label = Label::kRunning;
      p.cadence_hz = std::clamp(s.cadence_run_hz * var, 2.5, 3.0);
      p.speed_mps = s.speed_run_mps * var;
      p.running = true;
      p.duty = s.run_duty;
      p.ap_amp = a * 4.0;
      p.lat_amp = a * 1.5;
      p.thigh_swing_rad = 0.6;
      p.arm_swing_rad = 0.4;
      p.heel_strike_g = a * 0.6;
      p.cadence_jitter = 0.015;
      p.heading_wander_rps = 0.03;  // joggers hold a steady heading
      break;
    case GaitKind::kThiefRun:
      // Sprinting away: high cadence and speed, phone clutched in a swinging hand.
      p.label = Label::kRunning;
      p.cadence_hz = rng.uniform(2.8, 3.3);
      p.speed_mps = rng.uniform(3.5, 6.0);
      p.running = true;
      p.duty = rng.uniform(0.33, 0.4);
      p.ap_amp = a * 5.0;
      p.lat_amp = a * 1.8;
      p.thigh_swing_rad = 0.7;
      p.arm_swing_rad = 0.35;
      p.heading_wander_rps = 0.04;
      break;
    case GaitKind::kStumble:
      // Being dragged: short, irregular steps.
      p.label = Label::kForcedMovement;
      p.cadence_hz = rng.uniform(2.2, 2.8);
      p.speed_mps = rng.uniform(1.5, 3.0);
      p.vert_amp = a * 3.5;
      p.ap_amp = a * 2.5;
      p.lat_amp = a * 1.5;
      p.thigh_swing_rad = 0.4;
      p.arm_swing_rad = 0.15;
      p.cadence_jitter = 0.12;
      p.heading_wander_rps = 0.0;  // heading is driven by the forced-movement model
      break;
  }
  return p;
}

void GaitModel::start(const GaitParams& p, double dt, Rng& rng, double fade_s) {
  blend_rate_ = 1.0 / fade_s;
  from_ = started_ ? p_ : p;
  from_place_ = place_;
  blend_ = started_ ? 0.0 : 1.0;
  started_ = true;
  p_ = p;
  dt_ = dt;
  new_stride(rng);
}

void GaitModel::new_stride(Rng& rng) {
  // Stride-to-stride variability of healthy gait: CV ~1.5–3 % (Hausdorff et al.).
  stride_hz_ = 0.5 * p_.cadence_hz * (1.0 + p_.cadence_jitter * rng.normal());
  stride_.reset(stride_hz_, kTwoPi * phase_, dt_);
}

void GaitModel::step(double envelope, Body& body, Rng& rng) {
  phase_ += stride_hz_ * dt_;
  stride_.step();
  if (phase_ >= 1.0) {
    phase_ -= 1.0;
    new_stride(rng);
  }
  if (body.placement != place_) {  // handled to another place: re-couple smoothly
    from_ = p_;
    from_place_ = place_;
    place_ = body.placement;
    blend_ = 0.0;
    blend_rate_ = 1.0;
  }
  // Cross-fade over ~1 s so that wobble and accelerations never jump (a jump in the
  // orientation would be an unphysical spike in the gyro).
  blend_ = std::min(1.0, blend_ + dt_ * blend_rate_);
  if (envelope <= 0.0) return;
  Vec3 a, w;
  shape(p_, place_, a, w);
  if (blend_ < 1.0) {
    Vec3 a0, w0;
    shape(from_, from_place_, a0, w0);
    const double u = blend_ * blend_ * (3.0 - 2.0 * blend_);
    a = a0 + (a - a0) * u;
    w = w0 + (w - w0) * u;
  }
  body.body_acc = body.body_acc + a * envelope;
  body.wobble = body.wobble + w * envelope;
}

namespace {

// Foot-contact transient, peak 1: a(τ) = e^(−τ/τd)·sin(2πfτ)/peak for τ ≥ 0 after contact,
// rising to its peak in atan(2πf·τd)/(2πf) (~20–30 ms at 6–9 Hz). `area_s` is its
// area (per unit peak), so that the caller can keep the step's mean acceleration at zero.
struct Transient {
  double value, area_s;
};
Transient contact_transient(double tau_s, double freq_hz, double decay_s) {
  const double om = kTwoPi * freq_hz, k = 1.0 / decay_s;
  const double t_peak = std::atan(om / k) / om;
  const double peak = std::exp(-k * t_peak) * std::sin(om * t_peak);
  return {std::exp(-k * tau_s) * std::sin(om * tau_s) / peak, om / (om * om + k * k) / peak};
}

// How the contact transient reaches the phone: ringing frequency, decay and gain relative
// to the trunk. The thigh is closer to the foot and its soft tissue rings; the arm and a
// shoulder bag filter the impact.
struct Coupling {
  double freq_hz, decay_s, gain;
};
Coupling impact_coupling(Placement placement) {
  switch (placement) {
    case Placement::kHand:
      return {7.0, 0.035, 0.8};
    case Placement::kPocket:
      return {9.0, 0.04, 1.0};
    case Placement::kBag:
      return {6.0, 0.05, 0.6};
  }
  return {8.0, 0.04, 1.0};
}

// A limb swinging ±amp at the stride frequency, slowly backward in stance and fast forward
// in swing (a rounded sawtooth): θ = amp·(sin φ − 0.3 sin 2φ + 0.12 sin 3φ), with its rates.
struct Swing {
  double th, th_d, th_dd;
};
Swing limb_swing(double amp, double om, double cs, double ss) {
  constexpr double h2 = -0.3, h3 = 0.12;
  const double c2 = cs * cs - ss * ss, s2 = 2.0 * cs * ss;
  const double c3 = c2 * cs - s2 * ss, s3 = s2 * cs + c2 * ss;
  return {amp * (ss + h2 * s2 + h3 * s3), amp * om * (cs + 2.0 * h2 * c2 + 3.0 * h3 * c3),
          -amp * om * om * (ss + 4.0 * h2 * s2 + 9.0 * h3 * s3)};
}

// Acceleration (forward, up) of a point r below a pivot whose limb is θ forward of vertical:
// tangential r·θ̈ and centripetal r·θ̇² towards the pivot.
void lever(const Swing& s, double r, double& ax, double& az) {
  const double c = std::cos(s.th), sn = std::sin(s.th);
  ax = r * (s.th_dd * c - s.th_d * s.th_d * sn);
  az = r * (s.th_dd * sn + s.th_d * s.th_d * c);
}

}  // namespace

void GaitModel::shape(const GaitParams& p, Placement placement, Vec3& a, Vec3& w) const {
  const double cs = stride_.cos(), ss = stride_.sin();
  const double c2 = cs * cs - ss * ss, s2 = 2.0 * cs * ss;  // step phase
  if (!p.running) {
    const double c4 = c2 * c2 - s2 * s2, s4 = 2.0 * s2 * c2;
    // Vertical: peak near heel strike (phase 0) plus a second harmonic (double support).
    a.z = p.vert_amp * (c2 + p.h2_cos * c4 - p.h2_sin * s4);
    a.x = p.ap_amp * (s2 * 0.8 + c2 * 0.6);
    a.y = p.lat_amp * ss + 0.2 * p.lat_amp * s2;
  } else {
    // Stance pulse 4x(1−x) of peak P g over the duty D, flight f0 g:
    // mean specific force g requires P = (1 − f0 (1 − D)) · 3 / (2 D)  (→ 2.5–3.5 g peaks).
    double u = 2.0 * phase_;
    u -= std::floor(u);
    const double d = p.duty, f0 = p.flight_g;
    const double peak = (1.0 - f0 * (1.0 - d)) * 1.5 / d;
    constexpr double g = 9.80665;
    if (u < d) {
      const double x = u / d;
      a.z = g * (peak * 4.0 * x * (1.0 - x) - 1.0);
      // Braking then propulsion (≈ −sin 2πx, zero mean over the stance).
      a.x = -p.ap_amp * 10.39 * x * (1.0 - x) * (1.0 - 2.0 * x);
    } else {
      a.z = g * (f0 - 1.0);
      a.x = 0.0;
    }
    a.y = p.lat_amp * ss;
  }
  switch (placement) {
    case Placement::kHand:
      // The arm damps horizontal trunk accelerations (and, in the risky gaits' calibration,
      // vertical ones); the wrist adds pitch/roll at the gait rhythm.
      a = {a.x * 0.75, a.y * 0.6, a.z * (p.limb_profile ? 1.0 : 0.8)};
      w = {p.hand_roll_rad * ss, p.arm_swing_rad * (p.running ? ss : s2), 0.02 * cs};
      if (p.limb_profile && p.running) {
        // Running with the phone in the hand: the forearm pumps about the elbow (~0.3 m).
        const Swing s = limb_swing(p.arm_swing_rad, kTwoPi * stride_hz_, cs, ss);
        double lx, lz;
        lever(s, 0.3, lx, lz);
        a.x += lx;
        a.z += lz;
        w.y = s.th;
      }
      break;
    case Placement::kPocket: {
      // The thigh swings ±Θ at the stride frequency; the pocket (~0.2 m below the hip joint)
      // adds the lever-arm acceleration.
      const double om = kTwoPi * stride_hz_;
      if (p.limb_profile) {
        const Swing s = limb_swing(p.thigh_swing_rad, om, cs, ss);
        double lx, lz;
        lever(s, 0.2, lx, lz);
        a = {a.x * 1.1 + lx, a.y, a.z * 0.9 + lz};
        w = {0.18 * cs, -s.th, 0.08 * cs};
      } else {  // risky gaits: linearised tangential term as calibrated (sign not physical)
        a = {a.x * 1.1 + 0.25 * p.thigh_swing_rad * om * om * ss, a.y, a.z * 1.15};
        w = {0.05 * cs, -p.thigh_swing_rad * ss, 0.08 * cs};
      }
      break;
    }
    case Placement::kBag:
      // A shoulder bag is a damped pendulum: softer accelerations, roll at the stride rate.
      a = {a.x * 0.5, a.y * 0.8, a.z * (p.limb_profile ? 0.85 : 0.6)};
      w = {p.bag_roll_rad * ss, 0.05 * s2, 0.03 * cs};
      break;
  }
  if (p.heel_strike_g > 0.0) {
    // Heel strike (walking) or foot strike (running) at the start of every step: a short
    // upward transient with a little braking, its step mean taken out (the harmonic model
    // already carries the step's mean deceleration).
    const double step_hz = 2.0 * stride_hz_;
    double u = 2.0 * phase_;
    u -= std::floor(u);
    const Coupling k = impact_coupling(placement);
    const Transient tr = contact_transient(u / step_hz, k.freq_hz, k.decay_s);
    const double hs = p.heel_strike_g * 9.80665 * k.gain * (tr.value - tr.area_s * step_hz);
    a.z += hs;
    a.x -= 0.3 * hs;
  }
}

}  // namespace css::sim

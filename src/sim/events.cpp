// Risky events: snatch (free walking → sudden displacement → carried off at a run)
// and forced movement (stationary → abrupt pull → fast irregular movement).
// Impulses change the device's horizontal velocity vector with a Hann-shaped
// acceleration, so acceleration, speed and heading stay kinematically consistent.
#include <algorithm>
#include <cmath>

#include "css/core/units.hpp"
#include "phases.hpp"

namespace css::sim {

namespace {
constexpr double kG = units::kGravity;
constexpr double deg(double d) {
  return d * kTwoPi / 360.0;
}

Vec3 random_unit(Rng& rng) {
  return unit(Vec3{rng.normal(), rng.normal(), rng.normal()});
}

double smooth_step(double x) {
  return x - std::sin(kTwoPi * x) / kTwoPi;
}

// The impulse: v(t) = v0 + Δv·S(x), a = Δv·S'(x)/T for t < imp_s, then v0 + Δv. Meanwhile
// the body turns from h0 to h1 over turn_s (≥ imp_s): the device cannot rotate with the
// velocity direction instantly, so velocity and body yaw are set separately (vector mode).
void impulse_and_turn(Body& b, double t, double imp_s, double turn_s, double v0e, double v0n,
                      double dve, double dvn, double h0, double h1) {
  const double x = std::min(1.0, t / imp_s);
  const double s = smooth_step(x);
  const double ds = x < 1.0 ? (1.0 - std::cos(kTwoPi * x)) / imp_s : 0.0;
  b.vector_mode = true;
  b.vel_e = v0e + dve * s;
  b.vel_n = v0n + dvn * s;
  b.acc_e = dve * ds;
  b.acc_n = dvn * ds;
  b.speed_mps = std::hypot(b.vel_e, b.vel_n);
  const Ramp turn = Ramp::make(h0, h1, 0.0, turn_s);
  b.heading_rad = turn.value(t);
  b.heading_rate = turn.rate(t);
}

// Shortest signed angle from a to b.
double angle_to(double a, double b) {
  double d = std::fmod(b - a, kTwoPi);
  if (d > kTwoPi / 2) d -= kTwoPi;
  if (d < -kTwoPi / 2) d += kTwoPi;
  return d;
}
}  // namespace

double SnatchPhase::begin(Ctx& c, const Phase& /*p*/) {
  Rng& r = c.rng;
  Body& b = c.body;
  const GaitParams thief = gait_params(GaitKind::kThiefRun, c.subject, r);
  v1_ = thief.speed_mps;  // 3.5–6 m/s
  const double h0 = b.heading_rad;
  heading0_ = h0;
  heading1_ = h0 + r.sign() * deg(r.uniform(60.0, 170.0));
  v0e_ = b.speed_mps * std::sin(h0);
  v0n_ = b.speed_mps * std::cos(h0);
  dve_ = v1_ * std::sin(heading1_) - v0e_;
  dvn_ = v1_ * std::cos(heading1_) - v0n_;
  // The grab: peak 2.5–5 g horizontal, so T = 2|Δv|/peak, kept within 100–300 ms.
  const double dv = std::hypot(dve_, dvn_);
  imp_s_ = std::clamp(2.0 * dv / (kG * r.uniform(2.5, 5.0)), 0.1, 0.3);
  up_amp_ = kG * r.uniform(0.4, 1.0);
  // The thief turns to run off within ~0.5–0.8 s.
  turn_s_ = std::max(imp_s_, r.uniform(0.5, 0.8));
  // The phone is wrenched round: 90–180° about a random axis in 0.3–0.6 s (peak 5–20 rad/s).
  rot_axis_ = random_unit(r);
  rot_angle_ = deg(r.uniform(90.0, 180.0));
  rot_s_ = r.uniform(0.3, 0.6);
  mount0_ = b.mount;
  const double steady_s = r.uniform(5.0, 8.0);  // straight away from the victim, then wander
  const double total = steady_s + r.uniform(5.0, 15.0);
  label_s_ = r.uniform(1.0, 1.5);
  c.gait.start(thief, c.dt, r);
  wander_.start(thief.heading_wander_rps, 1.0 / 60.0, c.t + steady_s);
  b.placement = Placement::kHand;  // clutched in the thief's hand
  running_ = false;
  c.onsets.push_back({Label::kSnatch, c.index, c.t});
  // The victim shouts (raised voice to shouting at ~1 m: ~75–90 dBA).
  c.spl.add_event(c.t + r.uniform(0.2, 0.8), r.uniform(80.0, 90.0), 0.05, r.uniform(0.4, 1.0),
                  30.0);
  if (r.chance(0.6)) {
    c.spl.add_event(c.t + r.uniform(1.5, 3.0), r.uniform(75.0, 85.0), 0.05, r.uniform(0.3, 0.8),
                    30.0);
  }
  return total;
}

void SnatchPhase::step(Ctx& c, double t_rel) {
  Body& b = c.body;
  if (t_rel < turn_s_) {
    impulse_and_turn(b, t_rel, imp_s_, turn_s_, v0e_, v0n_, dve_, dvn_, heading0_, heading1_);
    // Yanked up and caught: one up-down cycle, no net climb.
    if (t_rel < imp_s_) b.up_acc += up_amp_ * std::sin(kTwoPi * t_rel / imp_s_);
    c.gait.step(0.0, b, c.rng);
  } else {
    if (!running_) {
      running_ = true;
      b.heading_rad = heading1_;
      b.speed_mps = v1_;
    }
    b.accel_mps2 = 0.0;
    wander_.step(c);
    c.gait.step(std::min(1.0, (t_rel - turn_s_) / 0.6), b, c.rng);
  }
  if (t_rel < rot_s_ + c.dt) {
    const double x = std::min(1.0, t_rel / rot_s_);
    b.mount = normalized(mount0_ * axis_angle(rot_axis_, rot_angle_ * smooth_step(x)));
  }
  // Labelled snatch from the grab through the first strides (1–1.5 s), so every window the
  // any_risky policy calls snatch holds the grab itself; the thief's run after that is
  // ordinary running (docs/simulator.md, "Labels").
  b.label = t_rel < label_s_ ? Label::kSnatch : Label::kRunning;
}

double ForcedPhase::begin(Ctx& c, const Phase& /*p*/) {
  Rng& r = c.rng;
  Body& b = c.body;
  const double h = r.uniform(0.0, kTwoPi);  // pulled in any direction
  heading0_ = b.heading_rad;
  heading1_ = heading0_ + angle_to(heading0_, h);
  const double dv = r.uniform(1.5, 3.0);
  dve_ = dv * std::sin(h);
  dvn_ = dv * std::cos(h);
  // Abrupt pull: 1.5–3 g peak; T = 2Δv/peak.
  imp_s_ = std::clamp(2.0 * dv / (kG * r.uniform(1.5, 3.0)), 0.1, 0.45);
  turn_s_ = std::max(imp_s_, r.uniform(0.6, 1.0));  // the victim is spun round
  rot_axis_ = random_unit(r);
  rot_angle_ = deg(r.uniform(40.0, 100.0));
  rot_s_ = r.uniform(0.3, 0.6);
  mount0_ = b.mount;
  irregular_end_ = turn_s_ + r.uniform(5.0, 10.0);
  stop_s_ = r.uniform(1.2, 2.0);
  v_target_ = r.uniform(1.5, 3.0);
  acc_ou_ = rate_ou_ = target_ou_ = 0.0;
  jerk_ou_ = wob_rate_ = wob_ = {};
  irregular_ = false;
  c.gait.start(gait_params(GaitKind::kStumble, c.subject, r), c.dt, r);
  c.onsets.push_back({Label::kForcedMovement, c.index, c.t});
  for (int i = 0, n = 1 + r.index(3); i < n; ++i) {
    c.spl.add_event(c.t + r.uniform(0.2, irregular_end_), r.uniform(75.0, 90.0), 0.05,
                    r.uniform(0.3, 1.0), 30.0);
  }
  // Scuffle: clothing, footsteps, struggle noise close to the microphone.
  c.spl.add_event(c.t, r.uniform(68.0, 76.0), 0.1, irregular_end_, 20.0);
  return irregular_end_ + stop_s_;
}

void ForcedPhase::step(Ctx& c, double t_rel) {
  Body& b = c.body;
  Rng& r = c.rng;
  const double dt = c.dt;
  if (t_rel < turn_s_) {
    impulse_and_turn(b, t_rel, imp_s_, turn_s_, 0.0, 0.0, dve_, dvn_, heading0_, heading1_);
    c.gait.step(0.0, b, r);
  } else if (t_rel < irregular_end_) {
    irregular_ = true;
    // Second-order speed: an OU acceleration (σ 1.5 m/s², τ 0.4 s) pulled towards a
    // wandering target speed in 1.5–3 m/s; erratic heading from an OU yaw rate (σ 1.2 rad/s).
    const OuCoeffs acc = OuCoeffs::make(1.5, 0.4, dt), tgt = OuCoeffs::make(0.4, 2.0, dt),
                   rate = OuCoeffs::make(1.2, 0.6, dt), jerk = OuCoeffs::make(2.0, 0.12, dt),
                   wob = OuCoeffs::make(2.0, 0.25, dt);
    acc_ou_ = acc.a * acc_ou_ + acc.b * r.normal();
    target_ou_ = tgt.a * target_ou_ + tgt.b * r.normal();
    const double target = std::clamp(v_target_ + target_ou_, 1.5, 3.0);
    double a = acc_ou_ + 1.5 * (target - b.speed_mps);
    double v = b.speed_mps + a * dt;
    if (v < 0.8 || v > 3.5) {
      v = std::clamp(v, 0.8, 3.5);
      a = (v - b.speed_mps) / dt;
    }
    b.speed_mps = v;
    b.accel_mps2 = a;
    rate_ou_ = rate.a * rate_ou_ + rate.b * r.normal();
    b.heading_rate = rate_ou_;
    b.heading_rad += rate_ou_ * dt;
    jerk_ou_ = {jerk.a * jerk_ou_.x + jerk.b * r.normal(),
                jerk.a * jerk_ou_.y + jerk.b * r.normal(),
                jerk.a * jerk_ou_.z + jerk.b * r.normal()};
    b.body_acc = b.body_acc + jerk_ou_;
    wob_rate_ = {wob.a * wob_rate_.x + wob.b * r.normal(), wob.a * wob_rate_.y + wob.b * r.normal(),
                 wob.a * wob_rate_.z + wob.b * r.normal()};
    wob_ = wob_ + (wob_rate_ - 1.5 * wob_) * dt;  // leaky: the phone twists but stays bounded
    c.gait.step(0.7, b, r);
    stop_ = Ramp::make(b.speed_mps, 0.0, c.t + dt, stop_s_);
    wob_at_stop_ = wob_;
  } else {
    b.speed_mps = stop_.value(c.t);
    b.accel_mps2 = stop_.rate(c.t);
    rate_ou_ *= 0.95;
    b.heading_rate = rate_ou_;
    b.heading_rad += rate_ou_ * dt;
    // Let go: the twist relaxes smoothly to none by the end of the phase.
    const double x = stop_.progress(c.t);
    wob_ = wob_at_stop_ * (1.0 - x * x * (3.0 - 2.0 * x));
    c.gait.step(std::min(0.7, b.speed_mps / 2.0), b, r);
  }
  b.wobble = b.wobble + wob_;
  if (t_rel < rot_s_ + dt) {
    const double x = std::min(1.0, t_rel / rot_s_);
    b.mount = normalized(mount0_ * axis_angle(rot_axis_, rot_angle_ * smooth_step(x)));
  }
  b.label = Label::kForcedMovement;
}

}  // namespace css::sim

// Hard negatives besides jumping: everyday motion with sharp accelerations that is never
// risky — a stumble while walking (walking), sitting down hard and standing up again
// (stationary, posture changes) and running for a bus (running). docs/simulator.md, "Models".
#include <algorithm>
#include <cmath>

#include "css/core/units.hpp"
#include "phases.hpp"

namespace css::sim {

namespace {
constexpr double kG = units::kGravity;
constexpr double kPi = units::kPi;
constexpr double kSineMean = 2.0 / kPi;  // mean of sin(πx) over [0, 1]

constexpr double deg(double d) {
  return d * kTwoPi / 360.0;
}

// How much of a trunk pitch (forward lean) turns the phone: a pocket follows the thigh, not
// the trunk; a hand held in front and a shoulder bag follow it.
double lean_coupling(Placement p) {
  return p == Placement::kPocket ? 0.0 : (p == Placement::kHand ? 0.8 : 0.6);
}

void at_rest(Body& b) {
  b.speed_mps = 0.0;
  b.accel_mps2 = 0.0;
}
}  // namespace

double StumblePhase::begin(Ctx& c, const Phase& /*p*/) {
  Body& b = c.body;
  Rng& r = c.rng;
  walk_ = c.gait.params();
  v0_ = std::max(0.5, b.speed_mps);
  // Foot caught: the body is braked at 1–2 g peak within ~0.1 s (Δv ≤ 60 % of the speed).
  const double peak = kG * r.uniform(1.0, 2.0);
  const double dv = std::min(0.5 * peak * r.uniform(0.08, 0.12), 0.6 * v0_);
  dip_ = Ramp::make(0.0, dv, c.t, 2.0 * dv / peak);
  // 1–3 fast recovery steps at 1.35–1.6× the cadence, with harder foot contacts.
  recover_ = walk_;
  recover_.cadence_hz = walk_.cadence_hz * r.uniform(1.35, 1.6);
  recover_.vert_amp *= 1.4;
  recover_.ap_amp *= 1.4;
  recover_.heel_strike_g = std::min(1.5, 1.8 * std::max(0.3, walk_.heel_strike_g));
  recover_.arm_swing_rad *= 2.0;
  recover_.cadence_jitter = 0.05;
  const double recover_s = (1.0 + r.index(3)) / recover_.cadence_hz;
  recover_end_s_ = dip_.dur + recover_s;
  regain_ = Ramp::make(0.0, dv, c.t + dip_.dur, recover_s + r.uniform(0.2, 0.5));
  // The trunk pitches forward 15–30° in 0.2–0.3 s and comes back up within a second.
  const double pitch = deg(r.uniform(15.0, 30.0));
  pitch_ = Ramp::make(0.0, pitch, c.t, r.uniform(0.2, 0.3));
  unpitch_ = Ramp::make(0.0, pitch, c.t + pitch_.dur + r.uniform(0.1, 0.25), r.uniform(0.6, 1.0));
  veer_ = Ramp::make(0.0, r.sign() * deg(r.uniform(0.0, 15.0)), c.t, recover_end_s_);
  recovering_ = resumed_ = false;
  const double end = std::max(unpitch_.t0 + unpitch_.dur, regain_.t0 + regain_.dur);
  return end - c.t + 0.2;
}

void StumblePhase::step(Ctx& c, double t_rel) {
  Body& b = c.body;
  if (!recovering_ && t_rel >= dip_.dur) {
    recovering_ = true;
    c.gait.start(recover_, c.dt, c.rng, 0.15);
  }
  if (recovering_ && !resumed_ && t_rel >= recover_end_s_) {
    resumed_ = true;
    c.gait.start(walk_, c.dt, c.rng, 0.5);
  }
  b.speed_mps = v0_ - dip_.value(c.t) + regain_.value(c.t);
  b.accel_mps2 = regain_.rate(c.t) - dip_.rate(c.t);
  b.heading_rate = veer_.rate(c.t);
  b.heading_rad += b.heading_rate * c.dt;
  c.gait.step(1.0, b, c.rng);
  // Arms go forward to catch the fall: the hand pitches more than the trunk.
  const double k = b.placement == Placement::kHand ? 1.3 : lean_coupling(b.placement);
  const double lean = pitch_.value(c.t) - unpitch_.value(c.t);
  b.wobble.y += b.placement == Placement::kPocket ? -0.5 * lean : k * lean;
  b.label = walk_.label;
}

double SitHardPhase::begin(Ctx& c, const Phase& /*p*/) {
  Body& b = c.body;
  Rng& r = c.rng;
  // Turning the back to the seat (90–180° in 0.8–1.3 s); the drop starts before the turn ends.
  const double turn_s = r.uniform(0.8, 1.3);
  turn_ = Ramp::make(b.heading_rad, b.heading_rad + r.sign() * deg(r.uniform(90.0, 180.0)), c.t,
                     turn_s);
  drop_t0_ = turn_s * r.uniform(0.6, 0.9);
  // The seat stops the descent with a 1.5–3 g peak over 0.1–0.2 s; the descent speed that
  // this takes, (I − 1)·g·(2/π)·T = 0.3–2.5 m/s, builds up in an unsupported drop of
  // 0.3–0.5 s with the support reduced by up to 0.8 g.
  impact_g_ = r.uniform(1.5, 3.0);
  impact_s_ = r.uniform(0.1, 0.2);
  const double v = (impact_g_ - 1.0) * kG * kSineMean * impact_s_;
  drop_s_ = r.uniform(0.3, 0.5);
  drop_g_ = v / (kG * kSineMean * drop_s_);
  if (drop_g_ > 0.8) {
    drop_g_ = 0.8;
    drop_s_ = v / (kG * kSineMean * drop_g_);
  }
  // Seat cushion and body rebound: 4–7 Hz, 0.05–0.15 g, decaying in ~0.1 s.
  bounce_hz_ = r.uniform(4.0, 7.0);
  bounce_amp_ = kG * r.uniform(0.05, 0.15);
  // The trunk leans forward while dropping and back against the seat after the impact.
  const double lean = deg(r.uniform(15.0, 30.0));
  lean_ = Ramp::make(0.0, lean, c.t + drop_t0_, drop_s_);
  unlean_ = Ramp::make(0.0, lean, lean_.t0 + drop_s_ + impact_s_, r.uniform(0.5, 0.9));
  sat_ = false;
  return unlean_.t0 + unlean_.dur - c.t + r.uniform(0.2, 0.5);
}

void SitHardPhase::step(Ctx& c, double t_rel) {
  Body& b = c.body;
  at_rest(b);
  b.heading_rad = turn_.value(c.t);
  b.heading_rate = turn_.rate(c.t);
  c.gait.step(0.0, b, c.rng);
  if (!sat_ && t_rel >= drop_t0_) {
    sat_ = true;
    c.anim.start(b.mount, seated_mount(b, true), c.t, drop_s_ + impact_s_, 0.0);
    b.seated = true;
  }
  const double tau = t_rel - drop_t0_;
  if (tau >= 0.0 && tau < drop_s_) {
    b.up_acc -= drop_g_ * kG * std::sin(kPi * tau / drop_s_);
  } else if (tau >= drop_s_ && tau < drop_s_ + impact_s_) {
    b.up_acc += (impact_g_ - 1.0) * kG * std::sin(kPi * (tau - drop_s_) / impact_s_);
  } else if (tau >= drop_s_ + impact_s_) {
    const double u = tau - drop_s_ - impact_s_;
    b.up_acc += bounce_amp_ * std::exp(-u / 0.1) * std::sin(kTwoPi * bounce_hz_ * u);
  }
  b.wobble.y += lean_coupling(b.placement) * (lean_.value(c.t) - unlean_.value(c.t));
  b.label = Label::kStationary;
}

double StandUpPhase::begin(Ctx& c, const Phase& /*p*/) {
  Rng& r = c.rng;
  // Sit-to-stand: lean forward 20–35°, rise 0.35–0.5 m in 0.9–1.3 s (vertical peak ~0.15–0.3 g),
  // straighten up.
  const double lean = deg(r.uniform(20.0, 35.0));
  lean_ = Ramp::make(0.0, lean, c.t, r.uniform(0.5, 0.7));
  rise_ = Ramp::make(0.0, r.uniform(0.35, 0.5), c.t + 0.7 * lean_.dur, r.uniform(0.9, 1.3));
  unlean_ = Ramp::make(0.0, lean, rise_.t0 + 0.3, rise_.dur);
  stood_ = false;
  return unlean_.t0 + unlean_.dur - c.t + 0.3;
}

void StandUpPhase::step(Ctx& c, double /*t_rel*/) {
  Body& b = c.body;
  at_rest(b);
  b.heading_rate = 0.0;
  c.gait.step(0.0, b, c.rng);
  if (!stood_ && c.t >= rise_.t0) {
    stood_ = true;
    if (b.seated) c.anim.start(b.mount, seated_mount(b, false), c.t, rise_.dur, 0.0);
    b.seated = false;
  }
  b.up_acc += rise_.rate2(c.t);
  b.wobble.y += lean_coupling(b.placement) * (lean_.value(c.t) - unlean_.value(c.t));
  b.label = Label::kStationary;
}

double BusRunPhase::begin(Ctx& c, const Phase& /*p*/) {
  Body& b = c.body;
  Rng& r = c.rng;
  GaitParams p = gait_params(GaitKind::kRun, c.subject, r);
  // Running for a bus: 3–6 m/s, the step frequency rising with speed (~2.8 Hz at 3 m/s to
  // ~3.1 Hz at 6 m/s); the subject's stance fraction as in their running.
  v_run_ = r.uniform(3.0, 6.0);
  p.speed_mps = v_run_;
  p.cadence_hz = std::clamp(2.4 + 0.12 * v_run_, 2.6, 3.3);
  c.gait.start(p, c.dt, r, 0.5);
  // Sprint start: peak acceleration 2–4 m/s², at full speed within 2–3 s, turning 30–120°
  // towards the bus in 0.8–1.5 s.
  const double acc_s = std::clamp(2.0 * (v_run_ - b.speed_mps) / r.uniform(2.0, 4.0), 2.0, 3.0);
  speed_ = Ramp::make(b.speed_mps, v_run_, c.t, acc_s);
  turn_ = Ramp::make(b.heading_rad, b.heading_rad + r.sign() * deg(r.uniform(30.0, 120.0)), c.t,
                     r.uniform(0.8, 1.5));
  stop_t_ = acc_s + r.uniform(5.0, 20.0);
  // At the stop: braking 2–3.5 m/s² peak.
  stop_ = Ramp::make(v_run_, 0.0, c.t + stop_t_, 2.0 * v_run_ / r.uniform(2.0, 3.5));
  wander_.start(p.heading_wander_rps, 0.0, c.t);
  return stop_t_ + stop_.dur + 0.1;
}

void BusRunPhase::step(Ctx& c, double t_rel) {
  Body& b = c.body;
  const Ramp& v = t_rel < stop_t_ ? speed_ : stop_;
  b.speed_mps = v.value(c.t);
  b.accel_mps2 = v.rate(c.t);
  if (!turn_.done(c.t)) {
    b.heading_rad = turn_.value(c.t);
    b.heading_rate = turn_.rate(c.t);
  } else {
    wander_.step(c);
  }
  // Full strides from the first step of the sprint start.
  c.gait.step(std::clamp(b.speed_mps / (0.4 * v_run_), 0.0, 1.0), b, c.rng);
  b.label = t_rel >= stop_t_ && stop_.done(c.t) ? Label::kStationary : Label::kRunning;
}

}  // namespace css::sim

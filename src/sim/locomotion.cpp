// On-foot phases (standing, walking, stairs, running) and the helpers they share.
#include <algorithm>
#include <cmath>

#include "phases.hpp"

namespace css::sim {

namespace {
constexpr double deg(double d) {
  return d * kTwoPi / 360.0;
}
}  // namespace

Quat yaw_quat(double heading_rad) {
  const double half = 0.5 * (0.25 * kTwoPi - heading_rad);
  return {std::cos(half), 0.0, 0.0, std::sin(half)};
}

void recouple(Ctx& c) {
  Body& b = c.body;
  b.mount = normalized(conj(yaw_quat(b.heading_rad) * small_rotation(b.wobble)) * b.free_q);
  b.decoupled = false;
}

Quat seated_mount(const Body& b, bool sitting) {
  if (b.placement == Placement::kPocket) {
    return normalized(axis_angle({0, 1, 0}, sitting ? -deg(90) : deg(90)) * b.mount);
  }
  if (b.placement == Placement::kHand) {
    return normalized(axis_angle({0, 1, 0}, sitting ? deg(12) : -deg(12)) * b.mount);
  }
  return b.mount;
}

void MountAnimator::start(const Quat& from, const Quat& to, double t0, double dur_s,
                          double lift_m) {
  from_ = from;
  to_ = to;
  ramp_ = Ramp::make(0.0, 1.0, t0, dur_s);
  lift_ = Ramp::make(0.0, lift_m, t0, dur_s);
  active_ = true;
}

void MountAnimator::step(double t, Body& body) {
  if (!active_) return;
  body.mount = slerp(from_, to_, ramp_.value(t));
  body.up_acc += lift_.rate2(t);
  if (ramp_.done(t)) active_ = false;
}

namespace {
double lift_height(Placement from, Placement to) {
  // Hand height when reading ~1.2–1.4 m, front pocket ~0.8–0.9 m, shoulder bag ~1.0 m.
  auto h = [](Placement p) {
    return p == Placement::kHand ? 1.3 : (p == Placement::kBag ? 1.0 : 0.85);
  };
  return h(to) - h(from);
}
}  // namespace

void handle_to(Ctx& c, Placement to, double dur_s) {
  Body& b = c.body;
  if (b.placement == to || b.decoupled) return;
  const Quat target = draw_mount(to, c.subject, b.seated, c.rng);
  c.anim.start(b.mount, target, c.t, dur_s, b.seated ? 0.0 : lift_height(b.placement, to));
  b.placement = to;
}

void HeadingWander::start(double sigma_rps, double turn_rate_per_s, double t0) {
  sigma_ = sigma_rps;
  turn_rate_ = turn_rate_per_s;
  rate_ = 0.0;
  turning_ = false;
  ou_ready_ = false;
  next_turn_t_ = turn_rate_ > 0 ? t0 + 3.0 : 1e300;
}

void HeadingWander::step(Ctx& c) {
  if (!ou_ready_) {
    ou_ = OuCoeffs::make(sigma_, 4.0, c.dt);
    ou_ready_ = true;
  }
  rate_ = ou_.a * rate_ + ou_.b * c.rng.normal();
  double rate = rate_;
  if (!turning_ && c.t >= next_turn_t_ && turn_rate_ > 0) {
    // Street corners and crossings: 30–100°, peak yaw rate ≤ ~1.3 rad/s.
    const double angle = c.rng.sign() * deg(c.rng.uniform(30.0, 100.0));
    turn_ = Ramp::make(0.0, angle, c.t, std::max(1.2, 2.0 * std::fabs(angle) / 1.3));
    turning_ = true;
  }
  if (turning_) {
    rate += turn_.rate(c.t);
    if (turn_.done(c.t)) {
      turning_ = false;
      next_turn_t_ = c.t + c.rng.exponential(1.0 / turn_rate_);
    }
  }
  c.body.heading_rate = rate;
  c.body.heading_rad += rate * c.dt;
}

double StillPhase::begin(Ctx& c, const Phase& p) {
  const double v = c.body.speed_mps;
  const double dur = v > 0.05 ? std::max(0.8, ramp_duration(v, 1.5, 6.0)) : 0.0;
  stop_ = Ramp::make(v, 0.0, c.t, dur);
  moving_ = v > 0.05 ? c.gait.params().label : Label::kStationary;
  if (p.handle) handle_to(c, p.handle_to, c.rng.uniform(1.0, 1.6));
  return p.duration_s;
}

void StillPhase::step(Ctx& c, double /*t_rel*/) {
  Body& b = c.body;
  b.speed_mps = stop_.value(c.t);
  b.accel_mps2 = stop_.rate(c.t);
  b.heading_rate = 0.0;
  const double v_gait = std::max(0.3, c.gait.params().speed_mps);
  c.gait.step(std::min(1.0, b.speed_mps / v_gait), b, c.rng);
  // The last steps of a walk are still that walk, as the first steps are (GaitPhase labels
  // its speed-up): stationary starts at rest. An earlier version labelled the ~1 s slow-down
  // stationary, so the short stops of a mix became windows that were mostly steps.
  b.label = stop_.done(c.t) ? Label::kStationary : moving_;
}

double GaitPhase::begin(Ctx& c, const Phase& p) {
  const GaitParams gp = gait_params(p.gait, c.subject, c.rng);
  c.gait.start(gp, c.dt, c.rng);
  const double dv = gp.speed_mps - c.body.speed_mps;
  // Gait initiation reaches steady speed within ~2–3 steps (≈1–2 s).
  const double dur = std::max(1.0, ramp_duration(dv, gp.running ? 2.5 : 1.5, 6.0));
  speed_ = Ramp::make(c.body.speed_mps, gp.speed_mps, c.t, dur);
  wander_.start(gp.heading_wander_rps, gp.running ? 1.0 / 90.0 : 1.0 / 30.0, c.t);
  if (p.handle) handle_to(c, p.handle_to, c.rng.uniform(1.0, 1.6));
  return p.duration_s;
}

void GaitPhase::step(Ctx& c, double /*t_rel*/) {
  Body& b = c.body;
  b.speed_mps = speed_.value(c.t);
  b.accel_mps2 = speed_.rate(c.t);
  wander_.step(c);
  const double target = c.gait.params().speed_mps;
  c.gait.step(std::clamp(b.speed_mps / target, 0.0, 1.0), b, c.rng);
  b.label = c.gait.params().label;
}

}  // namespace css::sim

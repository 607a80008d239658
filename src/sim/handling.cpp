// Everyday handling that must not alarm: putting the phone on a table and picking
// it up, and dropping it (free fall, impact, rest, pick-up). Labelled stationary.
#include <algorithm>
#include <cmath>

#include "css/core/units.hpp"
#include "phases.hpp"

namespace css::sim {

namespace {
constexpr double kG = units::kGravity;

void stand_still(Ctx& c) {
  Body& b = c.body;
  b.speed_mps = 0.0;
  b.accel_mps2 = 0.0;
  b.heading_rate = 0.0;
  c.gait.step(0.0, b, c.rng);
  b.label = Label::kStationary;
}

Vec3 random_unit(Rng& rng) {
  return unit(Vec3{rng.normal(), rng.normal(), rng.normal()});
}
}  // namespace

double TablePhase::begin(Ctx& c, const Phase& p) {
  put_s_ = c.rng.uniform(0.8, 1.3);
  pick_s_ = c.rng.uniform(1.0, 1.5);
  const double dur = std::max(p.duration_s, put_s_ + pick_s_ + 2.0);
  pick_at_s_ = dur - pick_s_;
  // Flat on the table (screen up, sometimes down), any yaw.
  const double a = c.rng.uniform(0.0, kTwoPi);
  const Vec3 z{0, 0, c.rng.chance(0.85) ? 1.0 : -1.0};
  const Vec3 x{std::cos(a), std::sin(a), 0};
  flat_ = from_axes(x, cross(z, x), z);
  if (!c.body.decoupled) c.anim.start(c.body.mount, flat_, c.t, put_s_, -0.4);
  on_table_ = false;
  picked_ = false;
  return dur;
}

void TablePhase::step(Ctx& c, double t_rel) {
  stand_still(c);
  Body& b = c.body;
  if (!on_table_ && t_rel >= put_s_) {
    on_table_ = true;
    b.free_q = c.q_last;
    b.decoupled = true;
    b.free_acc = {0, 0, 2.5};  // the small knock of setting it down
    return;
  }
  if (on_table_ && !picked_) {
    b.free_acc = {};
    if (t_rel >= pick_at_s_) {
      recouple(c);
      c.anim.start(b.mount, draw_mount(Placement::kHand, c.subject, b.seated, c.rng), c.t, pick_s_,
                   0.4);
      b.placement = Placement::kHand;
      picked_ = true;
    }
  }
}

double DropPhase::begin(Ctx& c, const Phase& p) {
  // Dropped from hand or waist height: h = 0.5–1.3 m → free fall t = √(2h/g) ≈ 0.32–0.51 s.
  height_m_ = c.rng.uniform(0.5, 1.3);
  fall_s_ = std::sqrt(2.0 * height_m_ / kG);
  impact_v_ = std::sqrt(2.0 * kG * height_m_);
  restitution_ = c.rng.uniform(0.1, 0.3);  // phone (with case) on a hard floor
  bounce_s_ = 2.0 * restitution_ * impact_v_ / kG;
  const double omega = c.rng.uniform(2.0, 8.0);  // tumbling rate, rad/s
  tumble_ = axis_angle(random_unit(c.rng), omega * c.dt);
  pick_s_ = c.rng.uniform(1.3, 1.8);
  const double rest = std::max(p.duration_s, c.rng.uniform(2.0, 6.0));
  settle_end_ = fall_s_ + 3.0 * c.dt + bounce_s_ + 0.15;
  pick_at_s_ = settle_end_ + rest;
  stage_ = 0;
  stage_t_ = 0.0;
  return pick_at_s_ + pick_s_;
}

void DropPhase::step(Ctx& c, double t_rel) {
  stand_still(c);
  Body& b = c.body;
  auto next_stage = [&] {
    ++stage_;
    stage_t_ = t_rel;
  };
  switch (stage_) {
    case 0:  // free fall: specific force 0, tumbling
      if (!b.decoupled) {
        b.free_q = c.q_last;
        b.decoupled = true;
      }
      b.free_q = normalized(tumble_ * b.free_q);
      b.free_acc = {0, 0, -kG};
      if (t_rel + c.dt >= fall_s_) next_stage();
      break;
    case 1: {  // impact: Δv = v(1+e) over ~2 samples, as a 50 Hz anti-aliased IMU sees it
      const double a = impact_v_ * (1.0 + restitution_) / (2.0 * c.dt);
      b.free_acc = {0.3 * a * c.rng.normal(), 0.3 * a * c.rng.normal(), a};
      b.free_q = normalized(tumble_ * b.free_q);
      if (t_rel - stage_t_ + c.dt >= 2.0 * c.dt - 1e-9) {
        c.spl.add_event(c.t, c.rng.uniform(70.0, 82.0), 0.005, 0.03, 80.0);
        next_stage();
      }
      break;
    }
    case 2:  // bounce
      b.free_acc = {0, 0, -kG};
      b.free_q = normalized(tumble_ * b.free_q);
      if (t_rel - stage_t_ + c.dt >= bounce_s_) next_stage();
      break;
    case 3: {  // second, softer impact; then settle flat on the nearest face
      b.free_acc = {0, 0, restitution_ * impact_v_ * 1.3 / c.dt};
      settle_from_ = b.free_q;
      const Vec3 zw = rotate(b.free_q, {0, 0, 1});
      const Vec3 target{0, 0, zw.z >= 0 ? 1.0 : -1.0};
      const Vec3 axis = cross(zw, target);
      const double s = norm(axis);
      settle_to_ = s > 1e-9
                       ? normalized(axis_angle(axis * (1.0 / s),
                                               std::acos(std::clamp(dot(zw, target), -1.0, 1.0))) *
                                    b.free_q)
                       : b.free_q;
      next_stage();
      break;
    }
    case 4: {  // settle
      const double u = std::min(1.0, (t_rel - stage_t_) / 0.15);
      b.free_q = slerp(settle_from_, settle_to_, u * u * (3 - 2 * u));
      b.free_acc = {};
      if (u >= 1.0) next_stage();
      break;
    }
    case 5:  // lying on the floor
      b.free_acc = {};
      if (t_rel >= pick_at_s_) {
        recouple(c);
        c.anim.start(b.mount, draw_mount(Placement::kHand, c.subject, b.seated, c.rng), c.t,
                     pick_s_, height_m_);
        b.placement = Placement::kHand;
        next_stage();
      }
      break;
    default:
      break;
  }
}

}  // namespace css::sim

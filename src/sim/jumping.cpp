// Hard negative: jumping. Vertical jumps in place (labelled stationary) and a hop over a
// puddle or kerb while walking (labelled with the walk). A jump is a vertical specific-force
// profile whose momentum balances — unweighting, push, release, flight at 0 g, landing
// impact and knee-flexion absorption — plus the thigh's flexion (docs/simulator.md, "Jumping").
#include <algorithm>
#include <cmath>

#include "css/core/units.hpp"
#include "phases.hpp"

namespace css::sim {

namespace {
constexpr double kG = units::kGravity;
constexpr double kPi = units::kPi;
constexpr double kSineMean = 2.0 / kPi;  // mean of sin(πx) over [0, 1]
constexpr double kPushMean = 0.8;        // mean of 1 − (2x − 1)⁴ over [0, 1] (a broad push)

double smooth(double x) {
  x = std::clamp(x, 0.0, 1.0);
  return x * x * (3.0 - 2.0 * x);
}

double push_shape(double x) {
  const double y = 2.0 * x - 1.0;
  return 1.0 - y * y * y * y;
}

// Landing support of the absorption phase (in g): rises from 0 at touchdown to 1 g standing,
// with a bump of `absorb_g` while the knees flex.
double absorb_support(double x, double absorb_g) {
  return smooth(x) + absorb_g * std::sin(kPi * std::min(1.0, x));
}
}  // namespace

JumpProfile JumpProfile::draw(Rng& r, bool hop) {
  JumpProfile j;
  // Flight time of a jump in place 0.3–0.5 s (jump height g·t²/8 = 0.11–0.31 m); a hop over a
  // puddle is lower.
  j.flight_s = hop ? r.uniform(0.25, 0.4) : r.uniform(0.3, 0.5);
  const double v0 = kG * j.flight_s / 2.0;  // take-off and touchdown speed
  j.release_s = r.uniform(0.04, 0.08);      // the feet leave the ground: support 1 g → 0
  if (!hop) {                               // countermovement: the body dips first
    j.unweight_s = r.uniform(0.2, 0.3);
    j.unweight_g = r.uniform(0.2, 0.45);
  }
  // The push makes up the dip, the release and the take-off speed; its peak (total specific
  // force) 1.8–2.5 g in place, 1.5–2.2 g for a hop, within 0.2–0.4 s.
  const double need = v0 + j.unweight_g * kG * kSineMean * j.unweight_s + kG * j.release_s / 2.0;
  const double peak = hop ? r.uniform(1.5, 2.2) : r.uniform(1.8, 2.5);
  j.push_s = std::clamp(need / ((peak - 1.0) * kG * kPushMean), 0.2, 0.4);
  j.push_g = need / (kG * kPushMean * j.push_s);
  // Landing: trunk-level peak 3–6 g in place (2.5–4.5 g for a hop), a short impact carrying
  // 50–65 % of the touchdown momentum, the rest absorbed by knee flexion over 0.12–0.2 s.
  const double land = hop ? r.uniform(2.5, 4.5) : r.uniform(3.0, 6.0);
  j.absorb_s = r.uniform(0.12, 0.2);
  const double share = r.uniform(0.5, 0.65);
  // ∫(support − 1) g dt over the absorption = −g·T/2 + A·g·(2/π)·T must stop the rest.
  j.absorb_g = ((1.0 - share) * v0 + kG * j.absorb_s / 2.0) / (kG * kSineMean * j.absorb_s);
  // Impact excess e (its duration follows from its share of the momentum) such that the
  // landing's total peak is `land`: a few secant steps on the peak found on a 1 ms grid.
  double e = land - 1.0;
  for (int it = 0; it < 5; ++it) {
    j.impact_g = e;
    j.impact_s = share * v0 / (e * kG * kSineMean);
    double top = 0.0;
    for (double t = 0.0; t < j.absorb_s; t += 1e-3) {
      top = std::max(top, absorb_support(t / j.absorb_s, j.absorb_g) +
                              (t < j.impact_s ? e * std::sin(kPi * t / j.impact_s) : 0.0));
    }
    e = std::max(0.5, e + land - top);
  }
  j.impact_g = e;
  j.impact_s = share * v0 / (e * kG * kSineMean);
  j.crouch_rad = hop ? 0.0 : r.uniform(0.3, 0.6);
  j.land_flex_rad = hop ? r.uniform(0.2, 0.45) : r.uniform(0.3, 0.7);
  j.recover_s = r.uniform(0.4, 0.7);
  return j;
}

double JumpProfile::trunk_acc(double t) const {
  if (t < 0.0) return 0.0;
  if (t < unweight_s) return -unweight_g * kG * std::sin(kPi * t / unweight_s);
  t -= unweight_s;
  if (t < push_s) return push_g * kG * push_shape(t / push_s);
  t -= push_s;
  if (t < release_s) return -kG * 0.5 * (1.0 - std::cos(kPi * t / release_s));
  t -= release_s;
  if (t < flight_s) return -kG;  // free flight: specific force 0
  t -= flight_s;
  // Touchdown: the support rises from 0 while the knees flex, plus the impact.
  double a = kG * (absorb_support(t / absorb_s, absorb_g) - 1.0);
  if (t < impact_s) a += impact_g * kG * std::sin(kPi * t / impact_s);
  return a;
}

double JumpProfile::up_acc(double t, double window_s) const {
  // The mount (soft tissue, fabric, arm, strap) low-passes the landing: the trunk's
  // acceleration averaged over window_s keeps the impulse and lowers a short impact's peak.
  // The flight (≥ 0.25 s) is longer than the window, so filtering starts in it, at 0 g.
  if (window_s <= 0.0 || t < landing_t() - 0.5 * window_s) return trunk_acc(t);
  constexpr int kPoints = 16;
  double sum = 0.0;
  for (int i = 0; i < kPoints; ++i) sum += trunk_acc(t + window_s * ((i + 0.5) / kPoints - 0.5));
  return sum / kPoints;
}

double JumpProfile::push_weight(double t) const {
  t -= unweight_s;
  return t >= 0.0 && t < push_s ? push_shape(t / push_s) / (kPushMean * push_s) : 0.0;
}

double JumpProfile::landing_weight(double t) const {
  t -= landing_t();
  return t >= 0.0 && t < absorb_s ? 0.5 * kPi / absorb_s * std::sin(kPi * t / absorb_s) : 0.0;
}

double JumpProfile::flexion(double t) const {
  if (t < 0.0) return 0.0;
  if (t < unweight_s) return crouch_rad * smooth(t / unweight_s);
  t -= unweight_s;
  if (t < push_s) return crouch_rad * (1.0 - smooth(t / push_s));
  t -= push_s + release_s + flight_s;
  if (t < 0.0) return 0.0;
  if (t < absorb_s) return land_flex_rad * smooth(t / absorb_s);
  t -= absorb_s;
  return land_flex_rad * (1.0 - smooth(t / recover_s));
}

double JumpPhase::begin(Ctx& c, const Phase& /*p*/) {
  Body& b = c.body;
  Rng& r = c.rng;
  moving_ = b.speed_mps > 0.3;
  label_ = moving_ ? c.gait.params().label : Label::kStationary;
  n_ = moving_ ? 1 : 1 + r.index(kMaxJumps);  // 1–4 jumps in place, one hop
  fade_s_ = moving_ ? 0.15 : 0.0;             // the walking step turns into the take-off
  double t = fade_s_;
  for (int i = 0; i < n_; ++i) {
    jumps_[i] = JumpProfile::draw(r, moving_);
    start_s_[i] = t;
    t += jumps_[i].duration() + (i + 1 < n_ ? r.uniform(0.2, 1.0) : 0.0);
  }
  end_s_ = t;
  // The mount's low-pass on the landing impact (docs/simulator.md, "Jumping"): the thigh's
  // soft tissue and pocket ~60 ms, the arm ~65 ms, a shoulder strap ~70 ms.
  const double w =
      b.placement == Placement::kPocket ? 0.06 : (b.placement == Placement::kHand ? 0.065 : 0.07);
  window_s_ = w * r.uniform(0.9, 1.1);
  dv_fwd_ = moving_ ? r.uniform(0.2, 0.4) : 0.0;  // a hop pushes forward and brakes on landing
  return moving_ ? end_s_ + 0.5 : end_s_;
}

void JumpPhase::step(Ctx& c, double t_rel) {
  Body& b = c.body;
  int i = n_ - 1;
  while (i > 0 && t_rel < start_s_[i]) --i;
  const JumpProfile& j = jumps_[i];
  const double tj = t_rel - start_s_[i];
  double flex = 0.0;
  if (tj >= 0.0 && tj < j.duration()) {
    b.up_acc += j.up_acc(tj, window_s_);
    b.body_acc.x += dv_fwd_ * (j.push_weight(tj) - j.landing_weight(tj));
    flex = j.flexion(tj);
  }
  b.accel_mps2 = 0.0;
  double envelope = 0.0;
  if (moving_) {  // the walk keeps its speed; its steps give way to the hop and come back
    b.heading_rate *= 0.97;
    b.heading_rad += b.heading_rate * c.dt;
    envelope = t_rel < fade_s_ ? 1.0 - smooth(t_rel / fade_s_) : smooth((t_rel - end_s_) / 0.5);
  } else {
    b.speed_mps = 0.0;
    b.heading_rate = 0.0;
  }
  c.gait.step(envelope, b, c.rng);
  // Knee and hip flexion: the pocket turns with the thigh (forward = −pitch); the trunk, and
  // with it a bag or a hand held in front, leans forward.
  const double k =
      b.placement == Placement::kPocket ? -1.0 : (b.placement == Placement::kHand ? 0.5 : 0.3);
  b.wobble.y += k * flex;
  b.label = label_;
}

}  // namespace css::sim

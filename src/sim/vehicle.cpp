// Vehicles: getting in (walk, stop, turn and sit, door slam, engine start), riding
// (jerk-limited speed profile, turns, stops, road vibration, cabin noise) and getting out.
#include <algorithm>
#include <cmath>

#include "css/core/units.hpp"
#include "phases.hpp"

namespace css::sim {

namespace {
constexpr double deg(double d) {
  return d * kTwoPi / 360.0;
}

// Damped rocking of the car body after a door slam (suspension ~1.5–2 Hz).
Vec3 door_jolt(double u, double amp) {
  if (u < 0.0 || u > 1.2) return {};
  const double env = amp * std::exp(-u / 0.25);
  return {0.2 * env * std::sin(kTwoPi * 1.8 * u), env * std::sin(kTwoPi * 1.8 * u + 0.4),
          0.6 * env * std::sin(kTwoPi * 2.2 * u)};
}
}  // namespace

double EnterVehiclePhase::begin(Ctx& c, const Phase& /*p*/) {
  Rng& r = c.rng;
  const double v = c.body.speed_mps;
  const double stop_s = std::max(1.0, ramp_duration(v, 1.5, 6.0));
  stop_ = Ramp::make(v, 0.0, c.t, stop_s);
  moving_ = v > 0.05 ? c.gait.params().label : Label::kStationary;
  const double pause = r.uniform(1.0, 2.5);  // opening the door
  sit_t0_ = c.t + stop_s + pause;
  const double sit_s = r.uniform(1.2, 2.0);
  // Turning to face forward while sitting: 90–180° within 1.2–2 s.
  const double h = c.body.heading_rad;
  turn_ = Ramp::make(h, h + r.sign() * deg(r.uniform(90.0, 180.0)), sit_t0_, sit_s);
  // Car seat ~0.35–0.5 m below standing hip height.
  sit_ = Ramp::make(0.0, -r.uniform(0.35, 0.5), sit_t0_, sit_s);
  door_t_ = sit_t0_ + sit_s + r.uniform(1.0, 2.0);
  engine_t_ = door_t_ + r.uniform(1.5, 3.0);
  jolt_amp_ = r.uniform(0.5, 1.5);
  door_open_t_ = sit_t0_ - 0.6;
  c.spl.add_event(door_open_t_, r.uniform(62.0, 70.0), 0.02, 0.1, 40.0);  // door opens
  sat_ = slammed_ = engine_on_ = false;
  return engine_t_ - c.t + r.uniform(1.0, 3.0);
}

void EnterVehiclePhase::step(Ctx& c, double /*t_rel*/) {
  Body& b = c.body;
  b.speed_mps = stop_.value(c.t);
  b.accel_mps2 = stop_.rate(c.t);
  const double v_gait = std::max(0.3, c.gait.params().speed_mps);
  c.gait.step(std::min(1.0, b.speed_mps / v_gait), b, c.rng);
  if (c.t >= sit_t0_) {
    if (!sat_) {
      sat_ = true;
      c.anim.start(b.mount, seated_mount(b, true), c.t, sit_.dur, 0.0);
      b.seated = true;
    }
    b.heading_rad = turn_.value(c.t);
    b.heading_rate = turn_.rate(c.t);
    b.up_acc += sit_.rate2(c.t);
  } else {
    b.heading_rate = 0.0;
  }
  if (!slammed_ && c.t >= door_t_) {
    slammed_ = true;
    // Car door slam heard from inside: ~85–95 dBA peak, decaying within ~0.5 s.
    c.spl.add_event(c.t, c.rng.uniform(85.0, 95.0), 0.01, 0.05, 35.0);
  }
  if (slammed_) b.body_acc = b.body_acc + door_jolt(c.t - door_t_, jolt_amp_);
  if (!engine_on_ && c.t >= engine_t_) {
    engine_on_ = true;
    c.spl.add_event(c.t, c.rng.uniform(70.0, 78.0), 0.3, 0.8, 10.0);
    c.spl.set_environment(Acoustic::kCabin);
  }
  // Stopping at the car and waiting for the door are labelled exactly as StillPhase labels
  // them (the last steps are the walk, then stationary): `entering_vehicle` starts when the
  // door opens. An earlier version labelled the stop too, 2–3.5 s no window can tell from a
  // walker stopping anywhere else.
  if (!stop_.done(c.t)) {
    b.label = moving_;
  } else {
    b.label = c.t < door_open_t_ ? Label::kStationary : Label::kEnteringVehicle;
  }
}

double ExitVehiclePhase::begin(Ctx& c, const Phase& /*p*/) {
  Rng& r = c.rng;
  c.spl.set_environment(Acoustic::kStreet);
  c.spl.add_event(c.t + 0.5, r.uniform(62.0, 70.0), 0.02, 0.1, 40.0);
  stand_t0_ = c.t + r.uniform(1.5, 3.0);
  const double stand_s = r.uniform(1.2, 2.0);
  const double h = c.body.heading_rad;
  turn_ = Ramp::make(h, h + r.sign() * deg(r.uniform(60.0, 120.0)), stand_t0_, stand_s);
  stand_ = Ramp::make(0.0, r.uniform(0.35, 0.5), stand_t0_, stand_s);
  door_t_ = stand_t0_ + stand_s + r.uniform(1.0, 2.5);
  stood_ = slammed_ = false;
  return door_t_ - c.t + r.uniform(0.5, 1.5);
}

void ExitVehiclePhase::step(Ctx& c, double /*t_rel*/) {
  Body& b = c.body;
  b.speed_mps = 0.0;
  b.accel_mps2 = 0.0;
  c.gait.step(0.0, b, c.rng);
  if (c.t >= stand_t0_) {
    if (!stood_) {
      stood_ = true;
      c.anim.start(b.mount, seated_mount(b, false), c.t, stand_.dur, 0.0);
      b.seated = false;
    }
    b.heading_rad = turn_.value(c.t);
    b.heading_rate = turn_.rate(c.t);
    b.up_acc += stand_.rate2(c.t);
  } else {
    b.heading_rate = 0.0;
  }
  if (!slammed_ && c.t >= door_t_) {
    slammed_ = true;
    c.spl.add_event(c.t, c.rng.uniform(80.0, 90.0), 0.01, 0.05, 35.0);
  }
  if (slammed_) b.body_acc = b.body_acc + door_jolt(c.t - door_t_, 0.4);
  // Getting out is not a class of its own (docs/architecture.md, "Canonical data"): it is labelled
  // stationary from the moment the passenger rises out of the seat. Until then they sit in the
  // parked car, as in the last seconds of the ride (DrivePhase's final stop), and are in_vehicle.
  // An earlier version labelled the seated 1.5–3 s stationary: windows identical to a car at a
  // light.
  b.label = c.t < stand_t0_ ? Label::kInVehicle : Label::kStationary;
}

double DrivePhase::begin(Ctx& c, const Phase& p) {
  Rng& r = c.rng;
  Body& b = c.body;
  if (!b.seated) {  // a recording that starts in the car
    b.seated = true;
    b.mount = draw_mount(b.placement, c.subject, true, r);
  }
  c.spl.set_environment(Acoustic::kCabin);
  duration_ = p.duration_s;
  // Normal urban driving: ~1–2 m/s² accelerating, ~1.5–3 m/s² braking, jerk ≲ 2.5 m/s³
  // (ride-comfort ranges reported in vehicle dynamics and transit comfort studies).
  accel_max_ = r.uniform(1.0, 2.0);
  brake_max_ = r.uniform(1.5, 2.8);
  jerk_max_ = r.uniform(1.5, 2.5);
  speed_ = Ramp::make(b.speed_mps, b.speed_mps, c.t, 0.0);
  heading_ = Ramp::make(b.heading_rad, b.heading_rad, c.t, 0.0);
  // Starting from rest: seat belt, engine, mirrors, then pull out (2–8 s). That wait is the
  // idle, so the first manoeuvre is the departure, not another traffic-light stop (an
  // earlier version added 5–35 s here, an idle at the kerb no window can tell from standing).
  const bool at_rest = b.speed_mps < 0.1;
  hold_until_ = c.t + (at_rest ? r.uniform(2.0, 8.0) : 0.0);
  pending_turn_ = 0;
  final_stop_ = false;
  idled_ = at_rest;
  // Road excitation of the cabin in the 10–20 Hz band, plus body heave near 1–1.5 Hz
  // (sprung-mass natural frequency of passenger cars).
  const double nyq = 0.45 / c.dt;
  vib_[0].reset(std::min(nyq, r.uniform(10.0, 14.0)), r.uniform(0, kTwoPi), c.dt);
  vib_[1].reset(std::min(nyq, r.uniform(14.0, 20.0)), r.uniform(0, kTwoPi), c.dt);
  vib_[2].reset(std::min(nyq, r.uniform(11.0, 18.0)), r.uniform(0, kTwoPi), c.dt);
  heave_.reset(r.uniform(1.0, 1.5), 0.0, c.dt);
  vib_amp_ = r.uniform(0.012, 0.025);  // (m/s²) per (m/s) of speed
  rough_ = 1.0;
  rough_ou_ = OuCoeffs::make(0.3, 20.0, c.dt);
  bump_t_ = -1.0;
  return duration_;
}

void DrivePhase::speed_to(double v, double t, double max_acc) {
  const double v0 = speed_.value(t);
  speed_ = Ramp::make(v0, v, t, std::max(0.5, ramp_duration(v - v0, max_acc, jerk_max_)));
}

double DrivePhase::ramp_s(double v0, double v1) const {
  return std::max(0.5, ramp_duration(v1 - v0, v1 > v0 ? accel_max_ : brake_max_, jerk_max_));
}

double DrivePhase::stop_s(double v) const {
  return ramp_s(v, 0.0) + 8.0;
}

double DrivePhase::fitting_speed(double v, double nv, double remaining) const {
  // Town traffic crawls at ≥ 3 m/s (~10 km/h); below that the trip is over.
  constexpr double kSlowest = 3.0;
  for (double s = nv; s >= std::min(nv, kSlowest); s -= 1.0) {
    if (ramp_s(v, s) + stop_s(s) <= remaining) return s;
  }
  return -1.0;
}

void DrivePhase::final_stop(double t) {
  final_stop_ = true;
  speed_to(0.0, t, brake_max_);
}

// Every manoeuvre must leave time to brake to rest before the ride ends: a ride that ends
// while moving hands the next phase a speed with its ramp cut off (an acceleration step).
void DrivePhase::next_manoeuvre(Ctx& c, double t_rel) {
  Rng& r = c.rng;
  const double t = c.t;
  const double v = speed_.value(t);
  const double remaining = duration_ - t_rel;
  if (final_stop_) return;
  if (remaining < stop_s(v)) return final_stop(t);
  // A trip too short for the drawn speed drives slower instead: an earlier version stopped
  // for good here, so the 25–45 s rides of short mixes sat parked from start to end and
  // their in_vehicle label covered a still phone no window can tell from standing.
  const auto change_speed = [&](double nv) {
    const double fit = fitting_speed(v, nv, remaining);
    if (fit < 0.0) return final_stop(t);
    speed_to(fit, t, fit > v ? accel_max_ : brake_max_);
  };
  if (pending_turn_ == 2) {  // out of the turn: back up to traffic speed
    pending_turn_ = 0;
    return change_speed(r.uniform(8.0, 16.0));
  }
  if (pending_turn_ != 0) {
    // Turning at an intersection: ~90° in 4–7 s at 4–7 m/s (centripetal ≈ v·ψ̇ ≲ 2.5 m/s²).
    const double angle = pending_turn_ * deg(r.uniform(80.0, 100.0));
    const double turn_s = r.uniform(4.0, 7.0);
    if (turn_s + stop_s(v) > remaining) return final_stop(t);
    heading_ = Ramp::make(c.body.heading_rad, c.body.heading_rad + angle, t, turn_s);
    pending_turn_ = 2;
    return;
  }
  if (v < 0.1) {
    if (!idled_) {  // traffic light, junction
      idled_ = true;
      hold_until_ = t + std::min(r.uniform(5.0, 35.0), remaining);
      return;
    }
    idled_ = false;
    return change_speed(r.chance(0.15) ? r.uniform(18.0, 25.0) : r.uniform(8.0, 16.0));
  }
  const double u = r.uniform();
  if (u < 0.3) {
    change_speed(r.uniform(6.0, 16.0));
  } else if (u < 0.55) {
    turn_speed_ = r.uniform(4.0, 7.0);
    change_speed(std::min(v, turn_speed_));
    if (!final_stop_) pending_turn_ = r.chance(0.5) ? 1 : -1;
  } else if (u < 0.75) {
    speed_to(0.0, t, brake_max_);
  } else {  // cruise, at most until the final stop must begin
    hold_until_ = t + std::min(r.uniform(5.0, 25.0), std::max(0.0, remaining - stop_s(v)));
  }
}

void DrivePhase::step(Ctx& c, double t_rel) {
  Body& b = c.body;
  Rng& r = c.rng;
  const double t = c.t;
  if (speed_.done(t) && heading_.done(t) && t >= hold_until_) next_manoeuvre(c, t_rel);
  b.speed_mps = std::max(0.0, speed_.value(t));
  b.accel_mps2 = speed_.rate(t);
  b.heading_rad = heading_.value(t);
  b.heading_rate = heading_.rate(t);
  // Vibration: road excitation grows with speed; the idling engine keeps a small floor.
  rough_ = std::clamp(1.0 + rough_ou_.a * (rough_ - 1.0) + rough_ou_.b * r.normal(), 0.4, 2.0);
  for (auto& o : vib_) o.step();
  heave_.step();
  const double amp = 0.03 + vib_amp_ * rough_ * b.speed_mps;
  const double heave = 0.12 * rough_ * std::min(1.0, b.speed_mps / 14.0);
  Vec3 a{0.3 * amp * vib_[1].cos(), 0.5 * amp * vib_[2].sin(),
         amp * (0.6 * vib_[0].sin() + 0.4 * vib_[1].sin()) + heave * heave_.sin()};
  // Occasional bumps (joints, potholes, speed humps): one up-down cycle of 0.15 s.
  if (bump_t_ < 0.0 && b.speed_mps > 3.0 && r.chance(c.dt / 45.0)) {
    bump_t_ = t;
    bump_amp_ = r.uniform(1.5, 4.0);
  }
  if (bump_t_ >= 0.0) {
    const double u = (t - bump_t_) / 0.15;
    if (u >= 1.0) {
      bump_t_ = -1.0;
    } else {
      a.z += bump_amp_ * std::sin(kTwoPi * u);
    }
  }
  // The seat cushion and the arm filter the vibration on its way to the phone.
  const double k =
      b.placement == Placement::kHand ? 0.4 : (b.placement == Placement::kBag ? 0.6 : 0.7);
  b.body_acc = b.body_acc + a * k;
  // Body tilt: pitch ~0.35°, roll ~0.5° per m/s² of longitudinal / lateral acceleration.
  const double lat_acc = b.speed_mps * b.heading_rate;
  b.wobble = b.wobble + Vec3{-0.009 * lat_acc, -0.006 * b.accel_mps2, 0.0};
  b.label = Label::kInVehicle;
}

}  // namespace css::sim

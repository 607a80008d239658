#include "engine.hpp"

#include <cmath>
#include <cstring>

#include "css/core/units.hpp"

namespace css::sim {

namespace {
Rng make_stream(std::uint64_t seed, std::uint64_t k) {
  return Rng(derive_seed(seed, k));
}
}  // namespace

Engine::Engine(const GeneratorConfig& config, std::uint64_t seed)
    : cfg_(config),
      dt_(1.0 / config.rate_hz),
      plan_rng_(make_stream(seed, 1)),
      motion_rng_(make_stream(seed, 2)),
      noise_rng_(make_stream(seed, 3)),
      gnss_rng_(make_stream(seed, 4)),
      spl_rng_(make_stream(seed, 5)),
      micro_rng_(make_stream(seed, 7)),
      hard_motion_rng_(make_stream(seed, 9)),
      subject_(draw_subject(motion_rng_)),
      planner_(config.scenario, config.duration_s, make_stream(seed, 6), make_stream(seed, 8)) {
  body_.placement = subject_.home;
  body_.mount = draw_mount(body_.placement, subject_, false, motion_rng_);
  body_.heading_rad = motion_rng_.uniform(0.0, kTwoPi);
  imu_.init(config.rate_hz, noise_rng_);
  gnss_.init(config.origin_lat, config.origin_lon, gnss_rng_);
  spl_.init(subject_.street_spl_dba, config.rate_hz, spl_rng_);
  // Standing sway ~0.1–0.5 Hz, hand-held phone a few tenths of a degree to ~2°;
  // physiological hand tremor 8–12 Hz with sub-0.1° amplitude.
  Rng& r = motion_rng_;
  for (int i = 0; i < 3; ++i) {
    sway_[i].reset(r.uniform(0.1, 0.5), r.uniform(0, kTwoPi), dt_);
    sway2_[i].reset(r.uniform(0.5, 1.2), r.uniform(0, kTwoPi), dt_);
    tremor_[i].reset(std::min(0.45 / dt_, r.uniform(8.0, 12.0)), r.uniform(0, kTwoPi), dt_);
    sway_amp_[i] = subject_.sway_scale * r.uniform(0.005, 0.02);
  }
  tremor_amp_ = subject_.sway_scale * r.uniform(0.0003, 0.001);
  // A phone on a person at rest is never still: ballistocardiographic recoil, breathing,
  // postural corrections and muscle tremor reach it as ~0.02–0.07 m/s² per axis with most
  // power at 2–10 Hz (docs/simulator.md, "Stationary"). Resonator at 5 Hz, bandwidth ~6 Hz;
  // its own stream, so that the other draws stay as they were.
  {
    const double w0 = kTwoPi * std::min(5.0, 0.2 * config.rate_hz) * dt_;
    const double rr = std::exp(-0.5 * kTwoPi * 6.0 * dt_);
    micro_a1_ = 2.0 * rr * std::cos(w0);
    micro_a2_ = -rr * rr;
    const double a1 = micro_a1_, a2 = micro_a2_;
    const double var = (1.0 - a2) / ((1.0 + a2) * ((1.0 - a2) * (1.0 - a2) - a1 * a1));
    micro_gain_ = micro_rng_.uniform(0.02, 0.07) / std::sqrt(var);
  }
  lat_ = config.origin_lat;
  lon_ = config.origin_lon;
}

double Engine::begin_phase(const Phase& p, Ctx& c) {
  switch (p.kind) {
    case PhaseKind::kStill:
      return still_.begin(c, p);
    case PhaseKind::kGait:
      return walk_.begin(c, p);
    case PhaseKind::kTable:
      return table_.begin(c, p);
    case PhaseKind::kDrop:
      return drop_.begin(c, p);
    case PhaseKind::kEnterVehicle:
      return enter_.begin(c, p);
    case PhaseKind::kDrive:
      return drive_.begin(c, p);
    case PhaseKind::kExitVehicle:
      return exit_.begin(c, p);
    case PhaseKind::kSnatch:
      return snatch_.begin(c, p);
    case PhaseKind::kForced:
      return forced_.begin(c, p);
    case PhaseKind::kJump:
      return jump_.begin(c, p);
    case PhaseKind::kStumble:
      return stumble_.begin(c, p);
    case PhaseKind::kSitHard:
      return sit_hard_.begin(c, p);
    case PhaseKind::kStandUp:
      return stand_up_.begin(c, p);
    case PhaseKind::kBusRun:
      return bus_run_.begin(c, p);
  }
  return p.duration_s;
}

void Engine::step_phase(PhaseKind kind, Ctx& c, double t_rel) {
  switch (kind) {
    case PhaseKind::kStill:
      still_.step(c, t_rel);
      break;
    case PhaseKind::kGait:
      walk_.step(c, t_rel);
      break;
    case PhaseKind::kTable:
      table_.step(c, t_rel);
      break;
    case PhaseKind::kDrop:
      drop_.step(c, t_rel);
      break;
    case PhaseKind::kEnterVehicle:
      enter_.step(c, t_rel);
      break;
    case PhaseKind::kDrive:
      drive_.step(c, t_rel);
      break;
    case PhaseKind::kExitVehicle:
      exit_.step(c, t_rel);
      break;
    case PhaseKind::kSnatch:
      snatch_.step(c, t_rel);
      break;
    case PhaseKind::kForced:
      forced_.step(c, t_rel);
      break;
    case PhaseKind::kJump:
      jump_.step(c, t_rel);
      break;
    case PhaseKind::kStumble:
      stumble_.step(c, t_rel);
      break;
    case PhaseKind::kSitHard:
      sit_hard_.step(c, t_rel);
      break;
    case PhaseKind::kStandUp:
      stand_up_.step(c, t_rel);
      break;
    case PhaseKind::kBusRun:
      bus_run_.step(c, t_rel);
      break;
  }
}

void Engine::add_sway(double /*t*/) {
  const bool hand = body_.placement == Placement::kHand;
  const double k = hand ? 1.0 : 0.15;  // a pocket or bag follows only the trunk's sway
  Vec3 w;
  double* out[3] = {&w.x, &w.y, &w.z};
  for (int i = 0; i < 3; ++i) {
    sway_[i].step();
    sway2_[i].step();
    tremor_[i].step();
    *out[i] = k * sway_amp_[i] * (sway_[i].sin() + 0.4 * sway2_[i].sin()) +
              (hand ? tremor_amp_ * tremor_[i].sin() : 0.0);
  }
  body_.wobble = w;
}

void Engine::add_micro_motion() {
  Rng& r = micro_rng_;
  const Vec3 e{r.normal(), r.normal(), r.normal()};
  const Vec3 y = micro_y1_ * micro_a1_ + micro_y2_ * micro_a2_ + e * micro_gain_;
  micro_y2_ = micro_y1_;
  micro_y1_ = y;
  body_.body_acc = body_.body_acc + y;
}

void Engine::compose(SensorFrame& f, double t, std::size_t index) {
  constexpr double g = units::kGravity;
  const Body& b = body_;
  Quat q;
  Vec3 acc;
  double ve = 0.0, vn = 0.0;
  if (b.decoupled) {
    q = b.free_q;
    acc = b.free_acc;
  } else {
    const double half = 0.5 * (0.25 * kTwoPi - b.heading_rad);
    const double ca = std::cos(half), sa = std::sin(half);
    const double sp = ca * ca - sa * sa, cp = 2.0 * sa * ca;  // sin, cos of the heading
    double ae, an;
    if (b.vector_mode) {
      ve = b.vel_e;
      vn = b.vel_n;
      ae = b.acc_e;
      an = b.acc_n;
    } else {
      ve = b.speed_mps * sp;
      vn = b.speed_mps * cp;
      const double cen = b.speed_mps * b.heading_rate;  // centripetal
      ae = b.accel_mps2 * sp + cen * cp;
      an = b.accel_mps2 * cp - cen * sp;
    }
    const Vec3& ba = b.body_acc;  // forward (sp, cp), left (−cp, sp)
    acc = {ae + sp * ba.x - cp * ba.y, an + cp * ba.x + sp * ba.y, ba.z + b.up_acc};
    q = Quat{ca, 0.0, 0.0, sa} * small_rotation(b.wobble) * b.mount;
  }
  const Vec3 f_dev = rotate_inverse(q, {acc.x, acc.y, acc.z + g});
  const Vec3 w_dev = index == 0 ? Vec3{} : body_rate(q_prev_, q, dt_);
  q_prev_ = q;
  // Dead-reckon the true position on the sphere; cos(lat) changes slowly.
  if (std::fabs(lat_ - cos_lat_at_) > 1e-3) {
    cos_lat_ = std::cos(units::deg_to_rad(lat_));
    cos_lat_at_ = lat_;
  }
  constexpr double kDegPerM = 180.0 / (units::kPi * units::kEarthRadiusM);
  lat_ += vn * dt_ * kDegPerM;
  lon_ += ve * dt_ * kDegPerM / cos_lat_;
  f.t = t;
  imu_.measure(f_dev, w_dev, f, noise_rng_);
  gnss_.sample(t, lat_, lon_, ve, vn, f, gnss_rng_);
  f.spl = spl_.sample(t, std::hypot(ve, vn), spl_rng_);
}

void Engine::run(Recording& rec, TruthTrace* truth) {
  const auto n = static_cast<std::size_t>(std::llround(cfg_.duration_s * cfg_.rate_hz));
  rec.frames.resize(n);
  // Zero the padding too, so equal seeds give equal bytes (SensorFrame is trivially copyable).
  std::memset(static_cast<void*>(rec.frames.data()), 0, n * sizeof(SensorFrame));
  rec.labels.resize(n);
  if (truth) {
    truth->speed_mps.resize(n);
    truth->course_deg.resize(n);
  }
  std::size_t i = 0;
  while (i < n) {
    const Phase phase = planner_.next(static_cast<double>(i) * dt_);
    // Hard negatives draw from their own stream: inserting them into a mix leaves the draws
    // of every other phase as they were.
    Rng& motion = phase.hard_negative ? hard_motion_rng_ : motion_rng_;
    Ctx c{dt_,    static_cast<double>(i) * dt_,
          i,      subject_,
          body_,  gait_,
          anim_,  spl_,
          motion, rec.onsets,
          q_prev_};
    const double dur = begin_phase(phase, c);
    const auto m = static_cast<std::size_t>(std::max(1LL, std::llround(dur * cfg_.rate_hz)));
    for (std::size_t k = 0; k < m && i < n; ++k, ++i) {
      const double t = static_cast<double>(i) * dt_;
      c.t = t;
      c.index = i;
      c.q_last = q_prev_;
      body_.body_acc = {};
      body_.up_acc = 0.0;
      body_.vector_mode = false;
      add_sway(t);
      step_phase(phase.kind, c, static_cast<double>(k) * dt_);
      if (phase.kind == PhaseKind::kStill && !body_.decoupled) add_micro_motion();
      anim_.step(t, body_);
      compose(rec.frames[i], t, i);
      rec.labels[i] = body_.label;
      if (truth) {
        const double v = body_.decoupled ? 0.0 : body_.speed_mps;
        double course = units::rad_to_deg(body_.heading_rad);
        course = std::fmod(course, 360.0);
        if (course < 0) course += 360.0;
        truth->speed_mps[i] = static_cast<float>(v);
        truth->course_deg[i] = static_cast<float>(course);
      }
    }
  }
  // Segments: maximal runs of one label.
  rec.segments.clear();
  for (std::size_t b = 0; b < n;) {
    std::size_t e = b + 1;
    while (e < n && rec.labels[e] == rec.labels[b]) ++e;
    rec.segments.push_back({rec.labels[b], b, e});
    b = e;
  }
}

}  // namespace css::sim

// Gait: body-frame acceleration and device rotation of walking, stairs and
// running, driven by a stride-phase oscillator (one stride = two steps).
// Walking is a harmonic model of trunk acceleration (vertical at the step
// frequency, lateral sway at half of it); running is a stance-pulse model
// whose mean vertical specific force is exactly g. Placement sets the coupling.
#pragma once

#include "body.hpp"
#include "motion_math.hpp"

namespace css::sim {

enum class GaitKind : std::uint8_t {
  kWalk,
  kSlowWalk,
  kStairs,
  kSlowStairs,
  kRun,
  kThiefRun,
  kStumble
};

struct GaitParams {
  Label label = Label::kWalking;
  double cadence_hz = 1.8;            // steps per second
  double speed_mps = 1.3;             // over ground
  double vert_amp = 2.5;              // m/s², walking: amplitude of the step-frequency component
  double ap_amp = 1.5;                // m/s², fore-aft
  double lat_amp = 0.8;               // m/s², lateral sway at the stride frequency
  bool running = false;               // stance-pulse model
  double duty = 0.42;                 // running: stance fraction of a step
  double flight_g = 0.1;              // running: residual specific force in flight, in g
  double thigh_swing_rad = 0.35;      // pocket: thigh pitch amplitude
  double arm_swing_rad = 0.05;        // hand: pitch amplitude at the stride frequency
  double cadence_jitter = 0.02;       // stride-to-stride CV
  double heading_wander_rps = 0.05;   // std of the slow heading-rate wander
  double h2_cos = 0.3, h2_sin = 0.1;  // walking: 2nd step harmonic (subject's shape)
  // Everyday gaits only; the defaults keep the risky models (thief's run, stumbling) as
  // they were calibrated. See docs/simulator.md, "Walking" and "Running".
  double heel_strike_g = 0.0;   // trunk-level peak of the foot-contact transient, in g
  bool limb_profile = false;    // pocket/hand: non-sinusoidal limb swing, full lever kinematics
  double hand_roll_rad = 0.03;  // hand: wrist roll amplitude at the stride frequency
  double bag_roll_rad = 0.08;   // bag: roll amplitude at the stride frequency
};

GaitParams gait_params(GaitKind kind, const Subject& s, Rng& rng);

class GaitModel {
 public:
  // fade_s: cross-fade time from the previous gait (1 s; shorter for a stumble's
  // recovery steps).
  void start(const GaitParams& p, double dt, Rng& rng, double fade_s = 1.0);
  const GaitParams& params() const { return p_; }
  // Advances one sample. envelope in [0, 1] fades the gait in and out (starting,
  // stopping); adds to body.body_acc and body.wobble for the body's placement.
  void step(double envelope, Body& body, Rng& rng);

 private:
  void new_stride(Rng& rng);
  // Acceleration (body frame) and wobble of one gait/placement at the current phase.
  void shape(const GaitParams& p, Placement placement, Vec3& a, Vec3& w) const;

  GaitParams p_, from_;  // a new gait or placement cross-fades from the old one
  Placement place_ = Placement::kPocket, from_place_ = Placement::kPocket;
  double blend_ = 1.0;       // 0 → from_, 1 → p_
  double blend_rate_ = 1.0;  // 1/s
  bool started_ = false;
  double dt_ = 0.02;
  double phase_ = 0.0;  // stride phase in [0, 1)
  double stride_hz_ = 0.9;
  Oscillator stride_;  // sin/cos of 2π·phase
};

}  // namespace css::sim

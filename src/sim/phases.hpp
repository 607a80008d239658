// Phases: the building blocks a scenario chains. Each phase is a small state
// machine that, once begun, writes the Body truth for every sample until its
// duration is over. Scripted phases (vehicle entry, drop, snatch, forced
// movement, jumps, stumbles, sitting down hard, running for a bus) pick their
// own duration; the engine owns one instance of each.
#pragma once

#include <cstddef>
#include <vector>

#include "body.hpp"
#include "css/core/recording.hpp"
#include "gait.hpp"
#include "motion_math.hpp"
#include "sensors.hpp"

namespace css::sim {

enum class PhaseKind : std::uint8_t {
  kStill,
  kGait,
  kTable,
  kDrop,
  kEnterVehicle,
  kDrive,
  kExitVehicle,
  kSnatch,
  kForced,
  // Hard negatives: everyday motion that must never look risky (docs/simulator.md).
  kJump,     // jumps in place (stationary) or a hop while walking (walking)
  kStumble,  // a trip while walking and the fast recovery steps (walking)
  kSitHard,  // turning and dropping onto a seat (stationary)
  kStandUp,  // rising from a seat (stationary)
  kBusRun    // sprint start, running for a bus, stop (running)
};

struct Phase {
  PhaseKind kind = PhaseKind::kStill;
  double duration_s = 10.0;  // requested; scripted phases choose their own
  GaitKind gait = GaitKind::kWalk;
  bool handle = false;  // take the phone to `handle_to` at the start (handling)
  Placement handle_to = Placement::kHand;
  // Planned as a hard negative: the phase draws from the hard-negative motion stream, so
  // inserting hard negatives into a mix leaves the other phases' draws as they were.
  bool hard_negative = false;
};

// Smooth change of the device's mount (handling: pocket → hand, hand → table …) with the
// vertical displacement of the phone (lift_m > 0 raises it).
class MountAnimator {
 public:
  void start(const Quat& from, const Quat& to, double t0, double dur_s, double lift_m);
  void step(double t, Body& body);
  bool active() const { return active_; }

 private:
  Quat from_, to_;
  Ramp ramp_, lift_;
  bool active_ = false;
};

// Everything a phase may touch for one sample.
struct Ctx {
  double dt;
  double t;           // s, absolute time of this sample
  std::size_t index;  // sample index
  const Subject& subject;
  Body& body;
  GaitModel& gait;
  MountAnimator& anim;
  SplModel& spl;
  Rng& rng;
  std::vector<Onset>& onsets;
  Quat q_last;  // device orientation composed at the previous sample
};

// Body yaw (body → world) for a course clockwise from north.
Quat yaw_quat(double heading_rad);
// Re-attach a decoupled device to the body without a jump in orientation.
void recouple(Ctx& c);
// The device's mount after sitting down (or standing up): a pocket turns with the thigh from
// vertical to horizontal (−90° about body y), a phone in the hand drops a little towards the
// lap, a bag stays as it is.
Quat seated_mount(const Body& b, bool sitting);
// Start a mount change to a freshly drawn mount of `to` (no-op if already there).
void handle_to(Ctx& c, Placement to, double dur_s);
// Heading wander of people on foot: OU heading rate plus occasional deliberate turns.
class HeadingWander {
 public:
  void start(double sigma_rps, double turn_rate_per_s, double t0);
  void step(Ctx& c);

 private:
  double sigma_ = 0.0, turn_rate_ = 0.0, rate_ = 0.0;
  double next_turn_t_ = 0.0;
  OuCoeffs ou_;
  bool ou_ready_ = false;
  Ramp turn_;
  bool turning_ = false;
};

class StillPhase {
 public:
  double begin(Ctx& c, const Phase& p);
  void step(Ctx& c, double t_rel);

 private:
  Ramp stop_;
  Label moving_ = Label::kStationary;  // the gait's label while the last steps slow down
};

class GaitPhase {
 public:
  double begin(Ctx& c, const Phase& p);
  void step(Ctx& c, double t_rel);

 private:
  Ramp speed_;
  HeadingWander wander_;
};

class TablePhase {
 public:
  double begin(Ctx& c, const Phase& p);
  void step(Ctx& c, double t_rel);

 private:
  double put_s_ = 1.0, pick_at_s_ = 0.0, pick_s_ = 1.2;
  Quat flat_;
  bool on_table_ = false, picked_ = false;
};

class DropPhase {
 public:
  double begin(Ctx& c, const Phase& p);
  void step(Ctx& c, double t_rel);

 private:
  double fall_s_ = 0.4, impact_v_ = 4.0, restitution_ = 0.2, bounce_s_ = 0.1;
  double settle_end_ = 0.0, pick_at_s_ = 0.0, pick_s_ = 1.5, height_m_ = 1.0;
  Quat tumble_, settle_from_, settle_to_;
  int stage_ = 0;
  double stage_t_ = 0.0;
};

class EnterVehiclePhase {
 public:
  double begin(Ctx& c, const Phase& p);
  void step(Ctx& c, double t_rel);

 private:
  Ramp stop_, turn_, sit_;
  double door_open_t_ = 0.0, sit_t0_ = 0.0, door_t_ = 0.0, engine_t_ = 0.0, jolt_amp_ = 1.0;
  Label moving_ = Label::kStationary;
  bool sat_ = false, slammed_ = false, engine_on_ = false;
};

class ExitVehiclePhase {
 public:
  double begin(Ctx& c, const Phase& p);
  void step(Ctx& c, double t_rel);

 private:
  Ramp turn_, stand_;
  double stand_t0_ = 0.0, door_t_ = 0.0;
  bool stood_ = false, slammed_ = false;
};

// Riding in a car: jerk-limited speed profile, turns, stops, road vibration.
class DrivePhase {
 public:
  double begin(Ctx& c, const Phase& p);
  void step(Ctx& c, double t_rel);

 private:
  void next_manoeuvre(Ctx& c, double t_rel);
  void speed_to(double v, double t_rel, double max_acc);
  // Seconds to change speed v0 → v1 under the ride's limits; to brake to rest and wait.
  double ramp_s(double v0, double v1) const;
  double stop_s(double v) const;
  // The highest speed ≤ nv (1 m/s steps, not below 3 m/s) reachable from v that still
  // leaves time to stop within `remaining` s; −1 when none does.
  double fitting_speed(double v, double nv, double remaining) const;
  void final_stop(double t);

  double duration_ = 0.0, hold_until_ = 0.0, turn_speed_ = 5.0;
  double accel_max_ = 1.5, brake_max_ = 2.5, jerk_max_ = 2.0;
  Ramp speed_, heading_;
  int pending_turn_ = 0;  // −1/+1: turn once slowed down; 0: none
  bool final_stop_ = false, idled_ = false;
  OuCoeffs rough_ou_;
  Oscillator vib_[3], heave_;
  double vib_amp_ = 0.02, rough_ = 1.0, bump_t_ = -1.0, bump_amp_ = 0.0;
};

class SnatchPhase {
 public:
  double begin(Ctx& c, const Phase& p);
  void step(Ctx& c, double t_rel);

 private:
  double imp_s_ = 0.2, rot_s_ = 0.4, rot_angle_ = 2.0, label_s_ = 6.0, up_amp_ = 3.0;
  double v0e_ = 0, v0n_ = 0, dve_ = 0, dvn_ = 0, heading0_ = 0, heading1_ = 0, v1_ = 4.0;
  double turn_s_ = 0.6;
  Vec3 rot_axis_;
  Quat mount0_;
  HeadingWander wander_;
  bool running_ = false;
};

class ForcedPhase {
 public:
  double begin(Ctx& c, const Phase& p);
  void step(Ctx& c, double t_rel);

 private:
  double imp_s_ = 0.3, rot_s_ = 0.4, rot_angle_ = 1.0, irregular_end_ = 6.0, stop_s_ = 1.5;
  double dve_ = 0, dvn_ = 0, v_target_ = 2.0, heading0_ = 0, heading1_ = 0, turn_s_ = 0.6;
  Vec3 wob_at_stop_;
  Vec3 rot_axis_;
  Quat mount0_;
  double acc_ou_ = 0, rate_ou_ = 0, target_ou_ = 0;
  Vec3 jerk_ou_, wob_rate_, wob_;
  Ramp stop_;
  bool irregular_ = false;
};

// One vertical jump, from standing (or a walking step) to standing: unweighting, push,
// release (the feet leave the ground), flight at 0 g, landing (impact + knee-flexion
// absorption). The momentum balances: the take-off speed is g·flight/2 and the landing
// stops it. Times in s from the start of the jump; excesses in g over 1 g.
struct JumpProfile {
  double unweight_s = 0.0, push_s = 0.3, release_s = 0.06, flight_s = 0.4;
  double impact_s = 0.04, absorb_s = 0.15, recover_s = 0.5;
  double unweight_g = 0.0, push_g = 1.0, impact_g = 3.0, absorb_g = 1.0;
  double crouch_rad = 0.0, land_flex_rad = 0.4;  // thigh flexion (pocket), rad

  // Draws a jump: flight time, push and landing peaks (trunk level, total specific force).
  static JumpProfile draw(Rng& r, bool hop);
  double landing_t() const { return unweight_s + push_s + release_s + flight_s; }
  double duration() const { return landing_t() + absorb_s + recover_s; }
  // World-vertical acceleration (m/s², gravity excluded) of the trunk, and at a device whose
  // mount averages the landing over window_s (same impulse, a short impact's peak lowered).
  double trunk_acc(double t) const;
  double up_acc(double t, double window_s) const;
  // Fore-aft acceleration weight: +push, −landing, each of unit area (1/s).
  double push_weight(double t) const;
  double landing_weight(double t) const;
  double flexion(double t) const;  // rad, thigh flexion (crouch before the push, landing)
};

class JumpPhase {
 public:
  double begin(Ctx& c, const Phase& p);
  void step(Ctx& c, double t_rel);

 private:
  static constexpr int kMaxJumps = 4;
  JumpProfile jumps_[kMaxJumps];
  double start_s_[kMaxJumps]{};
  int n_ = 1;
  double fade_s_ = 0.15, window_s_ = 0.05, dv_fwd_ = 0.0, end_s_ = 1.0;
  bool moving_ = false;
  Label label_ = Label::kStationary;
};

class StumblePhase {
 public:
  double begin(Ctx& c, const Phase& p);
  void step(Ctx& c, double t_rel);

 private:
  GaitParams walk_, recover_;
  Ramp dip_, regain_, pitch_, unpitch_, veer_;
  double v0_ = 1.3, recover_end_s_ = 1.0;
  bool recovering_ = false, resumed_ = false;
};

class SitHardPhase {
 public:
  double begin(Ctx& c, const Phase& p);
  void step(Ctx& c, double t_rel);

 private:
  Ramp turn_, lean_, unlean_;
  double drop_t0_ = 1.0, drop_s_ = 0.4, drop_g_ = 0.4, impact_s_ = 0.15, impact_g_ = 1.0;
  double bounce_amp_ = 1.0, bounce_hz_ = 5.0;
  bool sat_ = false;
};

class StandUpPhase {
 public:
  double begin(Ctx& c, const Phase& p);
  void step(Ctx& c, double t_rel);

 private:
  Ramp lean_, unlean_, rise_;
  bool stood_ = false;
};

class BusRunPhase {
 public:
  double begin(Ctx& c, const Phase& p);
  void step(Ctx& c, double t_rel);

 private:
  Ramp speed_, turn_, stop_;
  double v_run_ = 4.0, stop_t_ = 10.0;
  HeadingWander wander_;
};

}  // namespace css::sim

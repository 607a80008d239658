// Engine: runs the phases of one device sample by sample, composes the device's
// world acceleration and orientation from the Body truth, and turns them into
// SensorFrames (IMU in the device frame, GNSS, SPL). No allocation per sample.
#pragma once

#include <cstdint>

#include "css/sim/generator.hpp"
#include "phases.hpp"
#include "scenario.hpp"

namespace css::sim {

class Engine {
 public:
  Engine(const GeneratorConfig& config, std::uint64_t device_seed);
  // Fills frames, labels, segments and onsets of `rec` (and truth, if given).
  void run(Recording& rec, TruthTrace* truth);
  const Subject& subject() const { return subject_; }

 private:
  double begin_phase(const Phase& p, Ctx& c);
  void step_phase(PhaseKind kind, Ctx& c, double t_rel);
  void add_sway(double t);
  void add_micro_motion();
  void compose(SensorFrame& out, double t, std::size_t index);

  GeneratorConfig cfg_;
  double dt_;
  Rng plan_rng_, motion_rng_, noise_rng_, gnss_rng_, spl_rng_, micro_rng_;
  Rng hard_motion_rng_;  // phases planned as hard negatives (Phase::hard_negative)
  Subject subject_;
  Planner planner_;
  Body body_;
  GaitModel gait_;
  MountAnimator anim_;
  ImuNoise imu_;
  Gnss gnss_;
  SplModel spl_;
  StillPhase still_;
  GaitPhase walk_;
  TablePhase table_;
  DropPhase drop_;
  EnterVehiclePhase enter_;
  DrivePhase drive_;
  ExitVehiclePhase exit_;
  SnatchPhase snatch_;
  ForcedPhase forced_;
  JumpPhase jump_;
  StumblePhase stumble_;
  SitHardPhase sit_hard_;
  StandUpPhase stand_up_;
  BusRunPhase bus_run_;
  Oscillator sway_[3], sway2_[3], tremor_[3];
  double sway_amp_[3]{}, tremor_amp_ = 0.0;
  // Micro-motion of a person at rest: white noise through a 2-pole resonator (per axis).
  double micro_a1_ = 0.0, micro_a2_ = 0.0, micro_gain_ = 0.0;
  Vec3 micro_y1_, micro_y2_;
  Quat q_prev_;
  double lat_ = 0.0, lon_ = 0.0, cos_lat_ = 1.0, cos_lat_at_ = 1e9;
};

}  // namespace css::sim

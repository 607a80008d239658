// Shared state of one simulated person and their device: who they are
// (Subject: gait and device parameters drawn once) and what the body and
// device are doing at the current sample (Body: the truth the sensors see).
#pragma once

#include <cstdint>

#include "css/core/label.hpp"
#include "orientation.hpp"
#include "rng.hpp"

namespace css::sim {

enum class Placement : std::uint8_t { kHand, kPocket, kBag };

const char* to_string(Placement p);

struct Subject {
  // Gait: see docs/simulator.md for the literature ranges behind these draws.
  double cadence_walk_hz, speed_walk_mps;
  double cadence_slow_hz, speed_slow_mps;
  double cadence_run_hz, speed_run_mps;
  double run_duty;         // stance fraction of a running step
  double amp_scale;        // subject's gait acceleration scale (body mass, style)
  double harmonic2;        // relative 2nd step harmonic of the vertical acceleration
  double harmonic2_phase;  // rad
  double hand_tilt_rad;    // screen pitch when reading, from horizontal
  double sway_scale;       // standing sway / hand steadiness
  Placement home;          // where the phone usually is
  double street_spl_dba;   // typical background level of their surroundings
};

Subject draw_subject(Rng& rng);

// Device orientation relative to the body (device→body) for a placement. `seated` rotates
// the thigh (pocket) to horizontal and rests hand/bag on the lap.
Quat draw_mount(Placement p, const Subject& s, bool seated, Rng& rng);

// The per-sample truth. Models write speed/heading (or, in vector mode, the horizontal
// velocity and acceleration directly), body-frame accelerations and wobble; the engine
// composes the world acceleration and orientation from them.
struct Body {
  double speed_mps = 0.0, accel_mps2 = 0.0;      // along the heading
  double heading_rad = 0.0, heading_rate = 0.0;  // course, clockwise from north
  bool vector_mode = false;                      // impulses: vel/acc below are the truth
  double vel_e = 0.0, vel_n = 0.0, acc_e = 0.0, acc_n = 0.0;
  Vec3 body_acc;        // m/s², body frame (forward, left, up): gait, vibration, jolts
  double up_acc = 0.0;  // m/s², world vertical: sitting down, lifting the phone
  Vec3 wobble;          // rad, body-frame rotation vector (gait rotation, sway, vehicle tilt)
  Quat mount;           // device→body
  Placement placement = Placement::kPocket;
  bool seated = false;
  // Device not carried (on a table, falling, on the floor): orientation and acceleration
  // are world-frame truths and the body's motion does not reach the sensor.
  bool decoupled = false;
  Quat free_q;
  Vec3 free_acc;  // m/s², world, gravity not included (free fall: (0, 0, -g))
  Label label = Label::kStationary;
};

}  // namespace css::sim

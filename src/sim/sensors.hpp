// Sensor models between the truth and a SensorFrame: MEMS IMU noise, bias and
// range; a 1 Hz GNSS receiver with correlated position error, Doppler-like
// speed, course and outages; an A-weighted sound level meter with urban
// background, vehicle cabin noise and transient event sounds.
#pragma once

#include <array>

#include "css/core/sensor_frame.hpp"
#include "orientation.hpp"
#include "rng.hpp"

namespace css::sim {

class ImuNoise {
 public:
  void init(double rate_hz, Rng& rng);
  // Writes the measured specific force and angular rate (device frame) into the frame.
  void measure(Vec3 specific_force, Vec3 rate, SensorFrame& out, Rng& rng) const;

 private:
  double acc_sigma_ = 0.0, gyro_sigma_ = 0.0;  // white noise per sample
  Vec3 acc_bias_, gyro_bias_;
};

class Gnss {
 public:
  void init(double lat0, double lon0, Rng& rng);
  // Called every sample with the true position and velocity; updates the fix fields once
  // per second and holds them in between.
  void sample(double t, double lat, double lon, double vel_e, double vel_n, SensorFrame& out,
              Rng& rng);

 private:
  void new_fix(double lat, double lon, double vel_e, double vel_n, Rng& rng);

  double next_fix_t_ = 0.0;
  double err_e_ = 0.0, err_n_ = 0.0;  // m, Gauss–Markov position error
  double gm_sigma_ = 2.5, gm_a_ = 0.98;
  double outage_left_s_ = 0.0;
  double course_deg_ = 0.0;
  double lat_ = 0.0, lon_ = 0.0;
  float speed_ = 0.0F;
  bool fix_ = true;
};

// Environment of the microphone, which sets the background level.
enum class Acoustic : std::uint8_t { kStreet, kCabin };

class SplModel {
 public:
  void init(double street_dba, double rate_hz, Rng& rng);
  void set_environment(Acoustic env) { env_ = env; }
  // A transient sound: rises over attack_s to peak_dba, holds, then decays linearly in dB.
  void add_event(double t0, double peak_dba, double attack_s, double hold_s, double decay_dbps);
  float sample(double t, double speed_mps, Rng& rng);

 private:
  struct Sound {
    double t0, peak, attack, hold, decay;
  };
  double background(double speed_mps) const;

  Acoustic env_ = Acoustic::kStreet;
  double dt_ = 0.02;
  double street_ = 62.0;
  double cabin_idle_ = 50.0;  // dBA in this device's vehicle with the engine idling
  double slow_ = 0.0, slow_next_ = 0.0, fast_ = 0.0;  // dB offsets (OU processes)
  double next_slow_t_ = 0.0, next_fast_t_ = 0.0, prev_slow_t_ = 0.0;
  double level_ = 62.0;  // smoothed (fast time weighting)
  double alpha_ = 0.15;
  std::array<Sound, 6> sounds_{};
  int n_sounds_ = 0;
};

}  // namespace css::sim

// features: the ONE preprocessing step from SensorFrames to model input
// channels, used by training and by the edge runtime alike (docs/features.md), so the
// two can never drift. The streaming Extractor is primary; extract() is a loop
// over it. Output is float32, kChannelCount channels per frame, in this order
// and these units (kChannelNames / kChannelUnits). Missing sensors map to
// fixed neutral values (docs/features.md):
//   no gyroscope (NaN)  → gyro channels 0
// The motion channels are orientation-free (features v4): acceleration and rotation split
// along the gravity direction, estimated per device by a low-pass filter, so a phone carries
// the same signature upside down, in a pocket, a bag or a hand.
//   no GNSS fix         → gnss_speed 0, course_rate 0; recent_speed keeps decaying, or
//                         kRecentSpeedUnknown (−1) before the stream's first fix
//   no microphone (NaN) → spl kSplNeutralDba
// recent_speed is the one channel with long memory (a minute): a 2.56 s window cannot
// tell a car waiting at a light from a person standing still, the minute before can.
// ChannelMask drops sensors on purpose (channel-dropout augmentation); a masked
// channel is bit-identical to what an absent sensor produces.
// Extractor holds a few scalars of state and never allocates in push().
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

#include "css/core/result.hpp"
#include "css/core/sensor_frame.hpp"

namespace css::features {

inline constexpr std::size_t kChannelCount = 11;
inline constexpr std::array<std::string_view, kChannelCount> kChannelNames = {
    "acc_vertical",    "acc_horizontal",   "tilt_rate",  "gyro_norm",   "gyro_vertical",
    "gyro_horizontal", "acc_norm_minus_g", "gnss_speed", "course_rate", "spl",
    "recent_speed"};
inline constexpr std::array<std::string_view, kChannelCount> kChannelUnits = {
    "m/s^2", "m/s^2", "rad/s", "rad/s", "rad/s", "rad/s", "m/s^2", "m/s", "deg/s", "dBA", "m/s"};

// The version of the channel definitions in this file. Bump it whenever a channel's meaning,
// unit or neutral value changes: training records it in the checkpoint, `citysafe export`
// copies it into the model's "features" metadata, and check_model_inputs refuses a model made
// for other features (which would otherwise run and give wrong answers without any error).
// 1: the 10 channels up to spl. 2: + recent_speed (−1 before the first fix). 3: recent_speed
// drops to the speed now once the bearer is on foot (kOnFoot*). 4: orientation-free motion
// channels (gravity-aligned acceleration and rotation, bounded) instead of device-frame xyz.
inline constexpr std::string_view kFeaturesVersion = "4";

enum Channel : std::size_t {
  kAccVertical = 0,  // a·ĝ − g: up-down acceleration, 0 at rest in any orientation
  kAccHorizontal,    // |a − (a·ĝ)ĝ| ≥ 0
  kTiltRate,         // how fast ĝ turns in the device frame (re-orientation, no gyro needed)
  kGyroNorm,         // |ω|
  kGyroVertical,     // ω·ĝ: turning about the vertical (the bearer's heading changes)
  kGyroHorizontal,   // |ω − (ω·ĝ)ĝ|: pitching and rolling (thigh swing, sitting down)
  kAccNormMinusG,
  kGnssSpeed,
  kCourseRate,
  kSpl,
  kRecentSpeed
};

// Neutral SPL for "no microphone": a typical daytime urban street level.
// WHO Environmental Noise Guidelines for the European Region (2018) and the
// EEA "Environmental noise in Europe — 2020" report put road-traffic exposure
// of city dwellers mostly in the 55–65 dB Lden/Lday bands; 60 dBA is the middle.
inline constexpr float kSplNeutralDba = 60.0F;
// Below this ground speed the GNSS course is noise (a receiver cannot tell a
// heading while nearly still), so course_rate is 0: 0.5 m/s is about a third
// of walking speed (~1.4 m/s) and above typical consumer-GNSS speed noise.
inline constexpr float kMinCourseSpeedMps = 0.5F;
// A gap between fixes longer than this (outage) restarts the course-rate estimate.
inline constexpr double kMaxFixGapS = 5.0;
// recent_speed = max(speed now, recent_speed decayed by exp(−dt / τ)): a peak hold of the
// GNSS speed that forgets with τ = 60 s. A minute covers a wait at urban traffic lights
// (typical signal cycles are 60–120 s, so waits of up to about a minute; the simulator's
// stops are 5–35 s), while a pedestrian's value falls back to walking speed within a few
// minutes of leaving a vehicle.
inline constexpr double kRecentSpeedTauS = 60.0;
// On foot: walking or running shakes the phone far more than any ride. When the power of
// |a| − g (an exponential average over kOnFootTauS) stays above kOnFootRmsMps2² for
// kOnFootConfirmS, the bearer is on foot and recent_speed drops to the speed now: a ride's
// speed stops counting once they walk away from the vehicle. Pedestrians' |a| − g RMS is
// ~1–4 m/s² (pocket or hand); cabin vibration stays below ~0.6 m/s² even on rough roads
// (ISO 2631-1 calls 0.63 m/s² "fairly uncomfortable"), and bumps last a fraction of a second.
inline constexpr double kOnFootTauS = 1.0;
inline constexpr double kOnFootRmsMps2 = 0.8;
inline constexpr double kOnFootConfirmS = 2.0;
// Gravity direction ĝ: the accelerometer low-passed with τ = 0.5 s (first order). Gait is
// 1.6–3 Hz, so a step's acceleration is attenuated ~5–10×, while a phone slipped into a
// pocket or a person sitting down (a 90° turn of the thigh in ~1 s) is followed within a
// second. The same separation of gravity from body acceleration by a low-pass filter is the
// usual one in activity recognition (e.g. the UCI HAR/HAPT preprocessing, 0.3 Hz Butterworth).
inline constexpr double kGravityTauS = 0.5;
// ĝ follows only samples whose |a| is within 0.5 g of 1 g: in free fall (a drop, a jump's
// flight, |a| ≈ 0) or an impact the accelerometer does not show where down is.
inline constexpr double kGravityGateMps2 = 0.5 * 9.80665;
// Bounds of the motion channels. ±4 g: the full scale phones' accelerometers most often run
// at (±2/4/8/16 g are offered; ST HAR's board recorded at ±4 g); a snatch or a pull peaks at
// 1.5–3 g (docs/simulator.md), only landings and drops go beyond, and there phones differ by
// their range, not by the motion. 10 rad/s (570 °/s): above the fastest body rotations of
// walking, running or a scuffle (phones' gyroscopes offer ±2000 °/s); gyro_vertical ±5 rad/s:
// the body's own turns (a 180° pivot in 0.6 s ≈ 5 rad/s). tilt_rate ≤ 2 rad/s:
// through the 0.5 s low-pass no re-orientation reads faster. The bounds also keep the int8
// input step fine enough for a phone at rest on a person (a wide input range makes it coarse).
inline constexpr double kMaxAccMps2 = 4.0 * 9.80665;
inline constexpr double kMaxRateRps = 10.0;
inline constexpr double kMaxTurnRateRps = 5.0;
inline constexpr double kMaxTiltRateRps = 2.0;
// recent_speed before the first fix of a stream (no receiver, GNSS masked, cold start): a
// value no real speed takes, so "unknown" never reads as "still for minutes" (0).
inline constexpr float kRecentSpeedUnknown = -1.0F;

// Ok when a model with `channels` inputs, made for features version `version` (nullptr or
// empty: not recorded, e.g. a hand-built model), can take these features; otherwise an
// kInvalidArgument error whose one-line message names both sides.
Status check_model_inputs(std::size_t channels, const char* version);

struct ChannelMask {
  bool gyro = true;  // false: treat as "no gyroscope"
  bool gnss = true;  // false: treat as "no GNSS fix"
  bool spl = true;   // false: treat as "no microphone"
};

class Extractor {
 public:
  Extractor() = default;
  explicit Extractor(ChannelMask mask) : mask_(mask) {}

  // Forget the course-rate and recent-speed history (start of a new recording/stream).
  void reset();
  std::array<float, kChannelCount> push(const SensorFrame& frame);

 private:
  double advance_clock(double t);
  void update_on_foot(double dt, float acc_norm_minus_g);
  float update_recent_speed(double dt, double speed_mps);
  void motion_channels(const std::array<double, 3>& acc, const SensorFrame& frame, double dt,
                       std::array<float, kChannelCount>& out);

  ChannelMask mask_{};
  bool have_fix_ = false;  // a reference fix for the course rate
  double fix_t_ = 0.0;     // s, time of the reference fix
  double fix_lat_ = 0.0, fix_lon_ = 0.0;
  float fix_speed_ = 0.0F, fix_course_ = 0.0F;
  float course_rate_dps_ = 0.0F;   // held between fixes
  double recent_speed_mps_ = 0.0;  // decaying peak of gnss_speed
  double clock_t_ = 0.0;           // s, latest frame time seen
  bool have_clock_ = false;
  double foot_power_ = 0.0;          // (m/s²)², average of (|a| − g)²
  double foot_run_s_ = 0.0;          // s, time foot_power_ has stayed above the on-foot level
  bool had_fix_ = false;             // any fix since reset(): the speed history is known
  std::array<double, 3> gravity_{};  // m/s², low-passed acceleration (device frame)
  bool have_gravity_ = false;
};

// [T, kChannelCount] row-major; a fresh Extractor pushed over frames.
std::vector<float> extract(std::span<const SensorFrame> frames, ChannelMask mask = {});

// Sets the channels mask drops to their neutral values in a [T, kChannelCount]
// row-major buffer (size a multiple of kChannelCount; a trailing partial row is left as is).
void apply_mask(std::span<float> features_TxC, ChannelMask mask);

// Per-channel mean and standard deviation of training features; stored in the
// model file and applied as (x − mean) / std on the edge.
struct Normalization {
  std::array<float, kChannelCount> mean{};
  std::array<float, kChannelCount> std{};
};

// std is floored at kMinStd: a channel that is constant in the training data
// (e.g. gyro when every recording lacks one) must not turn tiny deviations
// into huge inputs. 1e-2 in the channel's unit is below the noise floor of
// every sensor here (m/s², rad/s, m/s, deg/s, dBA).
inline constexpr float kMinStd = 1e-2F;

// Over all rows of a [T, kChannelCount] buffer; T = 0 gives mean 0, std 1.
Normalization fit_normalization(std::span<const float> features_TxC);
// In place: x ← (x − mean) / std.
void normalize(std::span<float> features_TxC, const Normalization& norm);

}  // namespace css::features

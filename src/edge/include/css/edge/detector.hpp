// Detector: turns the model's per-sample class probabilities (nn::Streaming, one call per
// 50 Hz sample) into risky-event detections, the way an alarm must: smoothing, hysteresis,
// a minimum duration and a cooldown (docs/evaluation.md, "Detector").
//
//   risk[t]   = Σ over risky classes of EMA(p_class)   (EMA time constant smoothing_ms)
//   fire      when risk ≥ enter_threshold for min_duration_ms in a row, while armed
//   re-arm    when risk < exit_threshold AND cooldown_s has passed since the detection
//
// The event kind is the risky class with the larger smoothed probability at firing time.
// The movement vector is the mean acceleration over the last vector_window_s minus a slow
// gravity estimate (EMA of acc, time constant gravity_tau_s), in the device frame [m/s²].
// No heap: all state is fixed-size; push() costs O(classes). Not thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "css/core/event.hpp"
#include "css/core/label.hpp"
#include "css/core/result.hpp"
#include "css/core/sensor_frame.hpp"

namespace css::edge {

struct DetectorConfig {
  double rate_hz = 50.0;        // samples per second of push() calls
  double smoothing_ms = 150.0;  // EMA time constant of each risky probability; 0 = none
  // enter 0.8 / 200 ms: chosen on validation streams (citysafe eval --seed 7 and 11, never
  // the documented held-out seed) for models/default.csm; docs/evaluation.md, "Detector".
  double enter_threshold = 0.8;    // smoothed risk to start an event, (0, 1]
  double exit_threshold = 0.35;    // smoothed risk below which the detector re-arms, < enter
  double min_duration_ms = 200.0;  // risk ≥ enter this long (consecutively) before firing
  double cooldown_s = 10.0;        // no second detection sooner than this after one
  double vector_window_s = 1.0;    // movement vector: mean acc over this span
  double gravity_tau_s = 10.0;     // EMA time constant of the gravity estimate
};

// Checks ranges; the error names the field.
Status validate(const DetectorConfig& config);

// A detection, ready to become a css::Event (see to_event).
struct Detection {
  Label label = Label::kSnatch;  // the risky class that fired
  EventKind kind = EventKind::kSuddenDisplacement;
  double probability = 0.0;        // smoothed probability of `label` at firing, [0, 1]
  double risk = 0.0;               // smoothed risk (sum of risky classes) at firing
  double t_s = 0.0;                // SensorFrame::t of the sample that fired
  std::uint64_t sample_index = 0;  // pushes since reset(), 0-based
  std::array<double, 3> vector_mps2{};
  std::optional<double> lat, lon;  // deg, when the frame had a GNSS fix
};

// Largest input/model class count the detector handles (nn's format limit is smaller).
inline constexpr std::size_t kMaxDetectorClasses = 32;
// Largest vector_window_s · rate_hz (e.g. 2 s at 200 Hz).
inline constexpr std::size_t kMaxVectorSamples = 400;

class Detector {
 public:
  // class_labels[i] is the Label of probability index i (size = the model's classes). Errors: bad
  // config, more than kMaxDetectorClasses classes, no risky class, a vector window beyond
  // kMaxVectorSamples.
  Status init(const DetectorConfig& config, std::span<const Label> class_labels);

  // One sample: probs = the model's class probabilities for this sample (size = classes;
  // another size is ignored like !model_ready). model_ready = false while the model has
  // seen less than a window: probs are then left out of the decision, while the vector
  // history and the sample counter still advance.
  std::optional<Detection> push(std::span<const float> probs, const SensorFrame& frame,
                                bool model_ready = true);
  void reset();  // forget smoothing, hysteresis, cooldown and the vector history

  double risk() const { return risk_; }  // smoothed risk after the last push
  bool armed() const { return armed_; }
  std::uint64_t samples_seen() const { return index_; }
  const DetectorConfig& config() const { return config_; }

 private:
  void update_vector(const SensorFrame& frame);
  std::array<double, 3> movement_vector() const;

  DetectorConfig config_{};
  std::size_t classes_ = 0;
  std::array<std::size_t, kMaxDetectorClasses> risky_idx_{};
  std::array<Label, kMaxDetectorClasses> risky_label_{};
  std::array<double, kMaxDetectorClasses> smoothed_{};
  std::size_t risky_count_ = 0;
  double alpha_ = 1.0;  // EMA weight of the newest sample
  std::uint64_t min_above_ = 1, cooldown_samples_ = 0;

  double risk_ = 0.0;
  bool armed_ = true, primed_ = false;
  std::uint64_t above_ = 0, index_ = 0, last_fire_ = 0;

  std::array<std::array<float, 3>, kMaxVectorSamples> acc_ring_{};
  std::array<double, 3> acc_sum_{}, gravity_{};
  std::size_t ring_len_ = 1, ring_pos_ = 0, ring_fill_ = 0;
  double gravity_alpha_ = 0.0;
  bool gravity_init_ = false;
};

// Event fields the detector cannot know: who sends it and when on the wall clock.
struct EventContext {
  std::string device;
  std::uint64_t seq = 0;
  double stream_start_unix_s = 0.0;  // Unix time of SensorFrame::t = 0
  std::string model;                 // "sha256:<hex>"
  std::array<std::uint8_t, 16> uuid_random{};
};

Event to_event(const Detection& detection, const EventContext& context);

}  // namespace css::edge

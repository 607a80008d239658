#include "css/edge/detector.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace css::edge {
namespace {

Status bad(const std::string& field, const std::string& expected) {
  return make_error(ErrorCode::kInvalidArgument, "detector." + field + ": expected " + expected);
}

std::uint64_t samples_for(double seconds, double rate_hz) {
  return static_cast<std::uint64_t>(std::llround(std::max(0.0, seconds) * rate_hz));
}

}  // namespace

Status validate(const DetectorConfig& c) {
  const auto finite = [](double v) { return std::isfinite(v); };
  if (!finite(c.rate_hz) || c.rate_hz <= 0.0 || c.rate_hz > 1000.0)
    return bad("rate_hz", "(0, 1000] Hz");
  if (!finite(c.smoothing_ms) || c.smoothing_ms < 0.0 || c.smoothing_ms > 10000.0)
    return bad("smoothing_ms", "[0, 10000] ms");
  if (!finite(c.enter_threshold) || c.enter_threshold <= 0.0 || c.enter_threshold > 1.0)
    return bad("enter_threshold", "(0, 1]");
  if (!finite(c.exit_threshold) || c.exit_threshold < 0.0 || c.exit_threshold >= c.enter_threshold)
    return bad("exit_threshold", "[0, enter_threshold)");
  if (!finite(c.min_duration_ms) || c.min_duration_ms < 0.0 || c.min_duration_ms > 60000.0)
    return bad("min_duration_ms", "[0, 60000] ms");
  if (!finite(c.cooldown_s) || c.cooldown_s < 0.0 || c.cooldown_s > 86400.0)
    return bad("cooldown_s", "[0, 86400] s");
  if (!finite(c.vector_window_s) || c.vector_window_s <= 0.0 ||
      samples_for(c.vector_window_s, c.rate_hz) > kMaxVectorSamples)
    return bad("vector_window_s",
               "> 0 s and at most " + std::to_string(kMaxVectorSamples) + " samples at rate_hz");
  if (!finite(c.gravity_tau_s) || c.gravity_tau_s <= 0.0) return bad("gravity_tau_s", "> 0 s");
  return Ok{};
}

Status Detector::init(const DetectorConfig& config, std::span<const Label> class_labels) {
  if (auto st = validate(config); !st) return st;
  if (class_labels.empty() || class_labels.size() > kMaxDetectorClasses)
    return make_error(ErrorCode::kInvalidArgument,
                      "detector: expected 1.." + std::to_string(kMaxDetectorClasses) +
                          " classes, got " + std::to_string(class_labels.size()));
  config_ = config;
  classes_ = class_labels.size();
  risky_count_ = 0;
  for (std::size_t i = 0; i < class_labels.size(); ++i) {
    if (!is_risky(class_labels[i])) continue;
    risky_idx_[risky_count_] = i;
    risky_label_[risky_count_] = class_labels[i];
    ++risky_count_;
  }
  if (risky_count_ == 0)
    return make_error(ErrorCode::kInvalidArgument,
                      "detector: the model has no risky class (snatch or forced_movement)");
  const double dt_s = 1.0 / config.rate_hz;
  alpha_ = config.smoothing_ms <= 0.0 ? 1.0 : 1.0 - std::exp(-dt_s / (config.smoothing_ms * 1e-3));
  min_above_ =
      std::max<std::uint64_t>(1, samples_for(config.min_duration_ms * 1e-3, config.rate_hz));
  cooldown_samples_ = samples_for(config.cooldown_s, config.rate_hz);
  ring_len_ = std::max<std::size_t>(1, samples_for(config.vector_window_s, config.rate_hz));
  gravity_alpha_ = 1.0 - std::exp(-dt_s / config.gravity_tau_s);
  reset();
  return Ok{};
}

void Detector::reset() {
  smoothed_.fill(0.0);
  risk_ = 0.0;
  armed_ = true;
  primed_ = false;
  above_ = index_ = last_fire_ = 0;
  acc_sum_ = {};
  gravity_ = {};
  gravity_init_ = false;
  ring_pos_ = ring_fill_ = 0;
}

void Detector::update_vector(const SensorFrame& frame) {
  for (std::size_t k = 0; k < 3; ++k) {
    if (!std::isfinite(frame.acc[k])) return;  // a broken sample must not poison the sums
  }
  if (ring_fill_ == ring_len_) {
    for (std::size_t k = 0; k < 3; ++k) acc_sum_[k] -= acc_ring_[ring_pos_][k];
  } else {
    ++ring_fill_;
  }
  acc_ring_[ring_pos_] = frame.acc;
  ring_pos_ = (ring_pos_ + 1) % ring_len_;
  for (std::size_t k = 0; k < 3; ++k) {
    acc_sum_[k] += frame.acc[k];
    gravity_[k] =
        gravity_init_ ? gravity_[k] + gravity_alpha_ * (frame.acc[k] - gravity_[k]) : frame.acc[k];
  }
  gravity_init_ = true;
}

std::array<double, 3> Detector::movement_vector() const {
  std::array<double, 3> v{};
  if (ring_fill_ == 0) return v;
  for (std::size_t k = 0; k < 3; ++k)
    v[k] = acc_sum_[k] / static_cast<double>(ring_fill_) - gravity_[k];
  return v;
}

std::optional<Detection> Detector::push(std::span<const float> probs, const SensorFrame& frame,
                                        bool model_ready) {
  const std::uint64_t idx = index_++;
  update_vector(frame);
  if (!model_ready || probs.size() != classes_ || risky_count_ == 0) return std::nullopt;

  risk_ = 0.0;
  std::size_t top = 0;
  for (std::size_t r = 0; r < risky_count_; ++r) {
    const double p = std::clamp(static_cast<double>(probs[risky_idx_[r]]), 0.0, 1.0);
    smoothed_[r] = primed_ ? smoothed_[r] + alpha_ * (p - smoothed_[r]) : p;
    risk_ += smoothed_[r];
    if (smoothed_[r] > smoothed_[top]) top = r;
  }
  primed_ = true;

  if (!armed_) {
    if (risk_ < config_.exit_threshold && idx - last_fire_ >= cooldown_samples_) armed_ = true;
    return std::nullopt;
  }
  above_ = risk_ >= config_.enter_threshold ? above_ + 1 : 0;
  if (above_ < min_above_) return std::nullopt;

  armed_ = false;
  above_ = 0;
  last_fire_ = idx;
  Detection d;
  d.label = risky_label_[top];
  d.kind = event_kind_for_label(d.label).value_or(EventKind::kSuddenDisplacement);
  d.probability = std::clamp(smoothed_[top], 0.0, 1.0);
  d.risk = risk_;
  d.t_s = frame.t;
  d.sample_index = idx;
  d.vector_mps2 = movement_vector();
  if (frame.gnss_fix) {
    d.lat = frame.lat;
    d.lon = frame.lon;
  }
  return d;
}

Event to_event(const Detection& detection, const EventContext& context) {
  Event e;
  e.id = make_uuid_v4(context.uuid_random);
  e.device = context.device;
  e.seq = context.seq;
  e.timestamp = context.stream_start_unix_s + detection.t_s;
  e.event = detection.kind;
  e.probability = detection.probability;
  e.vector = detection.vector_mps2;
  e.lat = detection.lat;
  e.lon = detection.lon;
  e.model = context.model;
  return e;
}

}  // namespace css::edge

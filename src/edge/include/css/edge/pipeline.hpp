// Pipeline: the edge's whole per-sample path in one object, so the edge runtime and the
// offline evaluation run the same code:
//
//   SensorFrame → features::Extractor::push → nn::Streaming::push (int8) → Detector::push
//
// init() parses the .csm bytes (zero-copy: the caller keeps them alive and unchanged for
// the Pipeline's lifetime), checks that the model's input channels are the feature
// extractor's (features::kChannelCount) and that every class name is a css::Label, and
// sets up the streaming arena: the caller's span, or a buffer the Pipeline owns. After
// init() nothing allocates; push() is O(model) per sample. The Pipeline points into
// itself (the engine keeps pointers to its Model), so it can be neither copied nor moved.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "css/core/label.hpp"
#include "css/core/result.hpp"
#include "css/core/sensor_frame.hpp"
#include "css/edge/detector.hpp"
#include "css/features/features.hpp"
#include "css/nn/interpreter.hpp"
#include "css/nn/model.hpp"
#include "css/nn/streaming.hpp"

namespace css::edge {

struct PipelineConfig {
  DetectorConfig detector;
  features::ChannelMask mask;  // sensors to treat as absent (e.g. a node without a mic)
  nn::KernelSet kernels = nn::KernelSet::kOptimized;
};

class Pipeline {
 public:
  Pipeline() = default;
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // Streaming arena bytes a model needs (0 when the bytes are not a valid model).
  static std::size_t required_arena_bytes(std::span<const std::uint8_t> csm,
                                          nn::KernelSet kernels = nn::KernelSet::kOptimized);

  // arena: empty → the Pipeline allocates one here (the only allocation); otherwise
  // 4-byte aligned, >= required_arena_bytes(). Errors name what was wrong with the model.
  Status init(std::span<const std::uint8_t> csm, const PipelineConfig& config,
              std::span<std::uint8_t> arena = {});

  // One frame. A frame the engine rejects (NaN/Inf acceleration) is skipped by the model
  // and the detector (counted in rejected_samples()).
  std::optional<Detection> push(const SensorFrame& frame);
  void reset();  // a new stream: extractor, engine history and detector start over

  const nn::Model& model() const { return model_; }
  std::span<const Label> class_labels() const { return {labels_.data(), model_.num_classes()}; }
  // Features and probabilities of the last accepted frame.
  std::span<const float> last_features() const { return features_; }
  std::span<const float> last_probs() const { return {probs_.data(), model_.num_classes()}; }
  bool model_ready() const { return ready_; }
  double risk() const { return detector_.risk(); }
  std::uint64_t rejected_samples() const { return rejected_; }
  const Detector& detector() const { return detector_; }

 private:
  nn::Model model_;
  features::Extractor extractor_;
  nn::Streaming streaming_;
  Detector detector_;
  std::vector<std::uint32_t> owned_arena_;  // words: 4-byte alignment for free
  std::array<Label, kMaxDetectorClasses> labels_{};
  std::array<float, features::kChannelCount> features_{};
  std::array<float, kMaxDetectorClasses> probs_{};
  bool ready_ = false, initialised_ = false;
  std::uint64_t rejected_ = 0;
};

// A detection and the index of the frame that raised it.
struct FrameDetection {
  std::size_t frame = 0;
  Detection detection;
};

// One stream through the pipeline from a reset: every frame pushed in order, every detection
// returned. What `citysafe detect` prints and the event-level evaluation matches.
std::vector<FrameDetection> detect_stream(Pipeline& pipeline, std::span<const SensorFrame> frames);

// Parses a .csm into `model` (zero-copy: it points into `csm`, which must outlive it) and
// checks that it takes this build's features (features::check_model_inputs). The error names
// what is wrong: an invalid file (kParse, with the status and field) or a feature mismatch.
Status open_model(std::span<const std::uint8_t> csm, nn::Model& model);

// The Label of each class of a parsed model, in class order; an unknown class name is an
// error naming it.
Result<std::vector<Label>> model_class_labels(const nn::Model& model);

}  // namespace css::edge

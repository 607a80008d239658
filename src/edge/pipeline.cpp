#include "css/edge/pipeline.hpp"

#include <algorithm>
#include <cstring>
#include <string>

namespace css::edge {
namespace {

Error model_error(const std::string& what) {
  return make_error(ErrorCode::kInvalidArgument, "model: " + what);
}

}  // namespace

Status open_model(std::span<const std::uint8_t> csm, nn::Model& model) {
  nn::ParseDetail detail;
  if (auto s = nn::Model::parse(csm, model, &detail); s != nn::Status::kOk)
    return make_error(ErrorCode::kParse, "model: invalid .csm (" + std::string(nn::status_name(s)) +
                                             " at " + detail.field + ")");
  return features::check_model_inputs(model.input_channels(), model.metadata("features"));
}

Result<std::vector<Label>> model_class_labels(const nn::Model& model) {
  std::vector<Label> labels;
  for (std::size_t i = 0; i < model.num_classes(); ++i) {
    const char* name = model.class_name(i);
    auto label = label_from_string(name);
    if (!label)
      return model_error("class " + std::to_string(i) + " '" + std::string(name) +
                         "' is not a known label");
    labels.push_back(*label);
  }
  return labels;
}

std::size_t Pipeline::required_arena_bytes(std::span<const std::uint8_t> csm,
                                           nn::KernelSet kernels) {
  nn::Model m;
  if (nn::Model::parse(csm, m) != nn::Status::kOk) return 0;
  return nn::Streaming::required_arena_bytes(m, kernels);
}

Status Pipeline::init(std::span<const std::uint8_t> csm, const PipelineConfig& config,
                      std::span<std::uint8_t> arena) {
  initialised_ = false;
  if (auto s = open_model(csm, model_); !s) return s;
  if (model_.num_classes() > kMaxDetectorClasses)
    return model_error(std::to_string(model_.num_classes()) + " classes, at most " +
                       std::to_string(kMaxDetectorClasses) + " supported");
  auto labels = model_class_labels(model_);
  if (!labels) return labels.error();
  std::copy(labels->begin(), labels->end(), labels_.begin());

  const std::size_t need = nn::Streaming::required_arena_bytes(model_, config.kernels);
  if (need == 0) return model_error("cannot be run in streaming mode");
  if (arena.empty()) {
    owned_arena_.assign((need + 3) / 4, 0U);
    arena = {reinterpret_cast<std::uint8_t*>(owned_arena_.data()), owned_arena_.size() * 4};
  }
  if (auto s = streaming_.init(model_, arena, config.kernels); s != nn::Status::kOk)
    return make_error(ErrorCode::kInvalidArgument,
                      "pipeline: streaming init failed (" + std::string(nn::status_name(s)) +
                          "; arena " + std::to_string(arena.size()) + " bytes, needs " +
                          std::to_string(need) + ")");
  if (auto st = detector_.init(config.detector, *labels); !st) return st;
  extractor_ = features::Extractor(config.mask);
  initialised_ = true;
  reset();
  return Ok{};
}

std::vector<FrameDetection> detect_stream(Pipeline& pipeline, std::span<const SensorFrame> frames) {
  std::vector<FrameDetection> out;
  pipeline.reset();
  for (std::size_t i = 0; i < frames.size(); ++i)
    if (auto d = pipeline.push(frames[i])) out.push_back({i, *d});
  return out;
}

void Pipeline::reset() {
  extractor_.reset();
  if (initialised_) streaming_.reset();
  detector_.reset();
  features_.fill(0.0F);
  probs_.fill(0.0F);
  ready_ = false;
  rejected_ = 0;
}

std::optional<Detection> Pipeline::push(const SensorFrame& frame) {
  if (!initialised_) return std::nullopt;
  const auto feats = extractor_.push(frame);
  bool ready = false;
  const std::span<float> probs(probs_.data(), model_.num_classes());
  if (streaming_.push(feats, probs, &ready) != nn::Status::kOk) {
    ++rejected_;
    return std::nullopt;
  }
  features_ = feats;
  ready_ = ready;
  return detector_.push(probs, frame, ready);
}

}  // namespace css::edge

// Pipeline == Extractor + Streaming + Detector by hand, bit for bit; bad models are refused.
#include "css/edge/pipeline.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "css/nn/model_writer.hpp"

namespace css::edge {
namespace {

// A deterministic, lively stream: gait-like acceleration with bursts and a GNSS track.
std::vector<SensorFrame> make_frames(std::size_t n) {
  std::vector<SensorFrame> frames(n);
  std::uint64_t s = 12345;
  auto noise = [&s] {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<float>((s >> 40) & 0xFFFF) / 65535.0F - 0.5F;
  };
  for (std::size_t i = 0; i < n; ++i) {
    auto& f = frames[i];
    const double t = static_cast<double>(i) / 50.0;
    const float burst = (i / 300) % 3 == 1 ? 6.0F : 1.0F;  // every 6 s, 6 s of harder motion
    f.t = t;
    f.acc = {burst * static_cast<float>(std::sin(2 * t * 6.28)) + noise(),
             burst * 0.5F * static_cast<float>(std::cos(1.3 * t)) + noise(),
             9.81F + burst * noise()};
    f.gyro = {0.2F * noise(), 0.1F * noise() * burst, 0.3F * static_cast<float>(std::sin(t))};
    f.gnss_fix = i % 1000 < 900;
    f.lat = -23.55 + 1e-6 * static_cast<double>(i);
    f.lon = -46.63;
    f.gnss_speed = 1.4F * burst;
    f.gnss_course = static_cast<float>(std::fmod(10.0 * t, 360.0));
    f.spl = i % 700 < 50 ? 85.0F : 62.0F;
  }
  return frames;
}

TEST(Pipeline, EqualsExtractorStreamingAndDetectorByHand) {
  const auto csm = nn::build_default_random_model(7);
  nn::Model model;
  ASSERT_EQ(nn::Model::parse(csm, model), nn::Status::kOk);
  const auto frames = make_frames(3000);

  // By hand: features → streaming probabilities, remembered per sample.
  std::vector<std::uint32_t> arena((nn::Streaming::required_arena_bytes(model) + 3) / 4);
  nn::Streaming streaming;
  ASSERT_EQ(
      streaming.init(model, {reinterpret_cast<std::uint8_t*>(arena.data()), arena.size() * 4}),
      nn::Status::kOk);
  features::Extractor extractor;
  const std::size_t classes = model.num_classes();
  std::vector<float> all_probs(frames.size() * classes);
  std::vector<bool> ready(frames.size());
  std::vector<double> risk;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const auto x = extractor.push(frames[i]);
    bool r = false;
    ASSERT_EQ(streaming.push(x, std::span<float>(all_probs).subspan(i * classes, classes), &r),
              nn::Status::kOk);
    ready[i] = r;
    if (r) risk.push_back(all_probs[i * classes + 6] + all_probs[i * classes + 7]);
  }
  // Thresholds from the random model's own risk distribution, so it fires several times.
  std::sort(risk.begin(), risk.end());
  PipelineConfig cfg;
  cfg.detector.smoothing_ms = 0.0;
  cfg.detector.enter_threshold = risk[risk.size() * 7 / 10];
  cfg.detector.exit_threshold = risk[risk.size() * 3 / 10];
  cfg.detector.min_duration_ms = 40.0;
  cfg.detector.cooldown_s = 1.0;
  ASSERT_LT(cfg.detector.exit_threshold, cfg.detector.enter_threshold);

  Detector manual;
  auto class_labels = model_class_labels(model);
  ASSERT_TRUE(class_labels);
  ASSERT_TRUE(manual.init(cfg.detector, *class_labels));

  Pipeline pipe;
  ASSERT_TRUE(pipe.init(csm, cfg));
  std::size_t detections = 0;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const auto expected = manual.push(
        std::span<const float>(all_probs).subspan(i * classes, classes), frames[i], ready[i]);
    const auto got = pipe.push(frames[i]);
    ASSERT_EQ(pipe.model_ready(), ready[i]) << i;
    for (std::size_t c = 0; c < classes; ++c)
      ASSERT_EQ(pipe.last_probs()[c], all_probs[i * classes + c]) << "sample " << i;
    ASSERT_EQ(got.has_value(), expected.has_value()) << "sample " << i;
    if (got) {
      ++detections;
      EXPECT_EQ(got->sample_index, expected->sample_index);
      EXPECT_EQ(got->label, expected->label);
      EXPECT_EQ(got->probability, expected->probability);
      EXPECT_EQ(got->vector_mps2, expected->vector_mps2);
    }
  }
  EXPECT_GE(detections, 2U);

  // reset() starts a new stream: the same frames give the same first probabilities.
  pipe.reset();
  (void)pipe.push(frames[0]);
  for (std::size_t c = 0; c < classes; ++c) EXPECT_EQ(pipe.last_probs()[c], all_probs[c]);
}

TEST(Pipeline, UsesTheCallersArenaAndRefusesOneTooSmall) {
  const auto csm = nn::build_default_random_model(3);
  const std::size_t need = Pipeline::required_arena_bytes(csm);
  ASSERT_GT(need, 0U);
  std::vector<std::uint32_t> words(need / 4 + 1);
  std::span<std::uint8_t> arena(reinterpret_cast<std::uint8_t*>(words.data()), need);
  Pipeline ok;
  EXPECT_TRUE(ok.init(csm, {}, arena));
  Pipeline small;
  auto st = small.init(csm, {}, arena.first(need / 2));
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("arena"), std::string::npos);
}

TEST(Pipeline, RefusesModelsThatDoNotFitTheFeatures) {
  nn::DefaultModelOptions nine;
  nine.input_channels = 9;
  Pipeline p;
  auto st = p.init(nn::build_default_random_model(1, nine), {});
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("input channels"), std::string::npos);

  // Right channel count, but made for other feature definitions: refused, naming both.
  nn::DefaultModelOptions old_features;
  old_features.features_version = "1";
  st = p.init(nn::build_default_random_model(1, old_features), {});
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("features version 1"), std::string::npos) << st.error().message;
  nn::DefaultModelOptions current;
  current.features_version = std::string(features::kFeaturesVersion);
  EXPECT_TRUE(p.init(nn::build_default_random_model(1, current), {}));

  nn::DefaultModelOptions ten_classes;
  ten_classes.classes = 10;  // class_8, class_9 are no labels
  st = p.init(nn::build_default_random_model(1, ten_classes), {});
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("class_8"), std::string::npos);

  nn::DefaultModelOptions no_risky;
  no_risky.classes = 6;  // stationary … in_vehicle
  st = p.init(nn::build_default_random_model(1, no_risky), {});
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("risky"), std::string::npos);

  auto corrupt = nn::build_default_random_model(1);
  corrupt[corrupt.size() / 2] ^= 0x5A;
  st = p.init(corrupt, {});
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("invalid .csm"), std::string::npos);
  EXPECT_FALSE(p.push(SensorFrame{}));  // a failed init leaves a pipeline that does nothing
}

TEST(Pipeline, AGlitchingAccelerometerNeitherStopsNorPoisonsTheStream) {
  Pipeline p;
  const auto csm = nn::build_default_random_model(5);  // the Pipeline views these bytes
  ASSERT_TRUE(p.init(csm, {}));
  SensorFrame bad;
  bad.acc = {NAN, 0.0F, 9.8F};
  (void)p.push(bad);  // the extractor reads a non-finite axis as 0 (features.hpp)
  EXPECT_EQ(p.rejected_samples(), 0U);
  EXPECT_EQ(p.detector().samples_seen(), 1U);
  for (float v : p.last_features()) EXPECT_TRUE(std::isfinite(v));
  for (float v : p.last_probs()) EXPECT_TRUE(std::isfinite(v));
}

}  // namespace
}  // namespace css::edge

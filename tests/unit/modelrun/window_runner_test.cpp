// The one window runner: a context window equals the edge's warm streaming engine at that
// sample, batches (run_model) equal single windows, infer_recordings windows every hop, and
// what the engine cannot run is refused with a message.
#include "css/modelrun/window_runner.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "css/core/recording.hpp"
#include "css/features/features.hpp"
#include "css/modelrun/engine_eval.hpp"
#include "css/modelrun/inference.hpp"
#include "css/nn/model_writer.hpp"
#include "css/nn/streaming.hpp"

namespace css::modelrun {
namespace {

// Deterministic feature rows [steps, C] around plausible magnitudes.
std::vector<float> feature_rows(std::size_t steps, std::uint64_t seed) {
  std::vector<float> x(steps * features::kChannelCount);
  std::uint64_t s = seed;
  for (auto& v : x) {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    v = static_cast<float>((s >> 40) & 0xFFFF) / 65535.0F * 4.0F - 2.0F;
  }
  return x;
}

nn::Model parse(const std::vector<std::uint8_t>& bytes) {
  nn::Model m;
  EXPECT_TRUE(parse_model(bytes, "test model", m));
  return m;
}

TEST(WindowRunner, ContextWindowEqualsWarmStreamingEngine) {
  const auto bytes = nn::build_default_random_model(7);
  const nn::Model m = parse(bytes);
  const std::size_t c = features::kChannelCount, ctx = m.context_length();
  const std::size_t steps = ctx + 60;
  const auto x = feature_rows(steps, 3);

  std::vector<std::uint32_t> arena((nn::Streaming::required_arena_bytes(m) + 3) / 4);
  nn::Streaming streaming;
  ASSERT_EQ(streaming.init(m, {reinterpret_cast<std::uint8_t*>(arena.data()), arena.size() * 4}),
            nn::Status::kOk);
  WindowRunner runner;
  ASSERT_TRUE(runner.init(m, nn::Precision::kInt8));
  EXPECT_EQ(runner.max_steps(), ctx);

  std::vector<float> streamed(m.num_classes()), windowed(m.num_classes());
  int compared = 0;
  for (std::size_t t = 0; t < steps; ++t) {
    bool ready = false;
    ASSERT_EQ(streaming.push({x.data() + t * c, c}, streamed, &ready), nn::Status::kOk);
    const std::size_t end = t + 1;
    if (end < m.window()) continue;
    ASSERT_TRUE(ready) << t;
    const std::size_t begin = end > ctx ? end - ctx : 0;
    ASSERT_TRUE(runner.run({x.data() + begin * c, (end - begin) * c}, windowed)) << t;
    for (std::size_t k = 0; k < windowed.size(); ++k)
      ASSERT_NEAR(windowed[k], streamed[k], 1e-6F) << "sample " << t << " class " << k;
    ++compared;
  }
  EXPECT_EQ(compared, static_cast<int>(steps - m.window() + 1));
}

TEST(WindowRunner, BatchEqualsSingleWindows) {
  const auto bytes = nn::build_default_random_model(5);
  const nn::Model m = parse(bytes);
  const std::size_t c = features::kChannelCount, w = m.window(), n = 4;
  const auto x = feature_rows(n * w, 9);
  auto batch = run_model(bytes, nn::Precision::kInt8, x, n);
  ASSERT_TRUE(batch) << batch.error().message;
  ASSERT_EQ(batch->size(), n * m.num_classes());
  WindowRunner runner;
  ASSERT_TRUE(runner.init(m, nn::Precision::kInt8, w));
  std::vector<float> one(m.num_classes());
  bool differ = false;
  for (std::size_t i = 0; i < n; ++i) {
    ASSERT_TRUE(runner.run({x.data() + i * w * c, w * c}, one));
    for (std::size_t k = 0; k < one.size(); ++k) {
      EXPECT_EQ(one[k], (*batch)[i * m.num_classes() + k]) << i << "," << k;
      differ = differ || one[k] != (*batch)[k];
    }
  }
  EXPECT_TRUE(differ) << "four different windows gave the same probabilities";
  // A value count that is not n whole windows names what was expected.
  auto bad =
      run_model(bytes, nn::Precision::kInt8, std::span<const float>(x).first(x.size() - 1), n);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("windows of >= 128"), std::string::npos)
      << bad.error().message;
}

TEST(WindowRunner, RefusesWhatTheEngineCannotRun) {
  nn::DefaultModelOptions int8_only;
  int8_only.include_float = false;
  const auto bytes = nn::build_default_random_model(1, int8_only);
  const nn::Model m = parse(bytes);
  WindowRunner runner;
  auto st = runner.init(m, nn::Precision::kFloat);
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("no float weights"), std::string::npos);
  st = runner.init(m, nn::Precision::kInt8, m.window() - 1);
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("shorter than the model's window"), std::string::npos);
  ASSERT_TRUE(runner.init(m, nn::Precision::kInt8, m.window()));
  std::vector<float> probs(m.num_classes());
  const auto x = feature_rows(m.window() + 1, 2);  // more rows than max_steps
  EXPECT_FALSE(runner.run(x, probs));
  WindowRunner fresh;
  EXPECT_FALSE(
      fresh.run(std::span<const float>(x).first(m.window() * features::kChannelCount), probs));
}

TEST(Inference, WindowsEveryHopWithinEachRecording) {
  const auto bytes = nn::build_default_random_model(4);
  const nn::Model m = parse(bytes);
  std::vector<Recording> recs(2);
  const std::size_t frames[] = {m.window() + 100, m.window() - 1};  // the second is too short
  for (std::size_t r = 0; r < recs.size(); ++r) {
    for (std::size_t i = 0; i < frames[r]; ++i) {
      SensorFrame f;
      f.t = static_cast<double>(i) / 50.0;
      f.acc = {0.3F * static_cast<float>(i % 7), 0.1F, 9.81F};
      f.spl = 60.0F;
      recs[r].frames.push_back(f);
      recs[r].labels.push_back(Label::kWalking);
    }
  }
  InferenceOptions o;
  o.hop = 25;
  auto res = infer_recordings(m, recs, o);
  ASSERT_TRUE(res) << res.error().message;
  ASSERT_EQ(res->size(), 100u / 25u + 1u);  // ends window, window+25, ..., window+100
  for (std::size_t i = 0; i < res->size(); ++i) {
    const auto& w = (*res)[i];
    EXPECT_EQ(w.recording, 0u);
    EXPECT_EQ(w.end, m.window() + 25 * i);
    EXPECT_DOUBLE_EQ(w.t_end, static_cast<double>(w.end - 1) / 50.0);
    EXPECT_EQ(w.truth, static_cast<int>(Label::kWalking));
    ASSERT_EQ(w.probs.size(), m.num_classes());
    EXPECT_EQ(w.predicted, std::max_element(w.probs.begin(), w.probs.end()) - w.probs.begin());
  }
  o.hop = 0;
  auto no_hop = infer_recordings(m, recs, o);
  ASSERT_FALSE(no_hop);
  EXPECT_NE(no_hop.error().message.find("--hop"), std::string::npos);
}

}  // namespace
}  // namespace css::modelrun

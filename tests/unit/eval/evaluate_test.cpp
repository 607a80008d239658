// Window-level and event-level evaluation on small simulated data with a random model:
// plumbing, hours, error cases; the centroid baseline on separable data.
#include "css/eval/evaluate.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "css/eval/centroid_baseline.hpp"
#include "css/nn/model_writer.hpp"
#include "css/sim/generator.hpp"

namespace css::eval {
namespace {

std::vector<Recording> small_mix(double seconds, int devices) {
  sim::GeneratorConfig cfg;
  cfg.duration_s = seconds;
  cfg.devices = devices;
  cfg.seed = 99;
  auto recs = sim::generate(cfg);
  EXPECT_TRUE(recs);
  return *recs;
}

TEST(WindowEval, CountsEveryWindowAndBothVariantsRun) {
  const auto csm = nn::build_default_random_model(11);
  const auto recs = small_mix(60.0, 2);
  WindowEvalSpec spec;
  auto bare = evaluate_windows(csm, nn::Precision::kInt8, recs, spec);
  ASSERT_TRUE(bare) << bare.error().message;
  // 60 s at 50 Hz = 3000 samples: windows at 0, 32, … while 128 fit → 90 per recording.
  EXPECT_EQ(bare->total(), 2 * ((3000 - 128) / 32 + 1));
  spec.context = true;
  auto ctx = evaluate_windows(csm, nn::Precision::kFloat, recs, spec);
  ASSERT_TRUE(ctx) << ctx.error().message;
  EXPECT_EQ(ctx->total(), bare->total());
}

// single_label counts exactly the windows that do not straddle a change of label, with the
// same predictions as the full matrix.
TEST(WindowEval, SingleLabelWindowsAreTheOnesWithoutAChange) {
  const auto csm = nn::build_default_random_model(11);
  const auto recs = small_mix(120.0, 2);
  WindowEvalSpec spec;
  spec.context = true;
  modelrun::ConfusionMatrix single(1);
  auto all = evaluate_windows(csm, nn::Precision::kInt8, recs, spec, &single);
  ASSERT_TRUE(all) << all.error().message;
  std::int64_t expected = 0, changes = 0;
  for (const auto& r : recs)
    for (std::size_t b = 0; b + 128 <= r.labels.size(); b += 32) {
      const bool one = std::all_of(r.labels.begin() + static_cast<std::ptrdiff_t>(b),
                                   r.labels.begin() + static_cast<std::ptrdiff_t>(b + 128),
                                   [&](Label l) { return l == r.labels[b]; });
      expected += one ? 1 : 0;
      changes += one ? 0 : 1;
    }
  EXPECT_GT(changes, 0) << "a mix changes activity within two minutes";
  EXPECT_EQ(single.total(), expected);
  for (int t = 0; t < single.classes(); ++t)
    for (int p = 0; p < single.classes(); ++p) EXPECT_LE(single.count(t, p), all->count(t, p));
}

TEST(WindowEval, RejectsUnknownLabelsChannelsAndFloatOnInt8Only) {
  const auto recs = small_mix(30.0, 1);
  nn::DefaultModelOptions six;
  six.classes = 6;  // no forced_movement / snatch classes
  auto r = evaluate_windows(nn::build_default_random_model(1, six), nn::Precision::kInt8, recs);
  nn::DefaultModelOptions nine;
  nine.input_channels = 9;
  auto c = evaluate_windows(nn::build_default_random_model(1, nine), nn::Precision::kInt8, recs);
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("input channels"), std::string::npos);
  nn::DefaultModelOptions int8_only;
  int8_only.include_float = false;
  auto f =
      evaluate_windows(nn::build_default_random_model(1, int8_only), nn::Precision::kFloat, recs);
  ASSERT_FALSE(f);
  EXPECT_NE(f.error().message.find("float"), std::string::npos);
  // A 30 s mix holds a risky episode: its label is not among six classes.
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("is not a class of the model"), std::string::npos);
  EXPECT_FALSE(check_labels(nn::build_default_random_model(1, six), recs));
  EXPECT_TRUE(check_labels(nn::build_default_random_model(1), recs));
}

TEST(EventEval, RunsEveryFrameAndCountsHours) {
  const auto csm = nn::build_default_random_model(12);
  EvalOptions o;
  o.window_level = false;
  o.heldout.hours = 0.01;  // 36 s per device
  o.heldout.devices = 1;
  o.heldout.risky_devices = 1;
  o.heldout.normal_devices = 1;
  auto rep = evaluate_heldout(csm, o);
  ASSERT_TRUE(rep) << rep.error().message;
  ASSERT_TRUE(rep->events);
  const auto& e = *rep->events;
  EXPECT_EQ(e.streams, 1U + 2U + normal_only_scenarios().size());
  EXPECT_NEAR(e.hours, static_cast<double>(e.streams) * 0.01, 0.01);
  EXPECT_GT(e.per_label.at("snatch").events, 0U);  // the snatch stream has onsets
  for (const auto& name : normal_only_scenarios()) EXPECT_EQ(e.per_scenario.count(name), 1U);
  EXPECT_LE(e.hits, e.events);
  const auto json = report_json(*rep, o);
  EXPECT_NE(json.find("\"false_alarms_per_device_hour\""), std::string::npos);
  EXPECT_NE(json.find("\"config\""), std::string::npos);
}

TEST(EventEval, StreamOfAnOftenFiringModelGivesOnlyFalseAlarmsNoSoonerThanTheCooldown) {
  // A random model on a normal-only stream: every detection is a false alarm and none comes
  // sooner than the cooldown. The detector must re-arm (risk below exit) to fire again, so
  // the thresholds come from this stream's own risk trace: enter at its median, exit at its
  // lower quartile; the risk crosses them often, and only the cooldown spaces detections.
  const auto csm = nn::build_default_random_model(13);
  sim::GeneratorConfig cfg;
  cfg.scenario = sim::Scenario::kRunning;
  cfg.duration_s = 60.0;
  auto rec = sim::generate_device(cfg, 0);
  ASSERT_TRUE(rec);
  edge::PipelineConfig pc;
  pc.detector.cooldown_s = 5.0;
  std::vector<double> risks;
  {
    edge::Pipeline trace;
    ASSERT_TRUE(trace.init(csm, pc));
    for (const auto& frame : rec->frames) {
      trace.push(frame);
      if (trace.model_ready()) risks.push_back(trace.risk());
    }
  }
  ASSERT_GT(risks.size(), rec->frames.size() / 2);
  std::sort(risks.begin(), risks.end());
  pc.detector.enter_threshold = risks[risks.size() / 2];
  pc.detector.exit_threshold = risks[risks.size() / 4];
  ASSERT_LT(pc.detector.exit_threshold, pc.detector.enter_threshold) << "a flat risk trace";

  edge::Pipeline p;
  ASSERT_TRUE(p.init(csm, pc));
  const auto s = run_stream(p, *rec);
  EXPECT_TRUE(s.truth.empty());
  // Without detections every check below holds vacuously.
  ASSERT_GE(s.detected.size(), 3U) << "the model hardly fired; the cooldown was never tested";
  EXPECT_EQ(s.match.false_alarms, s.detected.size());
  for (std::size_t i = 1; i < s.detected.size(); ++i)
    EXPECT_GE(s.detected[i].t_s - s.detected[i - 1].t_s, 5.0 - 1e-9);
}

Recording constant_recording(Label label, float amplitude, std::size_t n, int id) {
  Recording r;
  r.device = "dev";
  r.subject = "s" + std::to_string(id);
  r.frames.resize(n);
  r.labels.assign(n, label);
  for (std::size_t i = 0; i < n; ++i) {
    r.frames[i].t = static_cast<double>(i) / 50.0;
    r.frames[i].acc = {amplitude * static_cast<float>(std::sin(0.3 * static_cast<double>(i))), 0.0F,
                       9.81F};
  }
  r.segments = {{label, 0, n}};
  return r;
}

TEST(CentroidBaseline, SeparatesDistinctMagnitudesAndComputesFeatures) {
  std::vector<Recording> recs;
  for (int k = 0; k < 6; ++k) {
    recs.push_back(constant_recording(Label::kStationary, 0.05F, 600, k));
    recs.push_back(constant_recording(Label::kRunning, 8.0F, 600, 100 + k));
  }
  auto r = centroid_baseline(recs, {});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->accuracies.size(), 20U);
  EXPECT_DOUBLE_EQ(r->mean_accuracy, 1.0);

  std::vector<SensorFrame> f(2);
  f[0].acc = {3.0F, 4.0F, 0.0F};  // |acc| = 5
  f[1].acc = {0.0F, 0.0F, 1.0F};  // |acc| = 1
  const auto x = magnitude_features(f);
  EXPECT_DOUBLE_EQ(x[0], 3.0);
  EXPECT_DOUBLE_EQ(x[1], 2.0);
  EXPECT_DOUBLE_EQ(x[2], 1.0);
  EXPECT_DOUBLE_EQ(x[3], 5.0);

  std::vector<Recording> one_label(recs.begin(), recs.begin() + 1);
  EXPECT_FALSE(centroid_baseline(one_label, {}));
}

}  // namespace
}  // namespace css::eval

// Augmentation contract: rotation keeps magnitudes, time-warp keeps label order,
// jitter has the configured spread, everything is deterministic.
#include <gtest/gtest.h>

#include <cmath>

#include "css/sim/generator.hpp"
#include "sim_test_util.hpp"

namespace css::sim {
namespace {

using testing::norm3;

Recording base(Scenario s = Scenario::kSnatch, double duration_s = 120) {
  GeneratorConfig c;
  c.scenario = s;
  c.duration_s = duration_s;
  c.seed = 17;
  auto r = generate_device(c, 0);
  EXPECT_TRUE(r.ok());
  return std::move(r).value();
}

TEST(SimAugment, RotationPreservesMagnitudes) {
  const Recording a = base();
  Recording b = a;
  rotate(b, 5);
  bool changed = false;
  for (std::size_t i = 0; i < a.frames.size(); ++i) {
    const double na = norm3(a.frames[i].acc), nb = norm3(b.frames[i].acc);
    ASSERT_NEAR(na, nb, 1e-5 * (1 + na));
    const double ga = norm3(a.frames[i].gyro), gb = norm3(b.frames[i].gyro);
    ASSERT_NEAR(ga, gb, 1e-5 * (1 + ga));
    changed = changed || std::fabs(a.frames[i].acc[0] - b.frames[i].acc[0]) > 0.01F;
  }
  EXPECT_TRUE(changed);
}

std::vector<Label> segment_labels(const Recording& r) {
  std::vector<Label> out;
  for (const Segment& s : r.segments) out.push_back(s.label);
  return out;
}

TEST(SimAugment, TimeWarpKeepsLabelOrderAndBoundsLength) {
  const Recording a = base();
  for (double strength : {0.1, 0.3}) {
    Recording b = a;
    time_warp(b, strength, 123);
    const double n = double(a.frames.size());
    EXPECT_GE(double(b.frames.size()), n * std::exp(-strength) - 1);
    EXPECT_LE(double(b.frames.size()), n * std::exp(strength) + 1);
    EXPECT_NE(b.frames.size(), a.frames.size()) << "a warp that changes nothing is suspicious";
    EXPECT_EQ(segment_labels(a), segment_labels(b));
    ASSERT_EQ(b.labels.size(), b.frames.size());
    for (const Segment& s : b.segments) {
      for (std::size_t i = s.begin; i < s.end; ++i) ASSERT_EQ(b.labels[i], s.label);
    }
    ASSERT_EQ(a.onsets.size(), b.onsets.size());
    for (const Onset& o : b.onsets) EXPECT_EQ(b.labels[o.index], o.label);
    for (std::size_t i = 1; i < b.frames.size(); ++i) ASSERT_GT(b.frames[i].t, b.frames[i - 1].t);
  }
}

TEST(SimAugment, JitterHasTheConfiguredSpread) {
  const Recording a = base(Scenario::kStationary, 60);
  Recording b = a;
  jitter(b, 0.05, 0.01, 9);
  double sa = 0, sg = 0;
  std::size_t n = 0;
  for (std::size_t i = 0; i < a.frames.size(); ++i) {
    for (int k = 0; k < 3; ++k) {
      const double da = double(b.frames[i].acc[k]) - a.frames[i].acc[k];
      const double dg = double(b.frames[i].gyro[k]) - a.frames[i].gyro[k];
      sa += da * da;
      sg += dg * dg;
      ++n;
    }
  }
  EXPECT_NEAR(std::sqrt(sa / double(n)), 0.05, 0.005);
  EXPECT_NEAR(std::sqrt(sg / double(n)), 0.01, 0.001);
}

TEST(SimAugment, ScaleIsPerAxisAndSharedByAccAndGyro) {
  const Recording a = base(Scenario::kWalking, 30);
  Recording b = a;
  scale(b, 0.1, 3);
  const std::size_t i = 700;
  double ka[3], kg[3];
  for (int k = 0; k < 3; ++k) {
    ka[k] = double(b.frames[i].acc[k]) / a.frames[i].acc[k];
    kg[k] = double(b.frames[i].gyro[k]) / a.frames[i].gyro[k];
    EXPECT_NEAR(ka[k], kg[k], 1e-4);
  }
  EXPECT_GT(std::fabs(ka[0] - ka[1]) + std::fabs(ka[1] - ka[2]), 1e-3);
}

TEST(SimAugment, BiasIsOneConstantOffsetPerAxis) {
  const Recording a = base(Scenario::kWalking, 30);
  Recording b = a;
  bias(b, 0.3, 0.02, 5);
  for (int k = 0; k < 3; ++k) {
    const double d0 = double(b.frames[10].acc[k]) - a.frames[10].acc[k];
    const double d1 = double(b.frames[900].acc[k]) - a.frames[900].acc[k];
    EXPECT_NEAR(d0, d1, 1e-4);
    EXPECT_LT(std::fabs(d0), 0.3 * 5);
  }
  EXPECT_NE(b.frames[10].acc[0], a.frames[10].acc[0]);
}

TEST(SimAugment, IntensityScalesMotionButNotGravity) {
  const Recording a = base(Scenario::kWalking, 30);
  Recording b = a;
  intensity(b, 0.5, 1);
  const double k = double(b.frames[700].gyro[0]) / a.frames[700].gyro[0];
  EXPECT_GT(std::fabs(k - 1.0), 0.05) << "seed 1 draws a factor away from 1";
  double rms_a = 0.0, rms_b = 0.0, mean_a = 0.0, mean_b = 0.0;
  for (std::size_t i = 0; i < a.frames.size(); ++i) {
    for (int j = 0; j < 3; ++j)  // one factor for every angular-rate sample and axis
      EXPECT_NEAR(double(b.frames[i].gyro[j]), k * a.frames[i].gyro[j], 1e-4);
    const double na = norm3(a.frames[i].acc), nb = norm3(b.frames[i].acc);
    mean_a += na;
    mean_b += nb;
    rms_a += (na - 9.80665) * (na - 9.80665);
    rms_b += (nb - 9.80665) * (nb - 9.80665);
  }
  const auto n = static_cast<double>(a.frames.size());
  EXPECT_NEAR(mean_b / n, mean_a / n, 0.05 * 9.80665);                       // gravity stays
  EXPECT_NEAR(std::sqrt(rms_b / rms_a), k, 0.2 * std::fabs(k - 1.0) + 0.1);  // motion scales
}

TEST(SimAugment, SaturationClipsAtTheFullScale) {
  Recording a = base(Scenario::kRunning, 30);  // running peaks reach 2.5-3.5 g
  double peak = 0.0;
  for (const auto& f : a.frames)
    for (float v : f.acc) peak = std::max(peak, std::fabs(double(v)));
  ASSERT_GT(peak, 2.0 * 9.80665);
  saturate(a, 2.0);
  for (const auto& f : a.frames)
    for (float v : f.acc) EXPECT_LE(std::fabs(double(v)), 2.0 * 9.80665 + 1e-4);
}

TEST(SimAugment, AugmentIsDeterministicAndOffByDefault) {
  const Recording a = base(Scenario::kWalking, 30);
  AugmentConfig cfg;
  Recording off = a;
  augment(off, cfg, 1);
  EXPECT_EQ(off.frames.size(), a.frames.size());
  EXPECT_EQ(off.frames[100].acc, a.frames[100].acc);
  cfg.enabled = true;
  Recording x = a, y = a, z = a;
  augment(x, cfg, 1);
  augment(y, cfg, 1);
  augment(z, cfg, 2);
  ASSERT_EQ(x.frames.size(), y.frames.size());
  for (std::size_t i = 0; i < x.frames.size(); ++i) ASSERT_EQ(x.frames[i].acc, y.frames[i].acc);
  EXPECT_NE(x.frames[100].acc, z.frames[100].acc);
}

}  // namespace
}  // namespace css::sim

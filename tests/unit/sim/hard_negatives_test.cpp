// Hard negatives: everyday motion with sharp accelerations that must never look risky —
// jumps and hops, stumbles, sitting down hard, running for a bus. The jump profile's physics
// (momentum, flight, peaks) and the `hard_negatives` scenario's signals and labels.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "css/core/units.hpp"
#include "css/sim/generator.hpp"
#include "phases.hpp"
#include "sim_test_util.hpp"

namespace css::sim {
namespace {

using testing::course_diff_deg;
using testing::norm3;
constexpr double kG = units::kGravity;

// Peak of the total vertical specific force (in g) over [from, to) of a jump, at a device
// whose mount averages over window_s (0: the trunk).
double peak_g(const JumpProfile& j, double window_s, double from, double to) {
  double p = 0.0;
  for (double t = from; t < to; t += 1e-4) p = std::max(p, 1.0 + j.up_acc(t, window_s) / kG);
  return p;
}

TEST(SimHardNegatives, JumpProfileBalancesMomentumAndHasTheDocumentedPeaks) {
  Rng rng(5);
  for (int i = 0; i < 400; ++i) {
    const bool hop = i % 2 == 1;
    const JumpProfile j = JumpProfile::draw(rng, hop);
    // Net vertical velocity change over the whole jump is zero: at rest before and after.
    double dv = 0.0, dt = 1e-4;
    for (double t = 0.0; t < j.duration(); t += dt) dv += j.up_acc(t, 0.05) * dt;
    EXPECT_NEAR(dv, 0.0, 0.01) << i;
    // Flight: specific force 0 for 0.3–0.5 s (a hop 0.25–0.4 s).
    const double take_off = j.unweight_s + j.push_s + j.release_s;
    EXPECT_DOUBLE_EQ(j.up_acc(take_off + 0.5 * j.flight_s, 0.05), -kG);
    EXPECT_GE(j.flight_s, hop ? 0.25 : 0.3);
    EXPECT_LE(j.flight_s, hop ? 0.4 : 0.5);
    // Push 1.5–2.6 g within 0.2–0.4 s (the peak is recomputed when the duration is clamped).
    const double push = peak_g(j, 0.0, j.unweight_s, j.unweight_s + j.push_s);
    EXPECT_GE(push, 1.5) << i;
    EXPECT_LE(push, 2.6) << i;
    EXPECT_GE(j.push_s, 0.2);
    EXPECT_LE(j.push_s, 0.4);
    // Landing at the trunk: 3–6 g in place, 2.5–4.5 g for a hop.
    const double land = j.landing_t();
    const double trunk = peak_g(j, 0.0, land, land + j.absorb_s);
    EXPECT_GE(trunk, hop ? 2.4 : 2.9) << i;
    EXPECT_LE(trunk, hop ? 4.6 : 6.1) << i;
    // A phone (the mount averages over ≥ 54 ms) sees 1.8–4.5 g: same impulse, lower and
    // longer.
    const double phone = peak_g(j, 0.054, land - 0.05, land + j.absorb_s);
    EXPECT_LT(phone, trunk);
    EXPECT_GE(phone, 1.8) << i;
    EXPECT_LE(phone, 4.5) << i;
  }
}

Recording make(double duration_s, std::uint64_t seed, TruthTrace* truth) {
  GeneratorConfig c;
  c.scenario = Scenario::kHardNegatives;
  c.duration_s = duration_s;
  c.seed = seed;
  auto r = generate_device(c, 0, truth);
  EXPECT_TRUE(r.ok());
  return std::move(r).value();
}

TEST(SimHardNegatives, ScenarioIsNormalOnly) {
  std::size_t counts[kLabelCount] = {};
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    const Recording rec = make(600, seed, nullptr);
    EXPECT_TRUE(rec.onsets.empty()) << "seed " << seed;
    for (Label l : rec.labels) {
      ASSERT_FALSE(is_risky(l)) << "seed " << seed;
      ++counts[static_cast<int>(l)];
    }
  }
  EXPECT_GT(counts[static_cast<int>(Label::kStationary)], 0U);
  EXPECT_GT(counts[static_cast<int>(Label::kWalking)], 0U);
  EXPECT_GT(counts[static_cast<int>(Label::kRunning)], 0U);
  EXPECT_EQ(counts[static_cast<int>(Label::kEnteringVehicle)], 0U);
  EXPECT_EQ(counts[static_cast<int>(Label::kInVehicle)], 0U);
}

TEST(SimHardNegatives, JumpsHaveFlightAtZeroGThenALanding) {
  int in_place = 0, hops = 0;
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    const Recording rec = make(600, seed, nullptr);
    std::size_t low = 0;
    for (std::size_t i = 0; i < rec.frames.size(); ++i) {
      if (norm3(rec.frames[i].acc) < 0.3 * kG) {
        ++low;
        continue;
      }
      // ≥ 0.24 s near 0 g: a flight (a running stride's flight, labelled running, is not a jump)
      if (low >= 12 && rec.labels[i - low] != Label::kRunning) {
        const std::size_t t0 = i - low;
        EXPECT_LE(low, 27U) << "flight ≤ 0.5 s (+ sampling)";
        double land = 0.0, push = 0.0;
        for (std::size_t j = i; j < std::min(rec.frames.size(), i + 10); ++j)
          land = std::max(land, norm3(rec.frames[j].acc));
        for (std::size_t j = t0 >= 25 ? t0 - 25 : 0; j < t0; ++j)
          push = std::max(push, norm3(rec.frames[j].acc));
        EXPECT_GE(land, 1.8 * kG) << "seed " << seed << " t=" << rec.frames[i].t;
        EXPECT_LE(land, 5.0 * kG) << "seed " << seed << " t=" << rec.frames[i].t;
        EXPECT_GE(push, 1.3 * kG) << "seed " << seed << " t=" << rec.frames[i].t;
        const Label l = rec.labels[t0];
        EXPECT_TRUE(l == Label::kStationary || l == Label::kWalking) << int(l);
        (l == Label::kStationary ? in_place : hops) += 1;
      }
      low = 0;
    }
  }
  EXPECT_GE(in_place, 3);
  EXPECT_GE(hops, 2);
}

TEST(SimHardNegatives, StumbleBrakesAtOneToTwoGAndWalksOn) {
  int stumbles = 0;
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    TruthTrace truth;
    const Recording rec = make(600, seed, &truth);
    const double rate = rec.rate_hz;
    for (std::size_t i = 1; i + 150 < truth.speed_mps.size(); ++i) {
      const double decel = (truth.speed_mps[i - 1] - truth.speed_mps[i]) * rate;
      if (decel < 0.7 * kG || rec.labels[i] != Label::kWalking) continue;
      ++stumbles;
      // The peak of this braking: 1–2 g (sampled at 50 Hz).
      double peak = decel;
      std::size_t j = i + 1;
      for (; j < truth.speed_mps.size(); ++j) {
        const double d = (truth.speed_mps[j - 1] - truth.speed_mps[j]) * rate;
        if (d <= 0.0) break;
        peak = std::max(peak, d);
      }
      EXPECT_LE(peak, 2.05 * kG) << "seed " << seed;
      // Walking throughout, at walking speed again within 3 s.
      for (std::size_t k = i; k < i + 150; ++k) ASSERT_EQ(rec.labels[k], Label::kWalking);
      EXPECT_NEAR(truth.speed_mps[i + 150], truth.speed_mps[i - 10], 0.25) << "seed " << seed;
      i = j + 150;
    }
  }
  EXPECT_GE(stumbles, 2);
}

TEST(SimHardNegatives, SittingDownHardTurnsDropsAndLandsOnTheSeat) {
  int sits = 0, pockets = 0;
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    TruthTrace truth;
    const Recording rec = make(600, seed, &truth);
    const std::size_t n = rec.frames.size();
    for (std::size_t i = 0; i + 250 < n; ++i) {
      // A turn of ≥ 80° at rest within 1.4 s, labelled stationary: turning to the seat.
      if (truth.speed_mps[i] > 0.01F || truth.speed_mps[i + 70] > 0.01F ||
          rec.labels[i] != Label::kStationary)
        continue;
      if (course_diff_deg(truth.course_deg[i], truth.course_deg[i + 70]) < 80.0) continue;
      ++sits;
      double peak = 0.0;
      for (std::size_t j = i; j < i + 150; ++j) {
        peak = std::max(peak, norm3(rec.frames[j].acc));
        ASSERT_EQ(rec.labels[j], Label::kStationary) << "seed " << seed;
      }
      EXPECT_GE(peak, 1.4 * kG) << "seed " << seed << " t=" << rec.frames[i].t;
      EXPECT_LE(peak, 3.3 * kG) << "seed " << seed << " t=" << rec.frames[i].t;
      if (rec.placement == "pocket") {  // the thigh, and the phone, turn to horizontal
        ++pockets;
        const auto& a = rec.frames[i > 25 ? i - 25 : 0].acc;
        const auto& b = rec.frames[i + 250].acc;
        const double c = (double(a[0]) * b[0] + double(a[1]) * b[1] + double(a[2]) * b[2]) /
                         (norm3(a) * norm3(b));
        EXPECT_LT(c, std::cos(units::deg_to_rad(60.0))) << "seed " << seed;
      }
      i += 250;
    }
  }
  EXPECT_GE(sits, 3);
}

TEST(SimHardNegatives, RunningForABusStartsFastAndIsLabelledRunning) {
  int runs = 0;
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    TruthTrace truth;
    const Recording rec = make(600, seed, &truth);
    const double rate = rec.rate_hz;
    for (std::size_t i = 1; i < truth.speed_mps.size(); ++i) {
      if (truth.speed_mps[i] < 3.0F || truth.speed_mps[i - 1] >= 3.0F) continue;
      ++runs;
      // From below walking-ish speed to ≥ 3 m/s within 3 s; peak acceleration ≤ 4 m/s².
      const std::size_t b = i > 150 ? i - 150 : 0;
      EXPECT_LT(*std::min_element(truth.speed_mps.begin() + static_cast<std::ptrdiff_t>(b),
                                  truth.speed_mps.begin() + static_cast<std::ptrdiff_t>(i)),
                1.6F);
      for (std::size_t k = b + 1; k <= i; ++k)
        EXPECT_LE((truth.speed_mps[k] - truth.speed_mps[k - 1]) * rate, 4.05);
      EXPECT_EQ(rec.labels[i], Label::kRunning);
    }
  }
  EXPECT_GE(runs, 2);
}

}  // namespace
}  // namespace css::sim

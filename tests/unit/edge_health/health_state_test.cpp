#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "css/edge_health/health_state.hpp"

namespace css::edge_health {
namespace {

using namespace std::chrono_literals;

TEST(HealthState, StatusRules) {
  const auto t0 = Clock::now();
  HealthState h({/*failing_after_s=*/10, /*degraded_spool_depth=*/5}, t0);
  EXPECT_EQ(h.snapshot(t0 + 1s).status, HealthStatus::kDegraded);  // broker not connected yet
  h.set_broker_connected(true);
  EXPECT_EQ(h.snapshot(t0 + 1s).status, HealthStatus::kOk);
  EXPECT_EQ(h.snapshot(t0 + 1s).last_inference_age_s, -1);
  EXPECT_EQ(h.snapshot(t0 + 11s).status, HealthStatus::kFailing);  // no inference since start
  h.mark_inference(t0 + 11s);
  auto s = h.snapshot(t0 + 13s);
  EXPECT_EQ(s.status, HealthStatus::kOk);
  EXPECT_NEAR(s.last_inference_age_s, 2.0, 1e-6);
  EXPECT_EQ(s.counters.windows, 1U);
  h.set_spool(6, 600);
  EXPECT_EQ(h.snapshot(t0 + 13s).status, HealthStatus::kDegraded);
  h.set_spool(5, 500);
  EXPECT_EQ(h.snapshot(t0 + 13s).status, HealthStatus::kOk);
  EXPECT_EQ(h.snapshot(t0 + 21500ms).status, HealthStatus::kFailing);  // 10.5 s since inference
}

TEST(HealthState, CountersAreThreadSafe) {
  HealthState h;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        h.add_samples(2);
        h.mark_inference();
        h.set_model("m" + std::to_string(i % 3));
        (void)h.snapshot();
      }
    });
  for (auto& t : threads) t.join();
  const auto s = h.snapshot();
  EXPECT_EQ(s.counters.samples, 80000U);
  EXPECT_EQ(s.counters.windows, 40000U);
  EXPECT_EQ(s.model.size(), 2U);
}

}  // namespace
}  // namespace css::edge_health

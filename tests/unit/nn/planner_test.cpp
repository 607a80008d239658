// ArenaPlanner: no two buffers that are live at the same time overlap; sharing saves bytes.
#include <gtest/gtest.h>

#include <random>

#include "css/nn/interpreter.hpp"
#include "css/nn/planner.hpp"
#include "css/nn/streaming.hpp"
#include "test_util.hpp"

namespace css::nn {
namespace {

void expect_no_live_overlap(const ArenaPlanner& p) {
  for (std::size_t a = 0; a < p.count(); ++a) {
    EXPECT_LE(p.offset(int(a)) + p.size(int(a)), p.total_bytes());
    EXPECT_EQ(p.offset(int(a)) % ArenaPlanner::kAlign, 0u);
    for (std::size_t b = a + 1; b < p.count(); ++b) {
      const int ia = int(a), ib = int(b);
      const bool live = p.first_use(ia) <= p.last_use(ib) && p.first_use(ib) <= p.last_use(ia);
      const bool overlap =
          p.offset(ia) < p.offset(ib) + p.size(ib) && p.offset(ib) < p.offset(ia) + p.size(ia);
      EXPECT_FALSE(live && overlap && p.size(ia) > 0 && p.size(ib) > 0) << a << " vs " << b;
    }
  }
  EXPECT_LE(p.total_bytes(), p.naive_bytes());
}

TEST(Planner, ChainReusesMemory) {
  ArenaPlanner p;
  p.add(100, 0, 1);
  p.add(100, 1, 2);
  p.add(100, 2, 3);
  p.plan();
  expect_no_live_overlap(p);
  EXPECT_EQ(p.total_bytes(), 200u);
  EXPECT_EQ(p.offset(0), p.offset(2));
}

TEST(Planner, RandomLifetimesNeverOverlap) {
  std::mt19937 rng(11);
  for (int iter = 0; iter < 200; ++iter) {
    ArenaPlanner p;
    const int n = 1 + int(rng() % 40);
    for (int i = 0; i < n; ++i) {
      const int first = int(rng() % 30);
      p.add(rng() % 500, first, first + int(rng() % 10));
    }
    p.plan();
    expect_no_live_overlap(p);
  }
}

TEST(Planner, EnginePlansAreValidAndShareMemory) {
  for (const auto* bytes : {&test::default_model_bytes(), &test::large_model_bytes()}) {
    Model m;
    ASSERT_EQ(Model::parse(*bytes, m), Status::kOk);
    for (const Precision pr : {Precision::kInt8, Precision::kFloat}) {
      const RunConfig cfg{pr, KernelSet::kOptimized, 0};
      const std::size_t need = Interpreter::required_arena_bytes(m, cfg);
      test::Arena a(need);
      Interpreter in;
      ASSERT_EQ(in.init(m, a.span(need), cfg), Status::kOk);
      ArenaPlanner plan;
      ASSERT_EQ(Interpreter::plan(m, cfg, plan), Status::kOk);
      expect_no_live_overlap(plan);
      EXPECT_EQ(plan.total_bytes(), need);
      EXPECT_LT(need, plan.naive_bytes());  // sharing actually happens
    }
    const std::size_t need = Streaming::required_arena_bytes(m);
    test::Arena a(need);
    Streaming st;
    ASSERT_EQ(st.init(m, a.span(need)), Status::kOk);
    ArenaPlanner plan;
    ASSERT_EQ(Streaming::plan(m, plan), Status::kOk);
    expect_no_live_overlap(plan);
    EXPECT_EQ(plan.total_bytes(), need);
  }
}

}  // namespace
}  // namespace css::nn

// Interpreter and Streaming on the default random TCN: int8 vs float, ref vs optimised,
// streaming == window (bit-exact), bad inputs.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "css/nn/interpreter.hpp"
#include "css/nn/streaming.hpp"
#include "test_util.hpp"

namespace css::nn {
namespace {

struct Engine {
  Model model;
  test::Arena arena{1};
  Interpreter interp;
  Status init(const std::vector<std::uint8_t>& bytes, RunConfig cfg) {
    if (const Status s = Model::parse(bytes, model); s != Status::kOk) return s;
    const std::size_t need = Interpreter::required_arena_bytes(model, cfg);
    arena = test::Arena(need);
    return interp.init(model, arena.span(need), cfg);
  }
};

std::vector<float> run(Interpreter& in, const std::vector<float>& x, std::size_t classes) {
  std::vector<float> probs(classes);
  EXPECT_EQ(in.run_window(x, probs), Status::kOk);
  return probs;
}

TEST(Engine, Int8TracksFloatWithinQuantisationTolerance) {
  for (const auto* bytes : {&test::default_model_bytes(), &test::large_model_bytes()}) {
    Engine fe, qe;
    ASSERT_EQ(fe.init(*bytes, {Precision::kFloat, KernelSet::kReference, 0}), Status::kOk);
    ASSERT_EQ(qe.init(*bytes, {Precision::kInt8, KernelSet::kOptimized, 0}), Status::kOk);
    double worst = 0.0, total = 0.0;
    int agree = 0;
    const int kWindows = 20;
    for (int k = 0; k < kWindows; ++k) {
      const auto x = test::random_input(fe.model, fe.model.window(), 100 + k);
      const auto pf = run(fe.interp, x, fe.model.num_classes());
      const auto pq = run(qe.interp, x, qe.model.num_classes());
      for (std::size_t c = 0; c < pf.size(); ++c) {
        worst = std::max(worst, double(std::fabs(pf[c] - pq[c])));
        total += std::fabs(pf[c] - pq[c]);
      }
      agree += std::max_element(pf.begin(), pf.end()) - pf.begin() ==
                       std::max_element(pq.begin(), pq.end()) - pq.begin()
                   ? 1
                   : 0;
    }
    EXPECT_LT(worst, 0.08);
    EXPECT_LT(total / (kWindows * 8.0), 0.015);
    EXPECT_GE(agree, kWindows * 8 / 10);
  }
}

TEST(Engine, OptimisedWindowIsBitExactWithReference) {
  for (const auto* bytes : {&test::default_model_bytes(), &test::large_model_bytes()}) {
    Engine ref, opt;
    ASSERT_EQ(ref.init(*bytes, {Precision::kInt8, KernelSet::kReference, 300}), Status::kOk);
    ASSERT_EQ(opt.init(*bytes, {Precision::kInt8, KernelSet::kOptimized, 300}), Status::kOk);
    for (std::size_t steps : {128u, 200u, 300u}) {
      const auto x = test::random_input(ref.model, steps, static_cast<std::uint32_t>(steps));
      const auto pr = run(ref.interp, x, 8);
      const auto po = run(opt.interp, x, 8);
      EXPECT_EQ(0, std::memcmp(pr.data(), po.data(), pr.size() * sizeof(float)));
      EXPECT_TRUE(std::equal(ref.interp.logits_q().begin(), ref.interp.logits_q().end(),
                             opt.interp.logits_q().begin()));
    }
  }
}

// Streaming after n samples == window mode on all n samples == window mode on the last
// context_length() samples, for both kernel sets, exactly.
void check_streaming_matches_window(const std::vector<std::uint8_t>& bytes, KernelSet ks) {
  Engine win;
  Model model;
  ASSERT_EQ(Model::parse(bytes, model), Status::kOk);
  const std::uint32_t ctx = model.context_length();
  const std::uint32_t total = ctx + 60;
  ASSERT_EQ(win.init(bytes, {Precision::kInt8, ks, total}), Status::kOk);
  const std::size_t need = Streaming::required_arena_bytes(model);
  test::Arena arena(need);
  Streaming st;
  ASSERT_EQ(st.init(model, arena.span(need), ks), Status::kOk);
  const std::size_t ch = model.input_channels();
  const auto x = test::random_input(model, total, 77);
  std::vector<float> ps(8), pw(8);
  int compared = 0;
  for (std::uint32_t t = 0; t < total; ++t) {
    bool ready = false;
    ASSERT_EQ(st.push({x.data() + t * ch, ch}, ps, &ready), Status::kOk);
    ASSERT_EQ(ready, t + 1 >= model.window()) << t;
    if (!ready || (t % 9 != 0 && t + 3 < total && t + 1 != ctx)) continue;
    const std::uint32_t first = t + 1 > ctx ? t + 1 - ctx : 0;
    // (a) the last min(t + 1, context) samples
    ASSERT_EQ(win.interp.run_window({x.data() + first * ch, (t + 1 - first) * ch}, pw),
              Status::kOk);
    ASSERT_TRUE(
        std::equal(st.logits_q().begin(), st.logits_q().end(), win.interp.logits_q().begin()))
        << "t " << t;
    ASSERT_EQ(0, std::memcmp(ps.data(), pw.data(), 8 * sizeof(float))) << "t " << t;
    // (b) all samples so far
    if (t + 1 <= total) {
      ASSERT_EQ(win.interp.run_window({x.data(), (t + 1) * ch}, pw), Status::kOk);
      ASSERT_EQ(0, std::memcmp(ps.data(), pw.data(), 8 * sizeof(float))) << "t " << t;
    }
    ++compared;
  }
  EXPECT_GT(compared, 10);
}

TEST(Streaming, MatchesWindowModeExactlyDefaultModel) {
  check_streaming_matches_window(test::default_model_bytes(), KernelSet::kOptimized);
  check_streaming_matches_window(test::default_model_bytes(), KernelSet::kReference);
}

TEST(Streaming, MatchesWindowModeExactlyLargeModel) {
  check_streaming_matches_window(test::large_model_bytes(), KernelSet::kOptimized);
}

TEST(Streaming, WindowOfOnlyWSamplesDiffersFromAWarmStream) {
  // Documents the semantics: a W-sample window equals a stream *started* at its first sample,
  // not a stream that has seen older samples (their history is inside the receptive field).
  Engine win;
  ASSERT_EQ(win.init(test::default_model_bytes(), {}), Status::kOk);
  const std::size_t need = Streaming::required_arena_bytes(win.model);
  test::Arena arena(need);
  Streaming st;
  ASSERT_EQ(st.init(win.model, arena.span(need)), Status::kOk);
  const std::size_t ch = std::size_t(win.model.input_channels()), w = 128;
  const auto x = test::random_input(win.model, 2 * w, 5);
  std::vector<float> ps(8), pw(8);
  for (std::size_t t = 0; t < 2 * w; ++t)
    ASSERT_EQ(st.push({x.data() + t * ch, ch}, ps, nullptr), Status::kOk);
  ASSERT_EQ(win.interp.run_window({x.data() + w * ch, w * ch}, pw), Status::kOk);
  EXPECT_NE(0, std::memcmp(ps.data(), pw.data(), 8 * sizeof(float)));
  st.reset();
  for (std::size_t t = w; t < 2 * w; ++t)
    ASSERT_EQ(st.push({x.data() + t * ch, ch}, ps, nullptr), Status::kOk);
  EXPECT_EQ(0, std::memcmp(ps.data(), pw.data(), 8 * sizeof(float)));
}

TEST(Streaming, RejectedSampleLeavesStateUntouched) {
  Model m;
  ASSERT_EQ(Model::parse(test::default_model_bytes(), m), Status::kOk);
  const std::size_t need = Streaming::required_arena_bytes(m);
  test::Arena a1(need), a2(need);
  Streaming s1, s2;
  ASSERT_EQ(s1.init(m, a1.span(need)), Status::kOk);
  ASSERT_EQ(s2.init(m, a2.span(need)), Status::kOk);
  const auto x = test::random_input(m, 140, 9);
  std::vector<float> p1(8), p2(8);
  const std::size_t ch = std::size_t(m.input_channels());
  std::vector<float> nan_sample(ch, 0.0f);
  nan_sample[3] = std::numeric_limits<float>::quiet_NaN();
  for (std::size_t t = 0; t < 140; ++t) {
    if (t == 50) {
      EXPECT_EQ(s1.push(nan_sample, p1, nullptr), Status::kBadInput);
    }
    ASSERT_EQ(s1.push({x.data() + t * ch, ch}, p1, nullptr), Status::kOk);
    ASSERT_EQ(s2.push({x.data() + t * ch, ch}, p2, nullptr), Status::kOk);
  }
  EXPECT_EQ(0, std::memcmp(p1.data(), p2.data(), 8 * sizeof(float)));
  EXPECT_EQ(s1.push({x.data(), ch - 1}, p1, nullptr), Status::kBadInput);
  EXPECT_EQ(s1.push({x.data(), ch}, {p1.data(), 7}, nullptr), Status::kBadInput);
}

TEST(Engine, BadInputsGiveClearStatus) {
  Engine e;
  ASSERT_EQ(e.init(test::default_model_bytes(), {}), Status::kOk);
  auto x = test::random_input(e.model, 128, 1);
  std::vector<float> probs(8);
  const std::size_t ch = std::size_t(e.model.input_channels());
  EXPECT_EQ(e.interp.run_window({x.data(), 127 * ch}, probs), Status::kBadInput);      // < window
  EXPECT_EQ(e.interp.run_window({x.data(), 128 * ch - 5}, probs), Status::kBadInput);  // ragged
  EXPECT_EQ(e.interp.run_window(x, {probs.data(), 7}), Status::kBadInput);
  x[500] = std::numeric_limits<float>::infinity();
  EXPECT_EQ(e.interp.run_window(x, probs), Status::kBadInput);
  x[500] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_EQ(e.interp.run_window(x, probs), Status::kBadInput);
  x[500] = 1e30f;  // finite but far outside the calibrated range: saturates, still fine
  EXPECT_EQ(e.interp.run_window(x, probs), Status::kOk);
  float sum = 0.0f;
  for (float p : probs) sum += p;
  EXPECT_NEAR(sum, 1.0f, 1e-5f);

  Interpreter fresh;
  EXPECT_EQ(fresh.run_window(x, probs), Status::kNotReady);
  const std::size_t need = Interpreter::required_arena_bytes(e.model, {});
  test::Arena small(need);
  EXPECT_EQ(fresh.init(e.model, small.span(need - 1), {}), Status::kArenaTooSmall);
  EXPECT_EQ(fresh.init(e.model, small.span(need + 1).subspan(1), {}), Status::kBadInput);
  EXPECT_EQ(fresh.init(e.model, small.span(need), {Precision::kInt8, KernelSet::kOptimized, 64}),
            Status::kBadParam);
}

TEST(Engine, FloatNeedsFloatWeights) {
  DefaultModelOptions o;
  o.include_float = false;
  const auto bytes = build_default_random_model(3, o);
  Model m;
  ASSERT_EQ(Model::parse(bytes, m), Status::kOk);
  EXPECT_LT(bytes.size(), test::default_model_bytes().size());
  Interpreter in;
  test::Arena a(1 << 16);
  EXPECT_EQ(in.init(m, a.span(1 << 16), {Precision::kFloat, KernelSet::kReference, 0}),
            Status::kNotReady);
  EXPECT_EQ(in.init(m, a.span(1 << 16), {}), Status::kOk);
}

TEST(Engine, DefaultModelFitsTheMcuBudget) {
  Model m;
  ASSERT_EQ(Model::parse(test::default_model_bytes(), m), Status::kOk);
  // The MCU runs the portable kernel set (no packed weights): its plan is the budget.
  const std::size_t stream =
      Streaming::required_arena_bytes(m, KernelSet::kOptimized, Isa::kPortable);
  const std::size_t win_q = Interpreter::required_arena_bytes(
      m, {Precision::kInt8, KernelSet::kOptimized, 0, Isa::kPortable});
  const std::size_t win_f = Interpreter::required_arena_bytes(m, {Precision::kFloat, {}, 0});
  DefaultModelOptions o;
  o.include_float = false;
  const auto mcu_bytes = build_default_random_model(42, o);
  std::printf(
      "default model: streaming arena %zu B, int8 window arena %zu B, float window "
      "arena %zu B, .csm int8-only %zu B, with float %zu B, RF %u, MACs/window %llu\n",
      stream, win_q, win_f, mcu_bytes.size(), test::default_model_bytes().size(),
      m.receptive_field(), static_cast<unsigned long long>(count_macs(m, 128)));
  EXPECT_LE(stream, 4096u);                  // issue: streaming arena <= 4 KiB on the Cortex-M4
  EXPECT_LE(mcu_bytes.size(), 24u * 1024u);  // leaves >= 8 KiB of the 32 KiB for engine code
  EXPECT_GE(m.receptive_field(), 128u);
}

}  // namespace
}  // namespace css::nn

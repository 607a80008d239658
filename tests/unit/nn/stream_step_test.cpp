// The whole-network streaming step (AVX-512 VNNI: stream_x86_avx512.cpp; AVX2 and AVX-VNNI:
// stream_avx2_impl.hpp), one instance per path, against the reference kernels, sample by sample:
// random graphs (convs of any earlier tensor, adds fused into their conv or not, 1x1 projections,
// widths 1..20 around the 16-lane limit, kernels 1..5, dilations up to 32), random requantisation
// edits (left shifts, shifts the exact forms cannot prove, so the op-by-op fallback runs), extreme
// inputs, reset() and rejected samples.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <random>

#include "css/nn/interpreter.hpp"
#include "css/nn/isa.hpp"
#include "css/nn/model_writer.hpp"
#include "css/nn/streaming.hpp"
#include "test_util.hpp"

namespace css::nn {
namespace {

// A file of the source tree: $CSS_SOURCE_DIR (ctest sets it), else the configured tree.
std::vector<std::uint8_t> read_source_file(const char* rel) {
  const char* env = std::getenv("CSS_SOURCE_DIR");
  std::ifstream f(
      std::string(env != nullptr && *env != '\0' ? env : CSS_SOURCE_DIR_FALLBACK) + "/" + rel,
      std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

std::vector<float> random_floats(std::mt19937& rng, std::size_t n, float sd) {
  std::normal_distribution<float> d(0.0f, sd);
  std::vector<float> v(n);
  for (float& x : v) x = d(rng);
  return v;
}

// A random DAG: each layer is a conv of a random earlier tensor or an add of two earlier
// tensors of equal width; then pool, dense, softmax. Calibrated like the default model.
std::vector<std::uint8_t> random_graph(std::uint32_t seed, bool narrow) {
  std::mt19937 rng(seed);
  auto pick = [&](int lo, int hi) { return lo + static_cast<int>(rng() % unsigned(hi - lo + 1)); };
  ModelWriter w;
  const int window = pick(8, 70);
  w.set_window(static_cast<std::uint32_t>(window));
  const int in_ch = pick(1, 16);
  const auto n_in = static_cast<std::size_t>(in_ch);
  std::vector<float> mean(n_in), sd(n_in);
  for (int c = 0; c < in_ch; ++c) {
    mean[std::size_t(c)] = 0.3f * float(c);
    sd[std::size_t(c)] = 0.5f + 0.2f * float(c);
  }
  w.set_normalization(mean, sd);
  const int classes = pick(2, narrow ? 16 : 20);
  std::vector<std::string> names;
  for (int k = 0; k < classes; ++k) names.push_back("c" + std::to_string(k));
  w.set_classes(names);
  std::vector<TensorId> seq{ModelWriter::input()};
  std::vector<int> width{in_ch};
  const int max_w = narrow ? 16 : 20;
  for (int layer = 0, n = pick(1, 7); layer < n; ++layer) {
    const std::size_t a = seq.size() - 1 - std::size_t(pick(0, int(seq.size()) - 1) / 2);
    std::size_t b = seq.size();
    for (std::size_t j = 0; j < seq.size(); ++j)
      if (j != a && width[j] == width[a] && rng() % 2 == 0) b = j;
    TensorId out;
    if (b < seq.size() && rng() % 2 == 0) {
      out = w.add_add(seq[a], seq[b], rng() % 2 == 0);
    } else if (rng() % 4 == 0 && width[a] != width.back()) {  // a 1x1 projection + residual
      const int o = width.back();
      out = w.add_residual(seq.back(), seq[a], rng() % 2 == 0,
                           random_floats(rng, std::size_t(o * width[a]), 0.4f),
                           random_floats(rng, std::size_t(o), 0.05f));
    } else {
      const int o = rng() % 2 == 0 ? width[a] : pick(1, max_w);
      const int k = pick(1, 5);
      const int d = 1 << pick(0, 5);
      out = w.add_conv1d(
          seq[a], o, k, d, rng() % 3 != 0,
          random_floats(rng, std::size_t(o * k * width[a]), std::sqrt(2.0f / float(k * width[a]))),
          random_floats(rng, std::size_t(o), 0.05f));
    }
    seq.push_back(out);
    width.push_back(w.tensor_channels(out));
  }
  const TensorId pooled = w.add_global_avg_pool(seq.back());
  const TensorId logits = w.add_dense(pooled, classes, rng() % 4 == 0,
                                      random_floats(rng, std::size_t(classes * width.back()), 0.5f),
                                      random_floats(rng, std::size_t(classes), 0.05f));
  w.add_softmax(logits);
  std::vector<std::vector<float>> calib;
  for (int n = 0; n < 2; ++n) {
    std::vector<float> x = random_floats(rng, std::size_t(window + 40) * std::size_t(in_ch), 1.0f);
    for (std::size_t i = 0; i < x.size(); ++i)
      x[i] = mean[i % std::size_t(in_ch)] + sd[i % std::size_t(in_ch)] * x[i];
    calib.push_back(std::move(x));
  }
  std::string why;
  EXPECT_TRUE(calibrate(w, calib, &why)) << why;
  w.set_include_float(false);
  return w.finish(&why);
}

// Rewrites conv requantisation shifts in place: mode 1 = small shifts including left ones
// (exact forms still apply), mode 2 = one channel with a shift the exact forms cannot prove.
void edit_shifts(std::vector<std::uint8_t>& bytes, int mode, std::mt19937& rng) {
  Model m;
  ASSERT_EQ(Model::parse(bytes, m), Status::kOk);
  bool edited = false;
  for (std::size_t i = 0; i < m.num_ops(); ++i) {
    const OpView op = m.op(i);
    if (op.type != format::OpType::kConv1d && op.type != format::OpType::kDense) continue;
    const auto at = static_cast<std::size_t>(reinterpret_cast<const std::uint8_t*>(op.shift) -
                                             m.bytes().data());
    for (int o = 0; o < op.out_channels; ++o) {
      std::int32_t s = op.shift[o];
      if (mode == 1 && rng() % 2 == 0) s = static_cast<std::int32_t>(rng() % 7) - 3;
      if (mode == 2 && !edited && rng() % 3 == 0) {
        s = rng() % 2 == 0 ? -26 : 20;
        edited = true;
      }
      test::put_u32(bytes, at + 4 * std::size_t(o), static_cast<std::uint32_t>(s));
    }
  }
  test::reseal(bytes);
}

struct StreamRun {
  std::vector<std::vector<std::int8_t>> logits;
  std::vector<std::vector<float>> probs;
  bool one_buffer = false;  // the plan of a whole-network step
};

// Pushes x (with a reset() half way and a rejected sample) and records every output.
StreamRun stream(const Model& m, const std::vector<float>& x, KernelSet ks, Isa isa) {
  StreamRun r;
  ArenaPlanner plan;
  EXPECT_EQ(Streaming::plan(m, plan, ks, isa), Status::kOk);
  r.one_buffer = plan.count() == 1;
  const std::size_t need = Streaming::required_arena_bytes(m, ks, isa);
  EXPECT_GT(need, 0u);
  test::Arena arena(need);
  Streaming st;
  EXPECT_EQ(st.init(m, arena.span(need), ks, isa), Status::kOk);
  const std::size_t ch = m.input_channels(), steps = x.size() / ch;
  std::vector<float> probs(m.num_classes()), bad(ch, 0.0f);
  bad[ch - 1] = std::numeric_limits<float>::infinity();
  for (std::size_t t = 0; t < steps; ++t) {
    if (t == steps / 2) st.reset();
    if (t % 17 == 3) {
      EXPECT_EQ(st.push(bad, probs, nullptr), Status::kBadInput);
    }
    bool ready = false;
    EXPECT_EQ(st.push({x.data() + t * ch, ch}, probs, &ready), Status::kOk);
    r.logits.emplace_back(st.logits_q().begin(), st.logits_q().end());
    r.probs.push_back(probs);
  }
  return r;
}

// One instance per path with a whole-network step; skipped, naming the missing CPU feature (or
// the CSS_NN_ISA cap), where the path cannot run.
class StreamStep : public ::testing::TestWithParam<Isa> {
 protected:
  void SetUp() override {
    if (const std::string why = test::isa_missing(GetParam()); !why.empty()) GTEST_SKIP() << why;
  }
};

TEST_P(StreamStep, RandomGraphsMatchReferenceSampleBySample) {
  std::mt19937 rng(11);
  int fast = 0, fallback = 0;
  for (std::uint32_t trial = 0; trial < 60; ++trial) {
    auto bytes = random_graph(1000 + trial, trial % 5 != 4);
    ASSERT_FALSE(bytes.empty()) << trial;
    const int mode = trial % 6 == 1 ? 1 : (trial % 6 == 2 ? 2 : 0);
    if (mode != 0) edit_shifts(bytes, mode, rng);
    Model m;
    ASSERT_EQ(Model::parse(bytes, m), Status::kOk) << trial;
    const std::size_t steps = 2 * m.context_length() + 7;
    auto x = test::random_input(m, steps, trial);
    for (std::size_t i = 0; i < x.size(); i += 13) x[i] *= 1e3f;  // saturate some inputs
    const StreamRun ref = stream(m, x, KernelSet::kReference, Isa::kPortable);
    const StreamRun got = stream(m, x, KernelSet::kOptimized, GetParam());
    (got.one_buffer ? fast : fallback) += 1;
    ASSERT_EQ(ref.logits.size(), got.logits.size());
    for (std::size_t t = 0; t < ref.logits.size(); ++t) {
      ASSERT_EQ(ref.logits[t], got.logits[t]) << "trial " << trial << " t " << t;
      ASSERT_EQ(0, std::memcmp(ref.probs[t].data(), got.probs[t].data(),
                               ref.probs[t].size() * sizeof(float)))
          << "trial " << trial << " t " << t;
    }
  }
  // Both the step kernel and the op-by-op fallback ran.
  EXPECT_GE(fast, 20);
  EXPECT_GE(fallback, 5);
}

TEST_P(StreamStep, DefaultAndShippedModelsUseTheStep) {
  const Isa isa = GetParam();
  Model m;
  ASSERT_EQ(Model::parse(test::default_model_bytes(), m), Status::kOk);
  ArenaPlanner plan;
  ASSERT_EQ(Streaming::plan(m, plan, KernelSet::kOptimized, isa), Status::kOk);
  EXPECT_EQ(plan.count(), 1u);
  // The model users run: one buffer, and sample by sample equal to the reference kernels.
  const std::vector<std::uint8_t> shipped = read_source_file("models/default.csm");
  ASSERT_FALSE(shipped.empty()) << "models/default.csm not readable (CSS_SOURCE_DIR)";
  Model s;
  ASSERT_EQ(Model::parse(shipped, s), Status::kOk);
  ASSERT_EQ(Streaming::plan(s, plan, KernelSet::kOptimized, isa), Status::kOk);
  EXPECT_EQ(plan.count(), 1u);
  const auto x = test::random_input(s, s.context_length() + 50, 5);
  const StreamRun ref = stream(s, x, KernelSet::kReference, Isa::kPortable);
  const StreamRun got = stream(s, x, KernelSet::kOptimized, isa);
  EXPECT_TRUE(got.one_buffer);
  EXPECT_EQ(ref.logits, got.logits);
  // The arena figures docs/engine.md quotes ("Arena per path").
  const RunConfig win{Precision::kInt8, KernelSet::kOptimized, 0, isa};
  std::printf(
      "%s arenas: default random model window %zu B, streaming %zu B; shipped model "
      "window %zu B, streaming %zu B\n",
      isa_name(isa), Interpreter::required_arena_bytes(m, win),
      Streaming::required_arena_bytes(m, KernelSet::kOptimized, isa),
      Interpreter::required_arena_bytes(s, win),
      Streaming::required_arena_bytes(s, KernelSet::kOptimized, isa));
  // The large model (32 channels) is wider than one vector: op by op.
  Model large;
  ASSERT_EQ(Model::parse(test::large_model_bytes(), large), Status::kOk);
  ASSERT_EQ(Streaming::plan(large, plan, KernelSet::kOptimized, isa), Status::kOk);
  EXPECT_GT(plan.count(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Paths, StreamStep,
                         ::testing::Values(Isa::kAvx512Vnni, Isa::kAvxVnni, Isa::kAvx2),
                         [](const ::testing::TestParamInfo<Isa>& i) { return isa_name(i.param); });

}  // namespace
}  // namespace css::nn

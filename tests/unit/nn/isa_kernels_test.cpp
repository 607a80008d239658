// Every instruction-set path's int8 kernels == the reference kernels, bit for bit, over random
// shapes and data (kernel 1..7, dilation 1..64, channels 1..40, lengths 1..200), and whole
// models give identical logits and probabilities on every path, window and streaming. Each
// path is one test instance (.../portable, .../avx2, .../avx512vnni) that forces it; a path the
// CPU lacks is a skipped instance naming the missing CPU feature, never a silent omission.
#include <gtest/gtest.h>

#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "css/nn/interpreter.hpp"
#include "css/nn/isa.hpp"
#include "css/nn/kernels.hpp"
#include "css/nn/streaming.hpp"
#include "kernels/kernel_table.hpp"
#include "runtime/op_params.hpp"
#include "test_util.hpp"

namespace css::nn {
namespace {

// One instance per path; SetUp skips (visibly, naming the CPU feature) a path this machine
// cannot run, and kt_ is the forced path's kernel table.
class IsaPath : public ::testing::TestWithParam<Isa> {
 protected:
  void SetUp() override {
    if (const std::string why = test::isa_missing(GetParam()); !why.empty()) GTEST_SKIP() << why;
    kt_ = detail::kernel_table(GetParam());
    ASSERT_NE(kt_, nullptr);
  }
  const detail::KernelTable* kt_ = nullptr;
};
using IsaKernels = IsaPath;
using IsaEngine = IsaPath;

using test::RandomConv;

// Shifts span right shifts up to 31 and left shifts up to 3 (saturation path); weights use
// the full int8 range, -128 included.
RandomConv random_conv(std::mt19937& rng, int in_ch, int out_ch, int kernel) {
  RandomConv r;
  std::uniform_int_distribution<int> i8(-128, 127);
  std::uniform_int_distribution<std::int32_t> bias(-(1 << 24), 1 << 24);
  std::uniform_int_distribution<std::int32_t> mult(0, INT32_MAX);
  std::uniform_int_distribution<int> shift(-31, 3), small_shift(-14, 1);
  r.w.resize(std::size_t(in_ch) * out_ch * kernel);
  for (auto& v : r.w) v = static_cast<std::int8_t>(i8(rng));
  const bool wide = rng() % 4 == 0;
  for (int o = 0; o < out_ch; ++o) {
    r.bias.push_back(bias(rng));
    r.mult.push_back(rng() % 8 == 0 ? mult(rng) : (1 << 30) + mult(rng) / 2);
    r.shift.push_back(wide ? shift(rng) : small_shift(rng));
  }
  r.bind(in_ch, out_ch, kernel);
  r.p.out_zp = i8(rng);
  r.p.act_min = (rng() % 2) != 0 ? r.p.out_zp : -128;
  return r;
}

TEST_P(IsaKernels, ConvWindowAndStepAreBitExact) {
  const Isa isa = GetParam();
  const detail::KernelTable* kt = kt_;
  std::mt19937 rng(11);
  std::uniform_int_distribution<int> ch(1, 40), k(1, 7), dil(1, 64), len(1, 200), i8(-128, 127);
  for (int iter = 0; iter < 300; ++iter) {
    const int in_ch = ch(rng), out_ch = ch(rng), kernel = k(rng), steps = len(rng);
    const int d = rng() % 3 == 0 ? 1 : dil(rng);
    const RandomConv rc = random_conv(rng, in_ch, out_ch, kernel);
    std::vector<std::int8_t> x(std::size_t(steps) * in_ch);
    for (auto& v : x) v = static_cast<std::int8_t>(i8(rng));
    const std::vector<std::int8_t> zp_row(in_ch, static_cast<std::int8_t>(i8(rng)));
    std::vector<std::uint8_t> packed(kt->packed_bytes(in_ch, out_ch, kernel) + 1);
    kt->pack(rc.p, packed.data());
    const std::size_t scratch_bytes = std::max(kt->window_scratch_bytes(in_ch, kernel, d, steps),
                                               2 * std::size_t(kernel) * in_ch);
    std::vector<std::uint32_t> scratch(scratch_bytes / 4 + 1);
    auto* s8 = reinterpret_cast<std::uint8_t*>(scratch.data());
    std::vector<std::int8_t> ref(std::size_t(steps) * out_ch), got(ref.size(), 0);
    kernels::conv_window_ref(rc.p, d, x.data(), steps, zp_row.data(), ref.data());
    kt->conv_window(rc.p, packed.data(), d, x.data(), steps, zp_row.data(), got.data(), s8);
    ASSERT_EQ(ref, got) << isa_name(isa) << " in " << in_ch << " out " << out_ch << " k " << kernel
                        << " d " << d << " steps " << steps;
    // One step from tap pointers (streaming, dense), taps as separate tight allocations so
    // an over-read would show under ASan.
    std::vector<std::vector<std::int8_t>> rows(kernel);
    const std::int8_t* taps[16];
    for (int j = 0; j < kernel; ++j) {
      const int src = steps - 1 - (kernel - 1 - j) * d;
      const std::int8_t* from = src >= 0 ? x.data() + std::size_t(src) * in_ch : zp_row.data();
      rows[j].assign(from, from + in_ch);
      taps[j] = rows[j].data();
    }
    std::vector<std::int8_t> s_ref(out_ch), s_got(out_ch);
    kernels::conv_step_ref(rc.p, taps, s_ref.data());
    kt->conv_step(rc.p, packed.data(), taps, s_got.data(), s8);
    ASSERT_EQ(s_ref, s_got) << isa_name(isa);
  }
}

TEST_P(IsaKernels, AddIsBitExact) {
  const Isa isa = GetParam();
  const detail::KernelTable* kt = kt_;
  std::mt19937 rng(12);
  std::uniform_int_distribution<int> i8(-128, 127), len(1, 500), rshift(-31, 0), lshift(1, 12);
  std::uniform_int_distribution<std::int32_t> mult(0, INT32_MAX);
  for (int iter = 0; iter < 400; ++iter) {
    kernels::AddQ p;
    p.a_zp = i8(rng);
    p.b_zp = i8(rng);
    p.out_zp = i8(rng);
    p.a_mult = mult(rng);
    p.b_mult = mult(rng);
    p.out_mult = mult(rng);
    // Mostly the writer's regime (right shifts); every 4th case left shifts that saturate.
    const bool left = iter % 4 == 3;
    p.a_shift = left ? lshift(rng) : rshift(rng) / 4;
    p.b_shift = left ? lshift(rng) : rshift(rng) / 4;
    p.out_shift = left ? lshift(rng) - 6 : rshift(rng);
    p.act_min = rng() % 2 != 0 ? p.out_zp : -128;
    const int n = len(rng);
    std::vector<std::int8_t> a(n), b(n), ref(n), got(n);
    for (int i = 0; i < n; ++i) {
      a[i] = static_cast<std::int8_t>(i8(rng));
      b[i] = static_cast<std::int8_t>(i8(rng));
    }
    kernels::add_ref(p, a.data(), b.data(), n, ref.data());
    kt->add(p, a.data(), b.data(), n, got.data());
    ASSERT_EQ(ref, got) << isa_name(isa) << " iter " << iter;
  }
}

// Input normalisation + quantisation: ties (k + 0.5 quantisation steps), saturation, tiny and
// huge values, against detail::quantize_sample (the scalar definition both modes use).
TEST_P(IsaKernels, QuantizeMatchesScalarIncludingTies) {
  Model m;
  ASSERT_EQ(Model::parse(test::default_model_bytes(), m), Status::kOk);
  const std::size_t ch = m.input_channels();
  std::vector<float> mean(ch), stdv(ch);
  for (std::size_t c = 0; c < ch; ++c) {
    mean[c] = m.input_mean(c);
    stdv[c] = m.input_std(c);
  }
  const QuantParams qp = m.tensor_quant(0);
  std::mt19937 rng(13);
  std::uniform_int_distribution<int> step(-140, 140);
  std::normal_distribution<float> n01;
  const int steps = 300;
  std::vector<float> x(steps * ch);
  for (std::size_t i = 0; i < x.size(); ++i) {
    const std::size_t c = i % ch;
    const float k = static_cast<float>(step(rng)) + (i % 3 == 0 ? 0.5f : 0.0f);
    x[i] = i % 5 == 4 ? mean[c] + stdv[c] * n01(rng) * 1e3f
                      : mean[c] + stdv[c] * qp.scale * (k - static_cast<float>(qp.zero_point));
  }
  std::vector<std::int8_t> ref(x.size());
  for (int t = 0; t < steps; ++t)
    ASSERT_TRUE(detail::quantize_sample(m, x.data() + t * ch, ref.data() + t * ch));
  const Isa isa = GetParam();
  const detail::KernelTable* kt = kt_;
  if (kt->quantize == nullptr) return;  // this path uses quantize_sample, the reference itself
  std::vector<std::int8_t> got(x.size());
  ASSERT_TRUE(kt->quantize(x.data(), steps, static_cast<int>(ch), mean.data(), stdv.data(),
                           qp.scale, qp.zero_point, got.data()));
  EXPECT_EQ(ref, got) << isa_name(isa);
  x[7] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_FALSE(kt->quantize(x.data(), steps, static_cast<int>(ch), mean.data(), stdv.data(),
                            qp.scale, qp.zero_point, got.data()));
  x[7] = 0.0f;
}

struct WindowRun {
  std::vector<float> probs;
  std::vector<std::int8_t> logits;
};

WindowRun window(const Model& m, const std::vector<float>& x, RunConfig cfg) {
  const std::size_t need = Interpreter::required_arena_bytes(m, cfg);
  EXPECT_GT(need, 0u);
  test::Arena arena(need);
  Interpreter in;
  EXPECT_EQ(in.init(m, arena.span(need), cfg), Status::kOk);
  WindowRun r{std::vector<float>(m.num_classes()), {}};
  EXPECT_EQ(in.run_window(x, r.probs), Status::kOk);
  r.logits.assign(in.logits_q().begin(), in.logits_q().end());
  return r;
}

TEST_P(IsaEngine, WholeModelsAreIdenticalToReference) {
  for (const auto* bytes : {&test::default_model_bytes(), &test::large_model_bytes()}) {
    Model m;
    ASSERT_EQ(Model::parse(*bytes, m), Status::kOk);
    for (const std::uint32_t steps : {m.window(), m.context_length()}) {
      const auto x = test::random_input(m, steps, steps);
      const WindowRun ref = window(m, x, {Precision::kInt8, KernelSet::kReference, steps});
      const Isa isa = GetParam();
      const WindowRun got = window(m, x, {Precision::kInt8, KernelSet::kOptimized, steps, isa});
      EXPECT_EQ(ref.logits, got.logits) << isa_name(isa);
      EXPECT_EQ(0, std::memcmp(ref.probs.data(), got.probs.data(), ref.probs.size() * 4))
          << isa_name(isa);
    }
  }
}

TEST_P(IsaEngine, StreamingIsIdenticalToReference) {
  const Isa isa = GetParam();
  for (const auto* bytes : {&test::default_model_bytes(), &test::large_model_bytes()}) {
    Model m;
    ASSERT_EQ(Model::parse(*bytes, m), Status::kOk);
    const std::size_t ch = m.input_channels();
    const std::uint32_t total = m.context_length() + 20;
    const auto x = test::random_input(m, total, 5);
    std::vector<std::vector<std::int8_t>> logits_ref;
    for (const KernelSet ks : {KernelSet::kReference, KernelSet::kOptimized}) {
      const std::size_t need = Streaming::required_arena_bytes(m, ks, isa);
      test::Arena arena(need);
      Streaming st;
      ASSERT_EQ(st.init(m, arena.span(need), ks, isa), Status::kOk);
      std::vector<float> probs(m.num_classes());
      std::vector<std::vector<std::int8_t>> logits;
      for (std::uint32_t t = 0; t < total; ++t) {
        bool ready = false;
        ASSERT_EQ(st.push({x.data() + t * ch, ch}, probs, &ready), Status::kOk);
        logits.emplace_back(st.logits_q().begin(), st.logits_q().end());
      }
      if (ks == KernelSet::kReference)
        logits_ref = logits;
      else
        EXPECT_EQ(logits_ref, logits) << isa_name(isa);
    }
  }
}

TEST(IsaSelection, UnavailablePathIsRefusedAndAutoResolves) {
  EXPECT_NE(best_isa(), Isa::kAuto);
  EXPECT_TRUE(isa_available(best_isa()));
  EXPECT_EQ(resolve_isa(Isa::kAuto), best_isa());
  Model m;
  ASSERT_EQ(Model::parse(test::default_model_bytes(), m), Status::kOk);
  for (const Isa isa : {Isa::kAvx2, Isa::kAvxVnni, Isa::kAvx512Vnni}) {
    const RunConfig cfg{Precision::kInt8, KernelSet::kOptimized, 0, isa};
    if (isa_available(isa)) {
      EXPECT_GT(Interpreter::required_arena_bytes(m, cfg), 0u);
    } else {
      EXPECT_EQ(Interpreter::required_arena_bytes(m, cfg), 0u);
      EXPECT_EQ(Streaming::required_arena_bytes(m, KernelSet::kOptimized, isa), 0u);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Paths, IsaKernels,
                         ::testing::Values(Isa::kPortable, Isa::kAvx2, Isa::kAvxVnni,
                                           Isa::kAvx512Vnni),
                         [](const auto& param_info) {
                           return std::string(isa_name(param_info.param));
                         });
INSTANTIATE_TEST_SUITE_P(Paths, IsaEngine,
                         ::testing::Values(Isa::kPortable, Isa::kAvx2, Isa::kAvxVnni,
                                           Isa::kAvx512Vnni),
                         [](const auto& param_info) {
                           return std::string(isa_name(param_info.param));
                         });

}  // namespace
}  // namespace css::nn

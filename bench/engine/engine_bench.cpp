// Engine benchmarks: float window, int8 window (reference / optimised kernels, best ISA path
// and each path forced) and int8 streaming per sample, for the default (MCU) and the large
// (~23 k params) random TCN; plus the core's peak int8 MAC rate from a tight dot-product loop
// (peak_x86.cpp). Counters: macs = multiply-accumulates per call, MAC/s = macs per second.
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "css/nn/interpreter.hpp"
#include "css/nn/isa.hpp"
#include "css/nn/model_writer.hpp"
#include "css/nn/streaming.hpp"

namespace {

using namespace css::nn;

const std::vector<std::uint8_t>& model_bytes(int which) {
  static const std::vector<std::uint8_t> kDefault = build_default_random_model(42);
  static const std::vector<std::uint8_t> kLarge =
      build_default_random_model(7, large_model_options());
  return which == 0 ? kDefault : kLarge;
}

std::vector<float> input(const Model& m, std::size_t steps) {
  std::mt19937 rng(1);
  std::normal_distribution<float> n01;
  std::vector<float> x(steps * m.input_channels());
  for (std::size_t i = 0; i < x.size(); ++i) {
    const std::size_t c = i % m.input_channels();
    x[i] = m.input_mean(c) + m.input_std(c) * n01(rng);
  }
  return x;
}

void set_counters(benchmark::State& state, std::uint64_t macs) {
  state.counters["macs"] = static_cast<double>(macs);
  state.counters["MAC/s"] =
      benchmark::Counter(static_cast<double>(macs) * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate);
}

// Times run_window on one window of model m under cfg; the label names the path.
void time_window(benchmark::State& state, const Model& m, const RunConfig& cfg, const char* label) {
  std::vector<std::uint32_t> arena(Interpreter::required_arena_bytes(m, cfg) / 4 + 1);
  Interpreter in;
  if (in.init(m, {reinterpret_cast<std::uint8_t*>(arena.data()), arena.size() * 4}, cfg) !=
      Status::kOk) {
    state.SkipWithError("init");
    return;
  }
  const auto x = input(m, m.window());
  std::vector<float> probs(m.num_classes());
  for (auto _ : state) {
    in.run_window(x, probs);
    benchmark::DoNotOptimize(probs.data());
  }
  set_counters(state, count_macs(m, m.window()));
  state.SetLabel(label);
}

// range(0): model (0 default, 1 large); range(1): 0 float, 1 int8 ref, 2 int8 opt.
void BM_Window(benchmark::State& state) {
  Model m;
  if (Model::parse(model_bytes(static_cast<int>(state.range(0))), m) != Status::kOk) {
    state.SkipWithError("parse");
    return;
  }
  const int mode = static_cast<int>(state.range(1));
  const RunConfig cfg{mode == 0 ? Precision::kFloat : Precision::kInt8,
                      mode == 2 ? KernelSet::kOptimized : KernelSet::kReference, 0};
  time_window(state, m, cfg, mode == 0 ? "float" : (mode == 1 ? "int8_ref" : "int8_opt"));
}

// range(0): model; range(1): forced ISA path (Isa enum value: 1 portable, 2 avx2, 3 avx512vnni).
void BM_WindowIsa(benchmark::State& state) {
  const auto isa = static_cast<Isa>(state.range(1));
  if (!isa_available(isa)) {
    state.SkipWithError("ISA path not available on this CPU");
    return;
  }
  Model m;
  if (Model::parse(model_bytes(static_cast<int>(state.range(0))), m) != Status::kOk) {
    state.SkipWithError("parse");
    return;
  }
  const RunConfig cfg{Precision::kInt8, KernelSet::kOptimized, 0, isa};
  time_window(state, m, cfg, isa_name(isa));
}

// range(0): model; range(1): 1 int8 ref, 2 int8 opt. One iteration = one pushed sample.
void BM_Streaming(benchmark::State& state) {
  Model m;
  if (Model::parse(model_bytes(static_cast<int>(state.range(0))), m) != Status::kOk) {
    state.SkipWithError("parse");
    return;
  }
  std::vector<std::uint32_t> arena(Streaming::required_arena_bytes(m) / 4 + 1);
  Streaming st;
  const KernelSet ks = state.range(1) == 2 ? KernelSet::kOptimized : KernelSet::kReference;
  if (st.init(m, {reinterpret_cast<std::uint8_t*>(arena.data()), arena.size() * 4}, ks) !=
      Status::kOk) {
    state.SkipWithError("init");
    return;
  }
  const std::size_t kSteps = 1024;
  const auto x = input(m, kSteps);
  std::vector<float> probs(m.num_classes());
  std::size_t t = 0;
  const std::size_t ch = m.input_channels();
  for (auto _ : state) {
    bool ready = false;
    st.push({x.data() + t * ch, ch}, probs, &ready);
    benchmark::DoNotOptimize(probs.data());
    t = (t + 1) % kSteps;
  }
  set_counters(state, count_macs(m, 1));
  state.SetLabel(ks == KernelSet::kOptimized ? "int8_opt" : "int8_ref");
}

}  // namespace

BENCHMARK(BM_Window)->ArgNames({"model", "mode"})->ArgsProduct({{0, 1}, {0, 1, 2}});
BENCHMARK(BM_Streaming)->ArgNames({"model", "mode"})->ArgsProduct({{0, 1}, {1, 2}});
BENCHMARK(BM_WindowIsa)->ArgNames({"model", "isa"})->ArgsProduct({{0, 1}, {1, 2, 3}});
BENCHMARK_MAIN();

// Engine benchmarks: float window, int8 window (reference / optimised kernels, best ISA path
// and each path forced) and int8 streaming per sample (best path and each path forced), for
// model 0 = the shipped models/default.csm (path in CSS_ENGINE_MODEL, else
// $CSS_SOURCE_DIR/models/default.csm, else ./models/default.csm), 1 = the large (~23 k params)
// random TCN and 2 = the engine's random DefaultModelOptions TCN; plus the core's peak int8
// MAC rate per instruction sequence (peak_x86.cpp); and Interpreter::init per path on the
// shipped model (BM_InitIsa). Counters: macs = multiply-accumulates per
// call, MAC/s = macs per second.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "css/nn/interpreter.hpp"
#include "css/nn/isa.hpp"
#include "css/nn/model_writer.hpp"
#include "css/nn/streaming.hpp"

namespace {

using namespace css::nn;

std::string shipped_model_path() {
  if (const char* p = std::getenv("CSS_ENGINE_MODEL"); p != nullptr && *p != '\0') return p;
  if (const char* d = std::getenv("CSS_SOURCE_DIR"); d != nullptr && *d != '\0')
    return std::string(d) + "/models/default.csm";
  return "models/default.csm";
}

std::vector<std::uint8_t> read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

// 0: shipped default.csm (empty when unreadable), 1: large random, 2: random default.
const std::vector<std::uint8_t>& model_bytes(int which) {
  static const std::vector<std::uint8_t> kShipped = read_file(shipped_model_path());
  static const std::vector<std::uint8_t> kLarge =
      build_default_random_model(7, large_model_options());
  static const std::vector<std::uint8_t> kRandom = build_default_random_model(42);
  return which == 0 ? kShipped : (which == 1 ? kLarge : kRandom);
}

// Parses model `which`; false (and the benchmark skipped, naming why) when it cannot.
bool load(benchmark::State& state, int which, Model& m) {
  if (Model::parse(model_bytes(which), m) == Status::kOk) return true;
  const std::string why = which == 0 ? "cannot read or parse " + shipped_model_path() : "parse";
  state.SkipWithError(why.c_str());
  return false;
}

// False (and the benchmark skipped, saying so) when this CPU lacks the forced path.
bool path_available(benchmark::State& state, Isa isa) {
  if (isa_available(isa)) return true;
  state.SkipWithError("ISA path not available on this CPU");
  return false;
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

// range(0): model (0 shipped default, 1 large, 2 random default); range(1): 0 float, 1 int8
// ref, 2 int8 opt.
void BM_Window(benchmark::State& state) {
  Model m;
  if (!load(state, static_cast<int>(state.range(0)), m)) return;
  const int mode = static_cast<int>(state.range(1));
  const RunConfig cfg{mode == 0 ? Precision::kFloat : Precision::kInt8,
                      mode == 2 ? KernelSet::kOptimized : KernelSet::kReference, 0};
  static const std::string kOpt = std::string("int8_opt/") + isa_name(best_isa());
  time_window(state, m, cfg, mode == 0 ? "float" : (mode == 1 ? "int8_ref" : kOpt.c_str()));
}

// range(0): model; range(1): forced ISA path (Isa enum value: 1 portable, 2 avx2,
// 3 avx512vnni, 4 avxvnni).
void BM_WindowIsa(benchmark::State& state) {
  const auto isa = static_cast<Isa>(state.range(1));
  if (!path_available(state, isa)) return;
  Model m;
  if (!load(state, static_cast<int>(state.range(0)), m)) return;
  const RunConfig cfg{Precision::kInt8, KernelSet::kOptimized, 0, isa};
  time_window(state, m, cfg, isa_name(isa));
}

// range(0): forced ISA path (as BM_WindowIsa). Interpreter::init on the shipped model: packing
// and, on the plane paths, proving the float epilogue (src/nn/kernels/x86/float_epilogue.hpp).
void BM_InitIsa(benchmark::State& state) {
  const auto isa = static_cast<Isa>(state.range(0));
  if (!path_available(state, isa)) return;
  Model m;
  if (!load(state, 0, m)) return;
  const RunConfig cfg{Precision::kInt8, KernelSet::kOptimized, 0, isa};
  std::vector<std::uint32_t> arena(Interpreter::required_arena_bytes(m, cfg) / 4 + 1);
  for (auto _ : state) {
    Interpreter in;
    if (in.init(m, {reinterpret_cast<std::uint8_t*>(arena.data()), arena.size() * 4}, cfg) !=
        Status::kOk) {
      state.SkipWithError("init");
      return;
    }
    benchmark::DoNotOptimize(arena.data());
  }
  state.SetLabel(isa_name(isa));
}

// Times push() of model m with kernels ks on path isa; one iteration = one pushed sample.
void time_streaming(benchmark::State& state, const Model& m, KernelSet ks, Isa isa,
                    const char* label) {
  std::vector<std::uint32_t> arena(Streaming::required_arena_bytes(m, ks, isa) / 4 + 1);
  Streaming st;
  if (st.init(m, {reinterpret_cast<std::uint8_t*>(arena.data()), arena.size() * 4}, ks, isa) !=
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
  state.SetLabel(label);
}

// range(0): model; range(1): 1 int8 ref, 2 int8 opt (best path).
void BM_Streaming(benchmark::State& state) {
  Model m;
  if (!load(state, static_cast<int>(state.range(0)), m)) return;
  const bool opt = state.range(1) == 2;
  time_streaming(state, m, opt ? KernelSet::kOptimized : KernelSet::kReference, Isa::kAuto,
                 opt ? "int8_opt" : "int8_ref");
}

// range(0): model; range(1): forced ISA path (as BM_WindowIsa).
void BM_StreamingIsa(benchmark::State& state) {
  const auto isa = static_cast<Isa>(state.range(1));
  if (!path_available(state, isa)) return;
  Model m;
  if (!load(state, static_cast<int>(state.range(0)), m)) return;
  time_streaming(state, m, KernelSet::kOptimized, isa, isa_name(isa));
}

}  // namespace

BENCHMARK(BM_Window)->ArgNames({"model", "mode"})->ArgsProduct({{0, 1, 2}, {0, 1, 2}});
BENCHMARK(BM_Streaming)->ArgNames({"model", "mode"})->ArgsProduct({{0, 1, 2}, {1, 2}});
BENCHMARK(BM_WindowIsa)->ArgNames({"model", "isa"})->ArgsProduct({{0, 1, 2}, {1, 2, 3, 4}});
BENCHMARK(BM_InitIsa)->ArgName("isa")->DenseRange(1, 4)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_StreamingIsa)->ArgNames({"model", "isa"})->ArgsProduct({{0, 1, 2}, {1, 2, 3, 4}});
BENCHMARK_MAIN();

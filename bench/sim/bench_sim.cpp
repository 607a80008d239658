// Throughput of the simulator: frames generated per second for one device
// (target: a day at 50 Hz, 4.32 M frames, in < 2 s on one core ⇒ ≥ 2.2 M frames/s).
#include <benchmark/benchmark.h>

#include "css/sim/generator.hpp"

namespace {

void run(benchmark::State& state, css::sim::Scenario scenario, bool augment) {
  css::sim::GeneratorConfig cfg;
  cfg.scenario = scenario;
  cfg.duration_s = static_cast<double>(state.range(0));
  cfg.augment.enabled = augment;
  std::int64_t frames = 0;
  for (auto _ : state) {
    auto recs = css::sim::generate(cfg);
    if (!recs) {
      state.SkipWithError(recs.error().message.c_str());
      return;
    }
    frames += static_cast<std::int64_t>(recs->front().frames.size());
    benchmark::DoNotOptimize(recs->front().frames.data());
    ++cfg.seed;
  }
  state.SetItemsProcessed(frames);
}

void BM_GenerateMix(benchmark::State& s) {
  run(s, css::sim::Scenario::kMix, false);
}
void BM_GenerateMixAugmented(benchmark::State& s) {
  run(s, css::sim::Scenario::kMix, true);
}
void BM_GenerateInVehicle(benchmark::State& s) {
  run(s, css::sim::Scenario::kInVehicle, false);
}

// One hour and one full day of 50 Hz data for one device.
BENCHMARK(BM_GenerateMix)->Arg(3600)->Arg(86400)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_GenerateMixAugmented)->Arg(3600)->Arg(86400)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_GenerateInVehicle)->Arg(3600)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();

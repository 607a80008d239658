// Peak int8 multiply-accumulate rate of one core: a loop of independent dot-product
// instructions with no loads, enough accumulators to hide their latency. This is the ceiling
// the engine's int8 kernels are measured against (bench/README.md, section "engine").
//   BM_PeakInt8/isa:3  vpdpbusd zmm: 64 u8 x s8 MACs per instruction (AVX-512 VNNI)
//   BM_PeakInt8/isa:2  vpmaddwd ymm: 16 s16 x s16 MACs per instruction (the AVX2 path's op)
#include <benchmark/benchmark.h>
// GCC 12 reports its own intrinsic headers' _mm*_undefined_* operands as (maybe-)uninitialized;
// silenced here, before they are included, so every build that compiles this file agrees.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#include <immintrin.h>

#include <cstdint>

#include "css/nn/isa.hpp"

namespace {

constexpr int kAcc = 12;  // independent chains (latency 4-5 x 2-3 issued per cycle)
constexpr int kInnerIters = 256;

#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512vl,avx512vnni")
__attribute__((noinline)) std::int32_t vnni_loop(std::int64_t rounds) {
  __m512i acc[kAcc];
  for (int i = 0; i < kAcc; ++i) acc[i] = _mm512_set1_epi32(i);
  const __m512i a = _mm512_set1_epi32(0x01020304);
  const __m512i b = _mm512_set1_epi32(0x05060708);
  for (std::int64_t r = 0; r < rounds; ++r) {
    for (int k = 0; k < kInnerIters; ++k) {
      // Fully unrolled so the accumulators live in registers: a rolled loop kept acc[] in
      // memory (load, vpdpbusd, store per chain) and measured the store-forwarding latency,
      // about half the real peak.
#pragma GCC unroll 16
      for (int i = 0; i < kAcc; ++i) acc[i] = _mm512_dpbusd_epi32(acc[i], a, b);
      __asm__ volatile("" : "+v"(acc[0]), "+v"(acc[1]), "+v"(acc[2]), "+v"(acc[3]));
    }
  }
  __m512i s = acc[0];
  for (int i = 1; i < kAcc; ++i) s = _mm512_add_epi32(s, acc[i]);
  alignas(64) std::int32_t out[16];
  _mm512_store_si512(out, s);
  return out[0];
}
#pragma GCC pop_options

#pragma GCC push_options
#pragma GCC target("avx2")
__attribute__((noinline)) std::int32_t madd_loop(std::int64_t rounds) {
  __m256i acc[kAcc];
  for (int i = 0; i < kAcc; ++i) acc[i] = _mm256_set1_epi32(i);
  const __m256i a = _mm256_set1_epi16(3);
  const __m256i b = _mm256_set1_epi16(5);
  for (std::int64_t r = 0; r < rounds; ++r) {
    for (int k = 0; k < kInnerIters; ++k) {
#pragma GCC unroll 16
      for (int i = 0; i < kAcc; ++i) acc[i] = _mm256_add_epi32(acc[i], _mm256_madd_epi16(a, b));
      __asm__ volatile("" : "+x"(acc[0]), "+x"(acc[1]), "+x"(acc[2]), "+x"(acc[3]));
    }
  }
  __m256i s = acc[0];
  for (int i = 1; i < kAcc; ++i) s = _mm256_add_epi32(s, acc[i]);
  alignas(32) std::int32_t out[8];
  _mm256_store_si256(reinterpret_cast<__m256i*>(out), s);
  return out[0];
}
#pragma GCC pop_options

// range(0): 3 = AVX-512 VNNI, 2 = AVX2 (css::nn::Isa values).
void BM_PeakInt8(benchmark::State& state) {
  const auto isa = static_cast<css::nn::Isa>(state.range(0));
  if (!css::nn::isa_available(isa)) {
    state.SkipWithError("ISA not available on this CPU");
    return;
  }
  const bool vnni = isa == css::nn::Isa::kAvx512Vnni;
  const std::int64_t rounds = 64;
  for (auto _ : state) benchmark::DoNotOptimize(vnni ? vnni_loop(rounds) : madd_loop(rounds));
  const double macs_per_call = double(rounds) * kInnerIters * kAcc * (vnni ? 64.0 : 16.0);
  state.counters["macs"] = macs_per_call;
  state.counters["MAC/s"] =
      benchmark::Counter(macs_per_call * double(state.iterations()), benchmark::Counter::kIsRate);
  state.SetLabel(vnni ? "vpdpbusd_zmm" : "vpmaddwd_ymm");
}

}  // namespace

BENCHMARK(BM_PeakInt8)->ArgName("isa")->Arg(3)->Arg(2);

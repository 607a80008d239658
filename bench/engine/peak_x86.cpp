// Peak int8 multiply-accumulate rate of one core: a loop of independent dot-product
// instructions with no loads, enough accumulators to hide their latency. This is the ceiling
// the engine's int8 kernels are measured against (bench/README.md, section "engine").
//   BM_PeakInt8/isa:3  vpdpbusd zmm: 64 u8 x s8 MACs per instruction (AVX-512 VNNI)
//   BM_PeakInt8/isa:4  vpdpbusd ymm (VEX, AVX-VNNI): 32 MACs per instruction
//   BM_PeakInt8/isa:2  vpmaddubsw + vpmaddwd (by ones) + vpaddd on ymm: 32 MACs per three
//                      instructions, the AVX2 plane kernels' sequence
// The AVX2 and AVX-VNNI loops have the plane kernels' shape: two input vectors (time blocks)
// times four broadcast weights into eight accumulators; an empty asm makes the inputs new
// values every round, so the compiler cannot hoist the products out of the loop (it did:
// the earlier vpmaddwd probe measured only the vpaddd).
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

// The body of both ymm loops; MAC(acc, x, w) is the instruction sequence. 8 x 32 MACs per
// inner round. (A macro: each copy must be compiled inside its own target region.)
#define CSS_YMM_PEAK_LOOP(MAC)                                                         \
  __m256i acc[2][4];                                                                   \
  for (int t = 0; t < 2; ++t)                                                          \
    for (int i = 0; i < 4; ++i) acc[t][i] = _mm256_set1_epi32(4 * t + i);              \
  __m256i x0 = _mm256_set1_epi32(0x01020304), x1 = _mm256_set1_epi32(0x05060708);      \
  const __m256i w[4] = {_mm256_set1_epi32(0x0102F3F4), _mm256_set1_epi32(0x05F6F708),  \
                        _mm256_set1_epi32(0x7F017F01), _mm256_set1_epi32(0x40404040)}; \
  const __m256i ones = _mm256_set1_epi16(1);                                           \
  for (std::int64_t r = 0; r < rounds; ++r) {                                          \
    for (int k = 0; k < kInnerIters; ++k) {                                            \
      __asm__ volatile("" : "+x"(x0), "+x"(x1));                                       \
      _Pragma("GCC unroll 8") for (int i = 0; i < 4; ++i) {                            \
        acc[0][i] = MAC(acc[0][i], x0, w[i]);                                          \
        acc[1][i] = MAC(acc[1][i], x1, w[i]);                                          \
      }                                                                                \
    }                                                                                  \
  }                                                                                    \
  (void)ones;                                                                          \
  __m256i s = acc[0][0];                                                               \
  for (int t = 0; t < 2; ++t)                                                          \
    for (int i = 0; i < 4; ++i) s = _mm256_add_epi32(s, acc[t][i]);                    \
  alignas(32) std::int32_t out[8];                                                     \
  _mm256_store_si256(reinterpret_cast<__m256i*>(out), s);                              \
  return out[0]
constexpr int kYmmChains = 8;

#pragma GCC push_options
#pragma GCC target("avx2")
#define CSS_MADDUBS(a, x, w) \
  _mm256_add_epi32(a, _mm256_madd_epi16(_mm256_maddubs_epi16(x, w), ones))
__attribute__((noinline)) std::int32_t maddubs_loop(std::int64_t rounds) {
  CSS_YMM_PEAK_LOOP(CSS_MADDUBS);
}
#pragma GCC pop_options

#pragma GCC push_options
#pragma GCC target("avx2,avxvnni")
__attribute__((noinline)) std::int32_t vnni_ymm_loop(std::int64_t rounds) {
  CSS_YMM_PEAK_LOOP(_mm256_dpbusd_avx_epi32);
}
#pragma GCC pop_options

// range(0): 3 = AVX-512 VNNI, 4 = AVX-VNNI, 2 = AVX2 (css::nn::Isa values).
void BM_PeakInt8(benchmark::State& state) {
  const auto isa = static_cast<css::nn::Isa>(state.range(0));
  if (!css::nn::isa_available(isa)) {
    state.SkipWithError("ISA not available on this CPU");
    return;
  }
  const std::int64_t rounds = 64;
  double macs_per_call = double(rounds) * kInnerIters;
  const char* label = "";
  switch (isa) {
    case css::nn::Isa::kAvx512Vnni:
      for (auto _ : state) benchmark::DoNotOptimize(vnni_loop(rounds));
      macs_per_call *= kAcc * 64.0;
      label = "vpdpbusd_zmm";
      break;
    case css::nn::Isa::kAvxVnni:
      for (auto _ : state) benchmark::DoNotOptimize(vnni_ymm_loop(rounds));
      macs_per_call *= kYmmChains * 32.0;
      label = "vpdpbusd_ymm";
      break;
    default:
      for (auto _ : state) benchmark::DoNotOptimize(maddubs_loop(rounds));
      macs_per_call *= kYmmChains * 32.0;
      label = "vpmaddubsw_vpmaddwd_vpaddd_ymm";
      break;
  }
  state.counters["macs"] = macs_per_call;
  state.counters["MAC/s"] =
      benchmark::Counter(macs_per_call * double(state.iterations()), benchmark::Counter::kIsRate);
  state.SetLabel(label);
}

}  // namespace

BENCHMARK(BM_PeakInt8)->ArgName("isa")->Arg(3)->Arg(4)->Arg(2);

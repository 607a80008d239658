// Zero heap allocations during inference: this binary replaces the global operator new
// (and, outside sanitizer builds, malloc) with counting versions.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "css/nn/interpreter.hpp"
#include "css/nn/streaming.hpp"
#include "test_util.hpp"

namespace {
std::atomic<long> g_allocations{0};
}

// The replacements pair operator new with malloc/free on purpose.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

void* operator new(std::size_t n) {
  ++g_allocations;
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
  return operator new(n);
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete[](void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}

// GCC says ASan with __SANITIZE_ADDRESS__, clang 14 only through __has_feature; ASan owns malloc.
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CSS_ALLOC_TEST_ASAN 1
#endif
#endif
#if !defined(__SANITIZE_ADDRESS__) && !defined(CSS_ALLOC_TEST_ASAN) && defined(__GLIBC__)
extern "C" void* __libc_malloc(std::size_t);
extern "C" void* malloc(std::size_t n) {
  ++g_allocations;
  return __libc_malloc(n);
}
#endif

namespace css::nn {
namespace {

TEST(Allocations, NoneDuringInitOrInference) {
  Model m;
  ASSERT_EQ(Model::parse(test::default_model_bytes(), m), Status::kOk);
  const auto x = test::random_input(m, 256, 3);
  const RunConfig cfg{Precision::kInt8, KernelSet::kOptimized, 256};
  const RunConfig fcfg{Precision::kFloat, KernelSet::kReference, 0};
  const std::size_t need = std::max(Interpreter::required_arena_bytes(m, cfg),
                                    Interpreter::required_arena_bytes(m, fcfg));
  const std::size_t stream_need = Streaming::required_arena_bytes(m);
  test::Arena arena(need), stream_arena(stream_need);
  std::vector<float> probs(8);
  Interpreter in;
  Streaming st;

  const long before = g_allocations.load();
  Model again;
  ASSERT_EQ(Model::parse(test::default_model_bytes(), again), Status::kOk);
  ASSERT_EQ(in.init(m, arena.span(need), cfg), Status::kOk);
  for (int k = 0; k < 3; ++k) ASSERT_EQ(in.run_window(x, probs), Status::kOk);
  ASSERT_EQ(in.init(m, arena.span(need), fcfg), Status::kOk);
  const std::size_t ch = std::size_t(m.input_channels());
  ASSERT_EQ(in.run_window({x.data(), 128 * ch}, probs), Status::kOk);
  ASSERT_EQ(st.init(m, stream_arena.span(stream_need)), Status::kOk);
  for (std::size_t t = 0; t < 256; ++t)
    ASSERT_EQ(st.push({x.data() + t * ch, ch}, probs, nullptr), Status::kOk);
  const long during = g_allocations.load() - before;
  EXPECT_EQ(during, 0);

  // The counter itself works (so the zero above means something).
  const std::vector<int> probe(100);
  EXPECT_GT(g_allocations.load() - before, during);
  EXPECT_EQ(probe.size(), 100u);
}

}  // namespace
}  // namespace css::nn

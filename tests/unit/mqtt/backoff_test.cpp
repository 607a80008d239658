// Full-jitter exponential backoff: ceilings double up to the cap, draws stay inside them and
// actually spread (not all at the ceiling), nothing overflows.
#include <gtest/gtest.h>

#include <algorithm>

#include "css/mqtt/backoff.hpp"

namespace css::mqtt {
namespace {

TEST(Backoff, CeilingDoublesUpToTheCap) {
  const Backoff b({100, 1000}, 1);
  EXPECT_EQ(b.ceiling_ms(0), 100u);
  EXPECT_EQ(b.ceiling_ms(1), 200u);
  EXPECT_EQ(b.ceiling_ms(3), 800u);
  EXPECT_EQ(b.ceiling_ms(4), 1000u);
  EXPECT_EQ(b.ceiling_ms(1'000'000), 1000u);  // no overflow however many failures
}

TEST(Backoff, DrawsStayUnderTheCeilingAndSpread) {
  Backoff b({100, 5000}, 42);
  for (std::uint32_t n = 0; n < 200; ++n) {
    const std::uint32_t ceiling = b.ceiling_ms(b.failures());
    EXPECT_LE(b.next_delay_ms(), ceiling);
  }
  // At the cap: 1000 draws from [0, 5000] have a mean near 2500 and use the whole range.
  std::uint64_t sum = 0;
  std::uint32_t lo = 5000, hi = 0;
  for (int i = 0; i < 1000; ++i) {
    const std::uint32_t d = b.next_delay_ms();
    sum += d;
    lo = std::min(lo, d);
    hi = std::max(hi, d);
  }
  EXPECT_NEAR(static_cast<double>(sum) / 1000.0, 2500.0, 250.0);
  EXPECT_LT(lo, 500u);
  EXPECT_GT(hi, 4500u);
}

TEST(Backoff, ResetStartsOverAndSeedsRepeat) {
  Backoff a({10, 10'000}, 7), b({10, 10'000}, 7);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(a.next_delay_ms(), b.next_delay_ms());
  EXPECT_EQ(a.failures(), 20u);
  a.reset();
  EXPECT_EQ(a.failures(), 0u);
  EXPECT_LE(a.next_delay_ms(), 10u);
}

TEST(Backoff, DegeneratePolicyIsClamped) {
  Backoff b({0, 0}, 3);
  EXPECT_EQ(b.ceiling_ms(0), 1u);
  EXPECT_LE(b.next_delay_ms(), 1u);
  const Backoff c({5000, 100}, 3);  // initial above max: the cap wins
  EXPECT_EQ(c.ceiling_ms(0), 100u);
}

}  // namespace
}  // namespace css::mqtt

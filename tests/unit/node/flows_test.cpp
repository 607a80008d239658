// Flow aggregation (per-minute class seconds and mean velocity) and the flow JSON codec.
#include <gtest/gtest.h>

#include <cmath>

#include "css/node/flows.hpp"

namespace css::node {
namespace {

TEST(FlowAggregator, CountsSecondsPerClassAndMeansVelocityPerWindow) {
  // Stream starts at Unix 1'700'000'000 (a multiple of 60 + 20 s), so the first window is
  // cut after 40 seconds.
  const double start = 1'700'000'000.0;
  ASSERT_EQ(std::fmod(start, 60.0), 20.0);
  FlowAggregator agg("dev-a", start, 60.0);
  std::vector<FlowSummary> out;
  for (int s = 0; s < 100; ++s) {
    FlowAggregator::Second sec;
    sec.t_s = s + 0.5;
    if (s >= 3) sec.movement = s < 30 ? Label::kWalking : Label::kStationary;
    if (s % 2 == 0) sec.speed_course = std::make_pair(2.0, 90.0);  // due east, 2 m/s
    if (auto f = agg.add_second(sec)) out.push_back(*f);
  }
  if (auto f = agg.flush()) out.push_back(*f);
  ASSERT_EQ(out.size(), 2u);
  const auto& a = out[0];
  EXPECT_EQ(a.start, start - 20.0);
  EXPECT_EQ(a.unclassified, 3u);
  EXPECT_EQ(a.seconds[static_cast<int>(Label::kWalking)], 27u);
  EXPECT_EQ(a.seconds[static_cast<int>(Label::kStationary)], 10u);
  EXPECT_EQ(a.velocity_seconds, 20u);
  EXPECT_NEAR(a.velocity_east, 2.0, 1e-9);
  EXPECT_NEAR(a.velocity_north, 0.0, 1e-9);
  const auto& b = out[1];
  EXPECT_EQ(b.start, start + 40.0);
  EXPECT_EQ(b.seconds[static_cast<int>(Label::kStationary)], 60u);
  EXPECT_TRUE(validate_flow(a).ok());
}

TEST(FlowAggregator, MeanVelocityOfOppositeCoursesCancels) {
  FlowAggregator agg("dev-a", 0.0, 60.0);
  for (int s = 0; s < 10; ++s)
    (void)agg.add_second({double(s), Label::kWalking, std::make_pair(1.5, s % 2 ? 0.0 : 180.0)});
  const auto f = agg.flush();
  ASSERT_TRUE(f);
  EXPECT_NEAR(f->velocity_north, 0.0, 1e-9);
  EXPECT_NEAR(f->velocity_east, 0.0, 1e-9);
  EXPECT_FALSE(agg.flush());  // nothing open any more
}

TEST(FlowJson, RoundTripsExactly) {
  FlowSummary f;
  f.device = "pi4-edge-001";
  f.start = 1'700'000'040.0;
  f.seconds[static_cast<int>(Label::kRunning)] = 12;
  f.seconds[static_cast<int>(Label::kWalking)] = 40;
  f.unclassified = 8;
  f.velocity_seconds = 55;
  f.velocity_east = -1.25;
  f.velocity_north = 0.3333333333333333;
  const std::string j = to_json(f);
  auto back = flow_from_json(j);
  ASSERT_TRUE(back.ok()) << back.error().message << "\n" << j;
  EXPECT_EQ(*back, f);
  EXPECT_EQ(j.find("lat"), std::string::npos);
}

TEST(FlowJson, RejectsBadInputNamingTheField) {
  const std::string ok =
      R"({"schema":1,"device":"d","start":60,"period":60,"seconds":{"walking":3},)"
      R"("unclassified":0,"velocity":{"seconds":3,"east":1,"north":2}})";
  ASSERT_TRUE(flow_from_json(ok).ok());
  auto expect_err = [](const std::string& j, const std::string& needle) {
    auto r = flow_from_json(j);
    ASSERT_FALSE(r.ok()) << j;
    EXPECT_NE(r.error().message.find(needle), std::string::npos) << r.error().message;
  };
  expect_err(R"({"schema":1,"schema":1})", "duplicate");
  expect_err("{", "malformed");
  expect_err("[]", "not an object");
  std::string s = ok;
  expect_err(s.replace(s.find("walking"), 7, "dancing"), "seconds.dancing");
  s = ok;
  expect_err(s.replace(s.find("\"east\":1"), 8, "\"east\":5000"), "velocity.east");
  s = ok;
  expect_err(s.replace(s.find("\"device\":\"d\""), 12, "\"device\":\"a/b\""), "device");
  s = ok;
  expect_err(s.replace(s.find("\"walking\":3"), 11, "\"walking\":300"), "seconds");
  expect_err(std::string(5000, ' '), "4096");
}

}  // namespace
}  // namespace css::node

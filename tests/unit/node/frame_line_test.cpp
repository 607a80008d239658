// The stdin CSV frame format: round trip, errors naming the column, the stream source.
#include <gtest/gtest.h>

#include <unistd.h>
#include <cmath>

#include <filesystem>
#include <sstream>

#include "css/data/dataset.hpp"
#include "css/sim/generator.hpp"

#include "css/node/source.hpp"

namespace css::node {
namespace {

SensorFrame sample_frame() {
  SensorFrame f;
  f.t = 12.34;
  f.acc = {0.1F, -9.8F, 0.25F};
  f.gyro = {NAN, NAN, NAN};
  f.lat = -23.5505123456789;
  f.lon = -46.6333987654321;
  f.gnss_fix = true;
  f.gnss_speed = 1.4F;
  f.gnss_course = 271.5F;
  f.spl = 64.0F;
  return f;
}

TEST(FrameLine, RoundTripsAFrame) {
  const auto f = sample_frame();
  auto back = parse_frame_line(format_frame_line(f));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->t, f.t);
  EXPECT_EQ(back->acc, f.acc);
  EXPECT_FALSE(back->has_gyro());
  EXPECT_EQ(back->lat, f.lat);
  EXPECT_EQ(back->lon, f.lon);
  EXPECT_TRUE(back->gnss_fix);
  EXPECT_EQ(back->gnss_course, f.gnss_course);
}

TEST(FrameLine, ErrorsNameTheColumn) {
  auto expect_err = [](const std::string& line, const std::string& needle) {
    auto r = parse_frame_line(line);
    ASSERT_FALSE(r.ok()) << line;
    EXPECT_NE(r.error().message.find(needle), std::string::npos) << r.error().message;
  };
  expect_err("0,1,2", "expected 13 columns, got 3");
  expect_err("0,1,2,3,4,5,6,7,8,1,1,1,1,1", "more than 13");
  expect_err("0,x,2,3,4,5,6,7,8,1,1,1,1", "acc_x");
  expect_err("0,1,2,3,4,5,6,95,8,1,1,1,1", "lat");
  expect_err("0,1,2,3,4,5,6,7,8,2,1,1,1", "gnss_fix");
  expect_err("-1,1,2,3,4,5,6,7,8,1,1,1,1", "'t'");
  expect_err("", "not a number");
}

TEST(StreamSource, SkipsHeaderAndCommentsAndNamesTheBadLine) {
  std::istringstream in(
      "t,acc_x,acc_y,acc_z,gyro_x,gyro_y,gyro_z,lat,lon,gnss_fix,gnss_speed,"
      "gnss_course,spl\n# comment\n" +
      format_frame_line(sample_frame()) + "\n0,oops\n");
  auto src = make_stream_source(in, "stdin");
  auto a = src->next();
  ASSERT_TRUE(a.ok() && *a);
  EXPECT_EQ((*a)->t, 12.34);
  auto b = src->next();
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.error().message.find("stdin line 4"), std::string::npos) << b.error().message;
}

TEST(StreamSource, EndsAtEofAndRejectsTimeGoingBack) {
  auto f = sample_frame();
  std::string text = format_frame_line(f) + "\n";
  f.t = 1.0;
  text += format_frame_line(f) + "\n";
  std::istringstream in(text);
  auto src = make_stream_source(in, "stdin");
  ASSERT_TRUE(src->next().ok());
  auto back = src->next();
  ASSERT_FALSE(back.ok());
  EXPECT_NE(back.error().message.find("backwards"), std::string::npos);
  std::istringstream empty("");
  auto e = make_stream_source(empty, "stdin")->next();
  ASSERT_TRUE(e.ok());
  EXPECT_FALSE(*e);
}

TEST(SimSource, StopsAtTheDurationWithIncreasingTime) {
  SimSourceConfig c;
  c.scenario = "walking";
  c.duration_s = 30;
  c.fast = true;
  auto src = make_sim_source(c);
  ASSERT_TRUE(src.ok());
  double last = -1;
  std::size_t n = 0;
  for (; n < 100000; ++n) {
    auto f = (*src)->next();
    ASSERT_TRUE(f.ok());
    if (!*f) break;
    EXPECT_GT((*f)->t, last);
    last = (*f)->t;
  }
  EXPECT_EQ(n, 1500u);  // 30 s at 50 Hz
  EXPECT_FALSE(make_source("sim:x", c).ok());
  EXPECT_FALSE(make_source("replay:/nonexistent.npy", c).ok());
}

TEST(ReplaySource, PlaysRecordingsBackToBackOnOneTimeAxis) {
  sim::GeneratorConfig g;
  g.scenario = sim::Scenario::kWalking;
  g.duration_s = 20;
  g.devices = 2;
  auto recs = sim::generate(g);
  ASSERT_TRUE(recs.ok());
  const auto dir =
      std::filesystem::temp_directory_path() / ("css-node-replay-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto npy = dir / "two.npy";
  ASSERT_TRUE(data::write_dataset(npy, *recs, {}).ok());
  auto src = make_source("replay:" + npy.string(), SimSourceConfig{.fast = true});
  ASSERT_TRUE(src.ok()) << src.error().message;
  double last = -1;
  std::size_t n = 0;
  for (; n < 10000; ++n) {
    auto f = (*src)->next();
    ASSERT_TRUE(f.ok());
    if (!*f) break;
    EXPECT_GT((*f)->t, last) << "frame " << n;
    last = (*f)->t;
  }
  EXPECT_EQ(n, (*recs)[0].frames.size() + (*recs)[1].frames.size());
  EXPECT_NEAR(last, 40.0 - 0.02, 1e-6);  // the second recording follows the first
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace css::node

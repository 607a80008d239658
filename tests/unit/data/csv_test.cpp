#include "css/data/csv.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>

#include "sample_recordings.hpp"
#include "temp_dir.hpp"

namespace css::data {
namespace {

using testing::make_recording;
using testing::runs;
using testing::TempDir;

template <typename T>
bool same_bits(T a, T b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

TEST(Csv, RoundTripIsBitExact) {
  TempDir dir;
  const Recording rec = make_recording("s", "d", runs(Label::kWalking, 70, Label::kSnatch, 30));
  ASSERT_TRUE(write_csv(dir / "r.csv", rec).ok());
  Result<Recording> back = read_csv(dir / "r.csv");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->rate_hz, 50.0);
  EXPECT_EQ(back->subject, "r");
  EXPECT_EQ(back->labels, rec.labels);
  ASSERT_EQ(back->frames.size(), rec.frames.size());
  for (std::size_t i = 0; i < rec.frames.size(); ++i) {
    const SensorFrame& a = rec.frames[i];
    const SensorFrame& b = back->frames[i];
    EXPECT_TRUE(same_bits(a.t, b.t) && same_bits(a.lat, b.lat) && same_bits(a.lon, b.lon) &&
                a.gnss_fix == b.gnss_fix && same_bits(a.gnss_speed, b.gnss_speed) &&
                same_bits(a.gnss_course, b.gnss_course) && a.has_spl() == b.has_spl())
        << "row " << i;
    if (a.has_spl()) {
      EXPECT_EQ(a.spl, b.spl);
    }
    for (std::size_t k = 0; k < 3; ++k) {
      EXPECT_TRUE(same_bits(a.acc[k], b.acc[k]) && same_bits(a.gyro[k], b.gyro[k])) << i;
    }
  }
  ASSERT_EQ(back->segments.size(), 2U);
  EXPECT_EQ(back->segments[1].label, Label::kSnatch);
  EXPECT_EQ(back->segments[1].begin, 70U);
  EXPECT_EQ(back->segments[1].end, 100U);
}

TEST(Csv, ErrorsNameLineAndColumn) {
  TempDir dir;
  const Recording rec = make_recording("s", "d", runs(Label::kWalking, 5));
  ASSERT_TRUE(write_csv(dir / "r.csv", rec).ok());
  std::ifstream in(dir / "r.csv");
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  in.close();
  const auto write_with = [&](std::size_t index, const std::string& line) {
    std::ofstream out(dir / "bad.csv");
    for (std::size_t i = 0; i < lines.size(); ++i) out << (i == index ? line : lines[i]) << "\n";
  };
  std::string bad_acc = lines[3];
  bad_acc.replace(bad_acc.find(',') + 1,
                  bad_acc.find(',', bad_acc.find(',') + 1) - bad_acc.find(',') - 1, "abc");
  write_with(3, bad_acc);
  Result<Recording> r = read_csv(dir / "bad.csv");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("line 4, column acc_x"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("'abc'"), std::string::npos);

  std::string bad_label = lines[2];
  bad_label.replace(bad_label.rfind(',') + 1, std::string::npos, "dancing");
  write_with(2, bad_label);
  r = read_csv(dir / "bad.csv");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("line 3, column label: unknown label 'dancing'"),
            std::string::npos)
      << r.error().message;

  write_with(0, "t,acc_x");
  r = read_csv(dir / "bad.csv");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("line 1"), std::string::npos);
}

}  // namespace
}  // namespace css::data

#include "css/data/stats.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "sample_recordings.hpp"

namespace css::data {
namespace {

using testing::make_recording;
using testing::runs;

// The whitespace-separated cells of the table row that starts with `label` (empty if none):
// the table prints every label, so only the cells show the counts are right.
std::vector<std::string> row_of(const std::string& table, std::string_view label) {
  std::istringstream lines(table);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream row(line);
    std::vector<std::string> cells;
    for (std::string cell; row >> cell;) cells.push_back(cell);
    if (!cells.empty() && cells[0] == label) return cells;
  }
  return {};
}

TEST(Stats, CountsPerLabelAndTotals) {
  const std::vector<Recording> recs = {
      make_recording("s1", "d1", runs(Label::kWalking, 100, Label::kSnatch, 50)),
      make_recording("s2", "d1", runs(Label::kStationary, 150, Label::kForcedMovement, 25)),
      make_recording("s2", "d2", runs(Label::kWalking, 25))};
  const DatasetStats s = compute_stats(recs);
  EXPECT_EQ(s.recordings, 3U);
  EXPECT_EQ(s.frames, 350U);
  EXPECT_DOUBLE_EQ(s.seconds, 7.0);
  EXPECT_EQ(s.devices, 2U);
  EXPECT_EQ(s.subjects, 2U);
  const LabelStats& walking = s.per_label[static_cast<int>(Label::kWalking)];
  EXPECT_EQ(walking.samples, 125U);
  EXPECT_NEAR(walking.seconds, 2.5, 1e-9);
  EXPECT_EQ(walking.segments, 2U);
  EXPECT_EQ(s.per_label[static_cast<int>(Label::kSnatch)].onsets, 1U);
  EXPECT_EQ(s.per_label[static_cast<int>(Label::kForcedMovement)].onsets, 1U);
  std::size_t fixes = 0;
  for (const Recording& r : recs) {
    for (const SensorFrame& f : r.frames) fixes += f.gnss_fix ? 1 : 0;
  }
  EXPECT_DOUBLE_EQ(s.gnss_fix_fraction, static_cast<double>(fixes) / 350.0);

  const std::string table = format_stats(s);
  // label, samples, seconds, % of samples, segments, onsets
  using Row = std::vector<std::string>;
  EXPECT_EQ(row_of(table, "walking"), (Row{"walking", "125", "2.5", "35.71", "2", "0"}));
  EXPECT_EQ(row_of(table, "snatch"), (Row{"snatch", "50", "1.0", "14.29", "1", "1"}));
  EXPECT_EQ(row_of(table, "stationary"), (Row{"stationary", "150", "3.0", "42.86", "1", "0"}));
  EXPECT_EQ(row_of(table, "forced_movement"),
            (Row{"forced_movement", "25", "0.5", "7.14", "1", "1"}));
  EXPECT_EQ(row_of(table, "running"), (Row{"running", "0", "0.0", "0.00", "0", "0"}));
  EXPECT_NE(table.find("3 recordings"), std::string::npos);
}

TEST(Stats, EmptyInputIsAllZero) {
  const DatasetStats s = compute_stats({});
  EXPECT_EQ(s.frames, 0U);
  EXPECT_EQ(s.gnss_fix_fraction, 0.0);
  EXPECT_NE(format_stats(s).find("0 recordings"), std::string::npos);
}

}  // namespace
}  // namespace css::data

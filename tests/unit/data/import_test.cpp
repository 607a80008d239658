#include "css/data/import.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>

#include "css/core/units.hpp"
#include "temp_dir.hpp"

namespace css::data {
namespace {

using testing::TempDir;

// The ST HAR sample set travels with the repo (tests/data/st-har, BSD-3-Clause);
// CSS_ST_HAR_DIR points elsewhere.
std::filesystem::path st_har_dir() {
  const char* env = std::getenv("CSS_ST_HAR_DIR");
  if (env != nullptr) return std::filesystem::path(env);
  const char* root = std::getenv("CSS_SOURCE_DIR");
  return std::filesystem::path(root != nullptr ? root : ".") / "tests" / "data" / "st-har";
}

double mean_acc_norm(const Recording& r) {
  double sum = 0.0;
  for (const SensorFrame& f : r.frames) {
    sum += std::hypot(f.acc[0], f.acc[1], f.acc[2]);
  }
  return sum / static_cast<double>(r.frames.size());
}

std::size_t count_csv(const std::filesystem::path& dir) {
  std::size_t n = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    n += e.path().extension() == ".csv" ? 1 : 0;
  }
  return n;
}

TEST(Import, StHarFolderGivesOneLabelledRecordingPerFileAt50Hz) {
  const std::filesystem::path dir = st_har_dir();
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir << " missing (set CSS_ST_HAR_DIR)";
  Result<std::vector<Recording>> recs = import_st_har(dir);
  ASSERT_TRUE(recs.ok()) << recs.error().message;
  EXPECT_EQ(recs->size(), count_csv(dir));
  std::size_t stationary = 0;
  for (const Recording& r : *recs) {
    EXPECT_EQ(r.rate_hz, 50.0);
    EXPECT_EQ(r.device, "st-har");
    EXPECT_EQ(r.placement, "unknown");
    ASSERT_GE(r.frames.size(), 2U);
    EXPECT_NEAR(r.frames[1].t - r.frames[0].t, 0.02, 1e-12);
    EXPECT_EQ(r.labels.size(), r.frames.size());
    EXPECT_FALSE(r.frames[0].has_gyro());
    EXPECT_FALSE(r.frames[0].has_spl());
    EXPECT_FALSE(r.frames[0].gnss_fix);
    ASSERT_EQ(r.segments.size(), 1U);
    EXPECT_EQ(r.segments[0].end, r.frames.size());
    EXPECT_EQ(r.subject.rfind(std::string(to_string(r.labels[0])) + "_", 0), 0U) << r.subject;
    EXPECT_EQ(r.subject.find("Hz"), std::string::npos) << r.subject;
    if (r.labels[0] == Label::kStationary) {
      ++stationary;
      EXPECT_NEAR(mean_acc_norm(r), units::kGravity, 0.05 * units::kGravity) << r.subject;
    }
  }
  EXPECT_GT(stationary, 0U);
  const auto running_01 = std::find_if(
      recs->begin(), recs->end(), [](const Recording& r) { return r.subject == "running_01"; });
  ASSERT_NE(running_01, recs->end());
  EXPECT_EQ(running_01->labels[0], Label::kRunning);
}

TEST(Import, AccelCsvResamplesLinearlyAndLabelsByNearest) {
  TempDir dir;
  {
    std::ofstream out(dir / "ramp.csv");
    out << "x y z\n";  // a header line is skipped
    for (int i = 0; i < 11; ++i) out << i << "  " << 2 * i << "\t" << 1000 << "\n";
  }
  ImportOptions opt;
  opt.rate_hz = 25.0;
  opt.scale_to_mps2 = 1.0;
  opt.label = Label::kWalking;
  Result<Recording> r = import_accel_csv(dir / "ramp.csv", opt);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->frames.size(), 21U);  // 10 source intervals × 2 + 1
  for (std::size_t j = 0; j < r->frames.size(); ++j) {
    EXPECT_FLOAT_EQ(r->frames[j].acc[0], 0.5F * static_cast<float>(j));
    EXPECT_FLOAT_EQ(r->frames[j].acc[1], static_cast<float>(j));
    EXPECT_DOUBLE_EQ(r->frames[j].t, static_cast<double>(j) / 50.0);
  }
  EXPECT_EQ(r->subject, "ramp");
  EXPECT_EQ(r->labels, std::vector<Label>(21, Label::kWalking));
}

TEST(Import, ResampleKeepsSegmentsConsistentWithLabels) {
  Recording rec;
  rec.rate_hz = 26.0;
  for (std::size_t i = 0; i < 52; ++i) {
    SensorFrame f;
    f.t = static_cast<double>(i) / 26.0;
    rec.frames.push_back(f);
    rec.labels.push_back(i < 20 ? Label::kWalking : (i < 30 ? Label::kSnatch : Label::kRunning));
  }
  rec.segments = {{Label::kWalking, 0, 20}, {Label::kSnatch, 20, 30}, {Label::kRunning, 30, 52}};
  rec.onsets = {{Label::kSnatch, 20, rec.frames[20].t}};
  const Recording out = resample(rec, 50.0);
  EXPECT_EQ(out.rate_hz, 50.0);
  ASSERT_EQ(out.segments.size(), 3U);
  EXPECT_EQ(out.segments.back().end, out.frames.size());
  for (const Segment& s : out.segments) {
    for (std::size_t j = s.begin; j < s.end; ++j) EXPECT_EQ(out.labels[j], s.label) << j;
  }
  ASSERT_EQ(out.onsets.size(), 1U);
  EXPECT_EQ(out.onsets[0].index, out.segments[1].begin);
  EXPECT_NEAR(out.onsets[0].t, 20.0 / 26.0, 0.5 / 50.0);
}

TEST(Import, FolderImporterReadsLabelsFileAndNamesUnknownLabels) {
  TempDir dir;
  {
    std::ofstream a(dir / "a.csv");
    for (int i = 0; i < 10; ++i) a << "0, 0, 1\n";  // 1 g straight up
    std::ofstream b(dir / "b.csv");
    for (int i = 0; i < 10; ++i) b << "0, 0, 9.80665\n";
  }
  {
    std::ofstream labels(dir / "labels.csv");
    labels << "file,label,rate_hz,units\na.csv,walking,25,g\nb.csv,running,50,mps2\n";
  }
  Result<std::vector<Recording>> recs = import_folder(dir.path(), dir / "labels.csv");
  ASSERT_TRUE(recs.ok()) << recs.error().message;
  ASSERT_EQ(recs->size(), 2U);
  EXPECT_EQ((*recs)[0].frames.size(), 19U);  // 25 → 50 Hz
  EXPECT_EQ((*recs)[0].labels[0], Label::kWalking);
  EXPECT_NEAR((*recs)[0].frames[5].acc[2], units::kGravity, 1e-5);
  EXPECT_EQ((*recs)[1].frames.size(), 10U);
  EXPECT_EQ((*recs)[1].subject, "b");

  {
    std::ofstream labels(dir / "labels.csv");
    labels << "file,label,rate_hz,units\na.csv,walking,25,g\nb.csv,jogging,50,mps2\n";
  }
  recs = import_folder(dir.path(), dir / "labels.csv");
  ASSERT_FALSE(recs.ok());
  EXPECT_NE(recs.error().message.find("b.csv"), std::string::npos) << recs.error().message;
  EXPECT_NE(recs.error().message.find("unknown label 'jogging'"), std::string::npos);

  {
    std::ofstream labels(dir / "labels.csv");
    labels << "file,label,rate_hz,units\na.csv,walking,25,furlongs\n";
  }
  recs = import_folder(dir.path(), dir / "labels.csv");
  ASSERT_FALSE(recs.ok());
  EXPECT_NE(recs.error().message.find("furlongs"), std::string::npos);
}

TEST(Import, BadRowsNameTheLine) {
  TempDir dir;
  {
    std::ofstream a(dir / "a.csv");
    a << "1,2,3\n4,5\n";
  }
  Result<Recording> r = import_accel_csv(dir / "a.csv", ImportOptions{});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("a.csv line 2"), std::string::npos) << r.error().message;
  EXPECT_FALSE(import_accel_csv(dir / "missing.csv", ImportOptions{}).ok());
}

}  // namespace
}  // namespace css::data

#include "css/data/dataset.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <sstream>

#include "css/data/npy.hpp"
#include "sample_recordings.hpp"
#include "temp_dir.hpp"

namespace css::data {
namespace {

using testing::make_recording;
using testing::runs;
using testing::TempDir;

bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}
bool same_bits(float a, float b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

void expect_same_recording(const Recording& a, const Recording& b) {
  EXPECT_EQ(a.device, b.device);
  EXPECT_EQ(a.subject, b.subject);
  EXPECT_EQ(a.placement, b.placement);
  EXPECT_EQ(a.scenario, b.scenario);
  EXPECT_EQ(a.rate_hz, b.rate_hz);
  ASSERT_EQ(a.frames.size(), b.frames.size());
  for (std::size_t i = 0; i < a.frames.size(); ++i) {
    const SensorFrame& x = a.frames[i];
    const SensorFrame& y = b.frames[i];
    EXPECT_TRUE(same_bits(x.t, y.t) && same_bits(x.lat, y.lat) && same_bits(x.lon, y.lon) &&
                same_bits(x.gnss_speed, y.gnss_speed) && same_bits(x.gnss_course, y.gnss_course) &&
                same_bits(x.spl, y.spl) && x.gnss_fix == y.gnss_fix)
        << "frame " << i;
    for (std::size_t k = 0; k < 3; ++k) {
      EXPECT_TRUE(same_bits(x.acc[k], y.acc[k]) && same_bits(x.gyro[k], y.gyro[k])) << i;
    }
  }
  EXPECT_EQ(a.labels, b.labels);
  ASSERT_EQ(a.segments.size(), b.segments.size());
  for (std::size_t i = 0; i < a.segments.size(); ++i) {
    EXPECT_EQ(a.segments[i].label, b.segments[i].label);
    EXPECT_EQ(a.segments[i].begin, b.segments[i].begin);
    EXPECT_EQ(a.segments[i].end, b.segments[i].end);
  }
  ASSERT_EQ(a.onsets.size(), b.onsets.size());
  for (std::size_t i = 0; i < a.onsets.size(); ++i) {
    EXPECT_EQ(a.onsets[i].label, b.onsets[i].label);
    EXPECT_EQ(a.onsets[i].index, b.onsets[i].index);
    EXPECT_EQ(a.onsets[i].t, b.onsets[i].t);
  }
}

std::vector<Recording> two_recordings() {
  return {make_recording("s1", "dev-a", runs(Label::kWalking, 120, Label::kSnatch, 40)),
          make_recording("s2", "dev-b", runs(Label::kStationary, 90, Label::kForcedMovement, 33),
                         /*with_gyro=*/false)};
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(Dataset, RoundTripIsExact) {
  TempDir dir;
  const std::vector<Recording> recs = two_recordings();
  const Status s = write_dataset(dir / "train.npy", recs, DatasetMeta{42, "unit test"});
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(dir.files(), (std::vector<std::string>{"train.json", "train.labels.npy", "train.npy"}));
  Result<Dataset> ds = read_dataset(dir / "train.npy");
  ASSERT_TRUE(ds.ok()) << ds.error().message;
  EXPECT_EQ(ds->meta.seed, 42U);
  EXPECT_EQ(ds->meta.generator, "unit test");
  ASSERT_EQ(ds->recordings.size(), recs.size());
  for (std::size_t i = 0; i < recs.size(); ++i) expect_same_recording(recs[i], ds->recordings[i]);

  const NpyArray frames = *read_npy(dir / "train.npy");
  EXPECT_EQ(frames.dtype, "<f8");
  EXPECT_EQ(frames.shape, (std::vector<std::size_t>{160 + 123, 13}));
  const std::string json = slurp(dir / "train.json");
  EXPECT_NE(json.find("\"citysafesense-dataset\""), std::string::npos);
  EXPECT_NE(json.find("\"gnss_course\""), std::string::npos);
}

TEST(Dataset, MissingDirectoryIsAnErrorAndLeavesNoFiles) {
  TempDir dir;
  const std::vector<Recording> recs = two_recordings();
  const Status s = write_dataset(dir / "nope" / "x.npy", recs, DatasetMeta{});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find((dir / "nope").string()), std::string::npos)
      << s.error().message;
  EXPECT_TRUE(dir.files().empty());
}

TEST(Dataset, FailedWriteRemovesEverything) {
  TempDir dir;
  // A directory where the sidecar should go makes its rename fail after others are staged.
  std::filesystem::create_directories(dir / "x.json" / "blocker");
  const std::vector<Recording> recs = two_recordings();
  EXPECT_FALSE(write_dataset(dir / "x.npy", recs, DatasetMeta{}).ok());
  EXPECT_EQ(dir.files(), std::vector<std::string>{"x.json"});  // only the blocking directory
}

TEST(Dataset, MissingCompanionFileIsNamed) {
  TempDir dir;
  const std::vector<Recording> recs = two_recordings();
  ASSERT_TRUE(write_dataset(dir / "x.npy", recs, DatasetMeta{}).ok());
  std::filesystem::remove(dir / "x.labels.npy");
  Result<Dataset> ds = read_dataset(dir / "x.npy");
  ASSERT_FALSE(ds.ok());
  EXPECT_EQ(ds.error().code, ErrorCode::kNotFound);
  EXPECT_NE(ds.error().message.find("x.labels.npy"), std::string::npos);
}

// A folder where a dataset file should be is named as such, not reported as missing.
TEST(Dataset, FolderInPlaceOfAFileIsNamedAsAFolder) {
  TempDir dir;
  const std::vector<Recording> recs = two_recordings();
  ASSERT_TRUE(write_dataset(dir / "x.npy", recs, DatasetMeta{}).ok());
  std::filesystem::remove(dir / "x.json");
  std::filesystem::create_directory(dir / "x.json");
  Result<Dataset> ds = read_dataset(dir / "x.npy");
  ASSERT_FALSE(ds.ok());
  EXPECT_EQ(ds.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(ds.error().message.find("x.json is not a regular file"), std::string::npos)
      << ds.error().message;
}

TEST(Dataset, LabelOutOfRangeNamesRowAndValue) {
  TempDir dir;
  const std::vector<Recording> recs = two_recordings();
  ASSERT_TRUE(write_dataset(dir / "x.npy", recs, DatasetMeta{}).ok());
  NpyArray labels = *read_npy(dir / "x.labels.npy");
  labels.data[17] = std::byte{9};
  ASSERT_TRUE(write_npy(dir / "x.labels.npy", labels).ok());
  Result<Dataset> ds = read_dataset(dir / "x.npy");
  ASSERT_FALSE(ds.ok());
  EXPECT_NE(ds.error().message.find("labels.npy row 17: label 9 is not one of 0..7"),
            std::string::npos)
      << ds.error().message;
}

TEST(Dataset, RowCountMismatchIsAnError) {
  TempDir dir;
  const std::vector<Recording> recs = two_recordings();
  ASSERT_TRUE(write_dataset(dir / "x.npy", recs, DatasetMeta{}).ok());
  NpyArray labels = *read_npy(dir / "x.labels.npy");
  labels.data.pop_back();
  labels.shape[0] -= 1;
  ASSERT_TRUE(write_npy(dir / "x.labels.npy", labels).ok());
  Result<Dataset> ds = read_dataset(dir / "x.npy");
  ASSERT_FALSE(ds.ok());
  EXPECT_NE(ds.error().message.find("one per frame row"), std::string::npos);
}

TEST(Dataset, SegmentOutsideRecordingIsAnError) {
  TempDir dir;
  std::vector<Recording> recs = two_recordings();
  recs[1].segments.back().end = 500;
  ASSERT_TRUE(write_dataset(dir / "x.npy", recs, DatasetMeta{}).ok());
  Result<Dataset> ds = read_dataset(dir / "x.npy");
  ASSERT_FALSE(ds.ok());
  EXPECT_NE(ds.error().message.find("recordings[1]: segments[1]"), std::string::npos)
      << ds.error().message;
}

TEST(Dataset, UnknownSidecarLabelAndBadJsonAreErrors) {
  TempDir dir;
  const std::vector<Recording> recs = two_recordings();
  ASSERT_TRUE(write_dataset(dir / "x.npy", recs, DatasetMeta{}).ok());
  std::string json = slurp(dir / "x.json");
  const std::size_t at = json.find("\"snatch\"", json.find("\"recordings\""));
  ASSERT_NE(at, std::string::npos);
  json.replace(at, 8, "\"mugging\"");
  std::ofstream(dir / "x.json") << json;
  Result<Dataset> ds = read_dataset(dir / "x.npy");
  ASSERT_FALSE(ds.ok());
  EXPECT_NE(ds.error().message.find("unknown label 'mugging'"), std::string::npos)
      << ds.error().message;
  std::ofstream(dir / "x.json") << "{ not json";
  EXPECT_FALSE(read_dataset(dir / "x.npy").ok());
}

TEST(Dataset, WriteRejectsInconsistentRecordings) {
  TempDir dir;
  std::vector<Recording> recs = two_recordings();
  recs[1].rate_hz = 26.0;
  const Status rate = write_dataset(dir / "x.npy", recs, DatasetMeta{});
  ASSERT_FALSE(rate.ok());
  EXPECT_NE(rate.error().message.find("resample"), std::string::npos);
  recs = two_recordings();
  recs[0].labels.pop_back();
  EXPECT_FALSE(write_dataset(dir / "x.npy", recs, DatasetMeta{}).ok());
  EXPECT_TRUE(dir.files().empty());
}

}  // namespace
}  // namespace css::data

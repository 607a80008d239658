// Datasets whose files parse but contradict themselves or the world: read_dataset refuses
// them with one line naming the file, the recording or frame and the field (issue 14).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "css/data/dataset.hpp"
#include "sample_recordings.hpp"
#include "temp_dir.hpp"

namespace css::data {
namespace {

using testing::make_recording;
using testing::runs;
using testing::TempDir;

std::vector<Recording> one_recording() {
  return {make_recording("s1", "dev-a", runs(Label::kWalking, 100))};
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Writes `recs` as a dataset and returns read_dataset's error ("" when it reads).
std::string read_error(const TempDir& dir, const std::vector<Recording>& recs) {
  const Status written = write_dataset(dir / "x.npy", recs, DatasetMeta{1, "test"});
  EXPECT_TRUE(written.ok()) << written.error().message;
  auto ds = read_dataset(dir / "x.npy");
  return ds.ok() ? std::string() : ds.error().message;
}

TEST(SidecarValidation, AValidDatasetReads) {
  TempDir dir;
  EXPECT_EQ(read_error(dir, one_recording()), "");
}

TEST(SidecarValidation, NoRecordingsIsRefused) {
  TempDir dir;
  const std::string msg = read_error(dir, {});
  EXPECT_NE(msg.find("x.json: 'recordings' is empty"), std::string::npos) << msg;
}

TEST(SidecarValidation, RateThatDisagreesWithTheTimeColumnIsRefused) {
  TempDir dir;
  auto recs = one_recording();
  for (auto& f : recs[0].frames) f.t *= 50.0 / 26.0;  // 26 Hz time stamps, 50 Hz declared
  const std::string msg = read_error(dir, recs);
  EXPECT_NE(msg.find("x.npy recordings[0] (rows 0..100): rate_hz 50 disagrees with the t column "
                     "(26 Hz"),
            std::string::npos)
      << msg;
}

TEST(SidecarValidation, TimeRunningBackwardsIsRefused) {
  TempDir dir;
  auto recs = one_recording();
  recs[0].frames[40].t = recs[0].frames[38].t;
  const std::string msg = read_error(dir, recs);
  EXPECT_NE(msg.find("recordings[0] (rows 0..100) frame 40: t 0.76 s is not after the previous "
                     "frame's 0.78 s"),
            std::string::npos)
      << msg;
}

TEST(SidecarValidation, NanTimeIsRefused) {
  TempDir dir;
  auto recs = one_recording();
  recs[0].frames[7].t = std::numeric_limits<double>::quiet_NaN();
  const std::string msg = read_error(dir, recs);
  EXPECT_NE(msg.find("frame 7: t nan is not a finite time"), std::string::npos) << msg;
}

TEST(SidecarValidation, LatitudeOffTheEarthIsRefused) {
  TempDir dir;
  auto recs = one_recording();
  recs[0].frames[3].lat = 1000.0;
  std::string msg = read_error(dir, recs);
  EXPECT_NE(msg.find("frame 3: lat 1000 is outside [-90, 90] deg"), std::string::npos) << msg;
  recs = one_recording();
  recs[0].frames[5].gnss_fix = true;
  recs[0].frames[5].lon = std::numeric_limits<double>::quiet_NaN();
  msg = read_error(dir, recs);
  EXPECT_NE(msg.find("frame 5: lon nan is outside"), std::string::npos) << msg;
}

TEST(SidecarValidation, SidecarRateOutOfRangeIsRefused) {
  TempDir dir;
  ASSERT_EQ(read_error(dir, one_recording()), "");
  for (const char* rate : {"1e300", "1e-300", "0", "-50"}) {
    std::string json = slurp(dir / "x.json");
    const std::size_t at = json.find("\"rate_hz\": 50.0");
    ASSERT_NE(at, std::string::npos) << json;
    json.replace(at, 15, std::string("\"rate_hz\": ") + rate);
    std::ofstream(dir / "x.json") << json;
    auto ds = read_dataset(dir / "x.npy");
    ASSERT_FALSE(ds.ok()) << rate;
    EXPECT_NE(ds.error().message.find("x.json: 'rate_hz': rate_hz"), std::string::npos)
        << ds.error().message;
    ASSERT_EQ(read_error(dir, one_recording()), "");  // restore
  }
}

TEST(SidecarValidation, EmptyRecordingIsRefused) {
  TempDir dir;
  auto recs = one_recording();
  recs.push_back(make_recording("s2", "dev-b", {}));
  recs[1].segments.clear();
  const std::string msg = read_error(dir, recs);
  EXPECT_NE(msg.find("recordings[1]: holds no frames"), std::string::npos) << msg;
}

}  // namespace
}  // namespace css::data

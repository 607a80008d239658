#include "css/data/import_real.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <set>

#include "css/data/import.hpp"
#include "css/data/npy.hpp"
#include "temp_dir.hpp"

namespace css::data {
namespace {

using testing::TempDir;

// Writes NAME.npy (float32 [rows, 7], acc z = 9.81 + row index / 1000 so rows can be traced,
// gyro NaN in the second half when no_gyro_tail) and NAME.index.json.
std::filesystem::path write_set(const TempDir& dir, std::size_t rows, const std::string& index) {
  std::vector<float> v(rows * 7, 0.0f);
  for (std::size_t r = 0; r < rows; ++r) {
    v[r * 7] = static_cast<float>(r) * 0.02f;
    v[r * 7 + 3] = 9.81f + static_cast<float>(r) / 1000.0f;
    v[r * 7 + 4] = r >= rows / 2 ? std::nanf("") : 0.1f;
  }
  const auto path = dir / "set.npy";
  auto arr = make_npy<float>({rows, 7}, v);
  EXPECT_TRUE(static_cast<bool>(arr));
  EXPECT_TRUE(static_cast<bool>(write_npy(path, *arr)));
  std::ofstream(dir / "set.index.json") << index;
  return path;
}

const char* kTwoSessions = R"J({"name":"toy","rate_hz":50,"recordings":[
 {"key":"a2","begin":100,"end":200,"activity":"WALKING","subject":"u1","placement":"waist (belt)",
  "exp":1,"start_s":2.0,"suggested_class":"walking"},
 {"key":"a1","begin":0,"end":100,"activity":"STANDING","subject":"u1","placement":"waist (belt)",
  "exp":1,"start_s":0.0,"suggested_class":"stationary"},
 {"key":"a3","begin":200,"end":300,"activity":"SIT_TO_STAND","subject":"u1","placement":"waist (belt)",
  "exp":1,"start_s":10.0,"suggested_class":null},
 {"key":"b1","begin":300,"end":400,"activity":"walking","subject":"u2",
  "placement":"front trouser pocket","suggested_class":"walking"}]})J";

TEST(ImportReal, JoinsTouchingRunsOfOneSessionInStartOrder) {
  TempDir dir;
  const auto path = write_set(dir, 400, kTwoSessions);
  ASSERT_TRUE(is_real_layout(path));
  auto recs = import_real(path);
  ASSERT_TRUE(recs) << recs.error().message;
  // a1 + a2 touch (a2 starts at 2.0 s = a1's end); a3 starts 6 s later: a new recording.
  // Sessions come in name order: the session-less pocket run of u2 first.
  ASSERT_EQ(recs->size(), 3u);
  const Recording& s = (*recs)[1];
  EXPECT_EQ(s.frames.size(), 200u);
  EXPECT_EQ(s.subject, "toy/u1");
  EXPECT_EQ(s.placement, "waist");
  EXPECT_NEAR(s.frames[0].acc[2], 9.81f, 1e-6);           // row 0 (a1) first
  EXPECT_NEAR(s.frames[100].acc[2], 9.81f + 0.1f, 1e-6);  // then row 100 (a2)
  EXPECT_EQ(s.labels[0], Label::kStationary);
  EXPECT_EQ(s.labels[150], Label::kWalking);
  ASSERT_EQ(s.segments.size(), 2u);
  EXPECT_EQ(s.segments[1].begin, 100u);
  EXPECT_DOUBLE_EQ(s.frames[150].t, 3.0);
  EXPECT_FALSE(s.frames[0].gnss_fix);
  EXPECT_TRUE(std::isnan(s.frames[0].spl));
  // The no-class transition is everyday motion, labelled stationary.
  EXPECT_EQ((*recs)[2].labels.front(), Label::kStationary);
  EXPECT_EQ((*recs)[2].frames.size(), 100u);
  EXPECT_EQ((*recs)[0].placement, "pocket");
  EXPECT_EQ((*recs)[0].subject, "toy/u2");
  EXPECT_TRUE(std::isnan((*recs)[0].frames[10].gyro[0]));  // NaN gyro stays "absent"
}

TEST(ImportReal, ActivityMapOverridesTheSuggestedClass) {
  TempDir dir;
  const auto path = write_set(dir, 400, kTwoSessions);
  RealImportOptions opt;
  opt.activity_map["walking"] = "slow_walking";
  auto recs = import_real(path, opt);
  ASSERT_TRUE(recs);
  EXPECT_EQ(recs->front().labels.front(), Label::kSlowWalking);
  opt.activity_map["walking"] = "strolling";
  recs = import_real(path, opt);
  ASSERT_FALSE(recs);
  EXPECT_NE(recs.error().message.find("strolling"), std::string::npos);
  EXPECT_NE(recs.error().message.find("'b1'"), std::string::npos);
}

TEST(ImportReal, RefusesBadIndexesNamingTheRecording) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"not json", "not a JSON object"},
      {R"({"recordings":[]})", "non-empty array"},
      {R"({"recordings":[{"key":"k","begin":5,"end":900,"subject":"s"}]})", "not inside"},
      {R"({"recordings":[{"key":"k","begin":-1,"end":9,"subject":"s"}]})", "row numbers"},
      {R"({"recordings":[{"key":"k","begin":0,"end":9}]})", "subject"},
      {R"({"recordings":[{"key":"k","begin":0,"end":9,"subject":"s","suggested_class":3}]})",
       "suggested_class"},
      {R"({"rate_hz":-50,"recordings":[{"key":"k","begin":0,"end":9,"subject":"s"}]})", "rate_hz"},
      {R"({"recordings":[{"key":"k","begin":0,"end":9,"subject":"s","start_s":-3}]})", "start_s"}};
  for (const auto& [text, expected] : cases) {
    auto index = parse_real_index(text, 400, "x.index.json");
    ASSERT_FALSE(index) << text;
    EXPECT_NE(index.error().message.find(expected), std::string::npos)
        << text << " -> " << index.error().message;
  }
}

TEST(ImportReal, RefusesAnNpyOfTheWrongShape) {
  TempDir dir;
  std::vector<float> v(30, 1.0f);
  auto arr = make_npy<float>({10, 3}, v);
  ASSERT_TRUE(static_cast<bool>(write_npy(dir / "set.npy", *arr)));
  std::ofstream(dir / "set.index.json") << kTwoSessions;
  auto recs = import_real(dir / "set.npy");
  ASSERT_FALSE(recs);
  EXPECT_NE(recs.error().message.find("[N, 7]"), std::string::npos);
}

TEST(ImportReal, SubjectSplitIsDisjointAndStable) {
  std::vector<Recording> recs(40);
  for (std::size_t i = 0; i < recs.size(); ++i) recs[i].subject = "s" + std::to_string(i % 20);
  const Split a = real_subject_split(recs);
  const Split b = real_subject_split(recs);
  EXPECT_EQ(a.test, b.test);
  std::set<std::string> train, test;
  for (auto i : a.train) train.insert(recs[i].subject);
  for (auto i : a.test) test.insert(recs[i].subject);
  EXPECT_EQ(test.size(), 6u);  // 30 % of 20 subjects
  for (const auto& s : test) EXPECT_EQ(train.count(s), 0u) << s;
  EXPECT_EQ(select_part(recs, SplitPart::kTest).size(), a.test.size());
  EXPECT_FALSE(split_part_from_string("tset"));
}

// One reader for every layout: a folder is ST HAR, an NPY with an index the real layout.
TEST(ImportReal, ReadRecordingsPicksTheLayout) {
  const char* root = std::getenv("CSS_SOURCE_DIR");
  const auto dir = std::filesystem::path(root != nullptr ? root : ".") / "tests/data/st-har";
  auto folder = read_recordings(dir);
  auto st_har = import_st_har(dir);
  ASSERT_TRUE(folder) << folder.error().message;
  ASSERT_TRUE(st_har);
  EXPECT_EQ(folder->size(), st_har->size());
  TempDir tmp;
  const auto path = write_set(tmp, 400, kTwoSessions);
  auto real = read_recordings(path);
  ASSERT_TRUE(real) << real.error().message;
  EXPECT_EQ(real->size(), 3u);
  EXPECT_FALSE(read_recordings(tmp / "missing.npy"));
}

TEST(ImportReal, PlacementClasses) {
  EXPECT_EQ(placement_class("trouser pocket, orientation=back_inv"), "pocket");
  EXPECT_EQ(placement_class("purse/handbag"), "bag");
  EXPECT_EQ(placement_class("hand, arm swinging"), "hand");
  EXPECT_EQ(placement_class("armband"), "arm");
  EXPECT_EQ(placement_class("neck pouch"), "neck");
  EXPECT_EQ(placement_class("somewhere"), "unknown");
}

}  // namespace
}  // namespace css::data

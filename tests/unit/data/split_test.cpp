#include "css/data/split.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "sample_recordings.hpp"

namespace css::data {
namespace {

using testing::make_recording;
using testing::runs;

std::vector<Recording> corpus() {
  std::vector<Recording> recs;
  for (int i = 0; i < 24; ++i) {
    recs.push_back(make_recording("subject" + std::to_string(i % 8), "dev" + std::to_string(i % 5),
                                  runs(Label::kWalking, 4)));
  }
  return recs;
}

std::set<std::string> keys_of(const std::vector<Recording>& recs,
                              const std::vector<std::size_t>& idx, SplitKey key) {
  std::set<std::string> out;
  for (std::size_t i : idx) {
    out.insert(key == SplitKey::kSubject  ? recs[i].subject
               : key == SplitKey::kDevice ? recs[i].device
                                          : std::to_string(i));
  }
  return out;
}

bool disjoint(const std::set<std::string>& a, const std::set<std::string>& b) {
  return std::none_of(a.begin(), a.end(), [&](const std::string& k) { return b.count(k) > 0; });
}

TEST(Split, KeysAreDisjointAndEveryRecordingIsUsedOnce) {
  const std::vector<Recording> recs = corpus();
  for (SplitKey key : {SplitKey::kSubject, SplitKey::kDevice, SplitKey::kRecording}) {
    const Split s = split_recordings(recs, key, 0.2, 0.2, 7);
    EXPECT_FALSE(s.train.empty());
    EXPECT_FALSE(s.val.empty());
    EXPECT_FALSE(s.test.empty());
    const auto tr = keys_of(recs, s.train, key);
    const auto va = keys_of(recs, s.val, key);
    const auto te = keys_of(recs, s.test, key);
    EXPECT_TRUE(disjoint(tr, va) && disjoint(tr, te) && disjoint(va, te));
    std::vector<std::size_t> all = s.train;
    all.insert(all.end(), s.val.begin(), s.val.end());
    all.insert(all.end(), s.test.begin(), s.test.end());
    std::sort(all.begin(), all.end());
    std::vector<std::size_t> expected(recs.size());
    for (std::size_t i = 0; i < expected.size(); ++i) expected[i] = i;
    EXPECT_EQ(all, expected);
  }
}

TEST(Split, DeterministicAndSeedDependent) {
  const std::vector<Recording> recs = corpus();
  const Split a = split_recordings(recs, SplitKey::kSubject, 0.25, 0.25, 11);
  const Split b = split_recordings(recs, SplitKey::kSubject, 0.25, 0.25, 11);
  EXPECT_EQ(a.train, b.train);
  EXPECT_EQ(a.val, b.val);
  EXPECT_EQ(a.test, b.test);
  bool differs = false;
  for (std::uint64_t seed = 12; seed < 20 && !differs; ++seed) {
    differs = split_recordings(recs, SplitKey::kSubject, 0.25, 0.25, seed).test != a.test;
  }
  EXPECT_TRUE(differs);
  // The same keys land in the same parts whatever the order of the recordings.
  std::vector<Recording> reversed(recs.rbegin(), recs.rend());
  const Split r = split_recordings(reversed, SplitKey::kSubject, 0.25, 0.25, 11);
  EXPECT_EQ(keys_of(reversed, r.test, SplitKey::kSubject),
            keys_of(recs, a.test, SplitKey::kSubject));
}

TEST(Split, ThreeKeysGiveThreeNonEmptyParts) {
  std::vector<Recording> recs;
  for (const char* s : {"x", "y", "z", "x"})
    recs.push_back(make_recording(s, "d", runs(Label::kWalking, 2)));
  const Split s = split_recordings(recs, SplitKey::kSubject, 0.01, 0.01, 3);
  EXPECT_FALSE(s.train.empty());
  EXPECT_FALSE(s.val.empty());
  EXPECT_FALSE(s.test.empty());
  const Split one = split_recordings(std::span(recs).first(1), SplitKey::kSubject, 0.3, 0.3, 3);
  EXPECT_EQ(one.train, std::vector<std::size_t>{0});
  EXPECT_TRUE(one.val.empty() && one.test.empty());
}

}  // namespace
}  // namespace css::data

// Label helpers (label.hpp): names, indices and the risky pair.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "css/core/label.hpp"

namespace css {
namespace {

TEST(Label, NamesRoundTripForEveryLabel) {
  std::set<std::string_view> names;
  for (int i = 0; i < kLabelCount; ++i) {
    const auto label = label_from_index(i);
    ASSERT_TRUE(label.has_value()) << i;
    EXPECT_EQ(static_cast<int>(*label), i);
    EXPECT_EQ(label_from_string(to_string(*label)), label);
    names.insert(to_string(*label));
  }
  EXPECT_EQ(names.size(), static_cast<std::size_t>(kLabelCount)) << "names must be unique";
}

TEST(Label, StoredValuesMatchDesign) {
  // Stored in datasets and model files (DESIGN §3): the order is part of the format.
  EXPECT_EQ(label_from_string("stationary"), Label::kStationary);
  EXPECT_EQ(label_from_string("forced_movement"), Label::kForcedMovement);
  EXPECT_EQ(label_from_string("snatch"), Label::kSnatch);
  EXPECT_EQ(static_cast<int>(Label::kSnatch), kLabelCount - 1);
}

TEST(Label, RejectsUnknownNamesAndIndices) {
  EXPECT_FALSE(label_from_string("Snatch").has_value());
  EXPECT_FALSE(label_from_string("").has_value());
  EXPECT_FALSE(label_from_string("walking ").has_value());
  EXPECT_FALSE(label_from_index(-1).has_value());
  EXPECT_FALSE(label_from_index(kLabelCount).has_value());
}

TEST(Label, ExactlyForcedMovementAndSnatchAreRisky) {
  int risky = 0;
  for (int i = 0; i < kLabelCount; ++i) risky += is_risky(*label_from_index(i)) ? 1 : 0;
  EXPECT_EQ(risky, 2);
  EXPECT_TRUE(is_risky(Label::kForcedMovement));
  EXPECT_TRUE(is_risky(Label::kSnatch));
  EXPECT_FALSE(is_risky(Label::kRunning));  // a jogger is never a thief
}

}  // namespace
}  // namespace css

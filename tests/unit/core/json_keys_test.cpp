// first_duplicate_json_key: the one duplicate-key check of the strict JSON decoders.
#include "css/core/json_keys.hpp"

#include <gtest/gtest.h>

namespace css {
namespace {

TEST(JsonKeys, NoDuplicateGivesEmpty) {
  EXPECT_EQ(first_duplicate_json_key(R"({"a":1,"b":{"a":2},"c":[{"a":3},{"a":4}]})"), "");
  EXPECT_EQ(first_duplicate_json_key("[1,2,3]"), "");
}

TEST(JsonKeys, DuplicateAtAnyDepthIsNamed) {
  EXPECT_EQ(first_duplicate_json_key(R"({"a":1,"a":2})"), "a");
  EXPECT_EQ(first_duplicate_json_key(R"({"x":{"n":1,"m":2,"n":3}})"), "n");
  EXPECT_EQ(first_duplicate_json_key(R"({"l":[{"k":1,"k":1}]})"), "k");
  // A key closed in one object may open again in the next one, not in the same one.
  EXPECT_EQ(first_duplicate_json_key(R"({"o":{"k":1},"p":{"k":2},"o":3})"), "o");
}

TEST(JsonKeys, MalformedTextIsLeftToTheDecoder) {
  EXPECT_EQ(first_duplicate_json_key(R"({"a":1,)"), "");
  EXPECT_EQ(first_duplicate_json_key(""), "");
}

}  // namespace
}  // namespace css

// Event helpers: kind names, label → kind, UUID generation, validate_event.
#include <gtest/gtest.h>

#include <array>
#include <limits>
#include <set>
#include <string>

#include "css/core/device_id.hpp"
#include "css/core/event.hpp"

namespace css {
namespace {

TEST(EventKind, NamesRoundTrip) {
  for (EventKind k : {EventKind::kSuddenDisplacement, EventKind::kForcedDisplacement}) {
    EXPECT_EQ(event_kind_from_string(to_string(k)), k);
  }
  EXPECT_EQ(to_string(EventKind::kSuddenDisplacement), "sudden_displacement");
  EXPECT_EQ(to_string(EventKind::kForcedDisplacement), "forced_displacement");
  EXPECT_FALSE(event_kind_from_string("Sudden_Displacement").has_value());
  EXPECT_FALSE(event_kind_from_string("").has_value());
}

TEST(EventKind, OnlyRiskyLabelsRaiseEvents) {
  for (int i = 0; i < kLabelCount; ++i) {
    const Label label = *label_from_index(i);
    EXPECT_EQ(event_kind_for_label(label).has_value(), is_risky(label)) << to_string(label);
  }
  EXPECT_EQ(event_kind_for_label(Label::kSnatch), EventKind::kSuddenDisplacement);
  EXPECT_EQ(event_kind_for_label(Label::kForcedMovement), EventKind::kForcedDisplacement);
}

TEST(Uuid, SetsVersionAndVariantBits) {
  std::array<std::uint8_t, 16> ones{};
  ones.fill(0xff);
  EXPECT_EQ(make_uuid_v4(ones), "ffffffff-ffff-4fff-bfff-ffffffffffff");
  std::array<std::uint8_t, 16> zeros{};
  EXPECT_EQ(make_uuid_v4(zeros), "00000000-0000-4000-8000-000000000000");
  std::array<std::uint8_t, 16> counting{};
  for (std::size_t i = 0; i < counting.size(); ++i) counting[i] = static_cast<std::uint8_t>(i);
  EXPECT_EQ(make_uuid_v4(counting), "00010203-0405-4607-8809-0a0b0c0d0e0f");
}

TEST(Uuid, GeneratedTextIsValidAndDistinct) {
  std::set<std::string> seen;
  for (int n = 0; n < 256; ++n) {
    std::array<std::uint8_t, 16> bytes{};
    for (std::size_t i = 0; i < bytes.size(); ++i) {
      bytes[i] = static_cast<std::uint8_t>(n * 7 + static_cast<int>(i) * 13);
    }
    const std::string id = make_uuid_v4(bytes);
    EXPECT_TRUE(is_uuid_text(id)) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 256U);
}

TEST(Uuid, TextFormIsStrict) {
  EXPECT_TRUE(is_uuid_text("9b1c6f0e-3a4d-4e5f-8a7b-0c1d2e3f4a5b"));
  EXPECT_FALSE(is_uuid_text("9B1C6F0E-3A4D-4E5F-8A7B-0C1D2E3F4A5B"));  // canonical = lowercase
  EXPECT_FALSE(is_uuid_text("{9b1c6f0e-3a4d-4e5f-8a7b-0c1d2e3f4a5b}"));
  EXPECT_FALSE(is_uuid_text("9b1c6f0e-3a4d-4e5f-8a7b-0c1d2e3f4a5"));
  EXPECT_FALSE(is_uuid_text("9b1c6f0e-3a4d-4e5f-8a7b0-c1d2e3f4a5b"));
  EXPECT_FALSE(is_uuid_text(""));
}

TEST(ValidateEvent, ChecksWhatEncodingDoesNot) {
  Event e;
  e.id = "9b1c6f0e-3a4d-4e5f-8a7b-0c1d2e3f4a5b";
  e.device = "mcu_7.a";
  e.timestamp = 1.0;
  e.model = "sha256:" + std::string(64, '0');
  ASSERT_TRUE(validate_event(e).ok()) << validate_event(e).error().message;

  Event bad = e;
  bad.probability = std::numeric_limits<double>::quiet_NaN();
  ASSERT_FALSE(validate_event(bad).ok());
  EXPECT_NE(validate_event(bad).error().message.find("'probability'"), std::string::npos);

  bad = e;
  bad.vector[1] = std::numeric_limits<double>::infinity();
  ASSERT_FALSE(validate_event(bad).ok());
  EXPECT_NE(validate_event(bad).error().message.find("'vector[1]'"), std::string::npos);

  bad = e;
  bad.schema = 3;
  ASSERT_FALSE(validate_event(bad).ok());
  EXPECT_EQ(validate_event(bad).error().code, ErrorCode::kUnsupported);
}

// The one device-id rule (events, flows, store, ingest topics and API filters call it).
TEST(DeviceId, OneToSixtyFourOfLettersDigitsUnderscoreDotDash) {
  for (const std::string& ok :
       {std::string("a"), std::string("pi4-edge_001.v2"), std::string(64, 'Z')})
    EXPECT_TRUE(valid_device_id(ok)) << ok;
  for (const std::string& bad :
       {std::string(), std::string(65, 'a'), std::string("a/b"), std::string("a+"),
        std::string("#"), std::string("a b"), std::string("\xc3\xa9"), std::string("a\0b", 3)})
    EXPECT_FALSE(valid_device_id(bad)) << bad;
}

}  // namespace
}  // namespace css

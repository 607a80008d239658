// Event JSON codec: every kind of bad payload is rejected with a message that
// names the field; valid events round-trip exactly.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "css/core/event.hpp"

namespace css {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;  // key, raw JSON value

const std::string kModel = "sha256:" + std::string(64, 'a');

Fields valid_fields() {
  return {{"schema", "1"},
          {"id", R"("9b1c6f0e-3a4d-4e5f-8a7b-0c1d2e3f4a5b")"},
          {"device", R"("pi4-edge-001")"},
          {"seq", "1234"},
          {"timestamp", "1715982012.52"},
          {"event", R"("sudden_displacement")"},
          {"probability", "0.92"},
          {"vector", "[0.12,-1.09,3.88]"},
          {"lat", "-23.5505"},
          {"lon", "-46.6333"},
          {"model", "\"" + kModel + "\""}};
}

std::string render(const Fields& fields) {
  std::string out = "{";
  for (const auto& [key, raw] : fields) {
    if (out.size() > 1) out += ",";
    out += "\"" + key + "\":" + raw;
  }
  return out + "}";
}

std::string with(const std::string& key, const std::string& raw) {
  Fields f = valid_fields();
  for (auto& [k, v] : f) {
    if (k == key) v = raw;
  }
  return render(f);
}

std::string without(const std::string& key) {
  Fields f = valid_fields();
  std::erase_if(f, [&](const auto& kv) { return kv.first == key; });
  return render(f);
}

TEST(EventJson, ValidPayloadDecodes) {
  auto e = event_from_json(render(valid_fields()));
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(e->device, "pi4-edge-001");
  EXPECT_EQ(e->seq, 1234U);
  EXPECT_EQ(e->event, EventKind::kSuddenDisplacement);
  EXPECT_DOUBLE_EQ(e->probability, 0.92);
  EXPECT_DOUBLE_EQ(e->vector[1], -1.09);
  ASSERT_TRUE(e->lat && e->lon);
  EXPECT_DOUBLE_EQ(*e->lat, -23.5505);
  EXPECT_EQ(e->model, kModel);
}

TEST(EventJson, UnknownKeysAreIgnoredAndOrderIsFree) {
  Fields f = valid_fields();
  std::swap(f.front(), f.back());
  f.emplace_back("firmware", R"({"version":[1,2],"extra":null})");
  auto e = event_from_json("  \n" + render(f) + "\n");
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(*e, *event_from_json(render(valid_fields())));
}

TEST(EventJson, PositionIsOptional) {
  auto e = event_from_json(render([] {
    Fields f = valid_fields();
    std::erase_if(f, [](const auto& kv) { return kv.first == "lat" || kv.first == "lon"; });
    return f;
  }()));
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_FALSE(e->lat.has_value());
  EXPECT_FALSE(e->lon.has_value());
}

struct BadCase {
  std::string name;
  std::string payload;
  ErrorCode code;
  std::string message;  // expected substring of the error message
};

std::vector<BadCase> bad_cases() {
  using enum ErrorCode;
  std::vector<BadCase> cases;
  for (const char* key :
       {"schema", "id", "device", "seq", "timestamp", "event", "probability", "vector", "model"}) {
    cases.push_back({std::string("missing_") + key, without(key), kInvalidArgument,
                     std::string("missing required field '") + key + "'"});
  }
  const std::vector<BadCase> more = {
      {"schema_string", with("schema", R"("1")"), kInvalidArgument,
       "field 'schema': expected integer, got string"},
      {"schema_2", with("schema", "2"), kUnsupported, "unsupported schema version 2"},
      {"id_number", with("id", "5"), kInvalidArgument,
       "field 'id': expected string, got unsigned integer"},
      {"device_null", with("device", "null"), kInvalidArgument,
       "field 'device': expected string, got null"},
      {"seq_string", with("seq", R"("1234")"), kInvalidArgument,
       "field 'seq': expected unsigned integer, got string"},
      {"seq_negative", with("seq", "-1"), kInvalidArgument,
       "field 'seq': expected unsigned integer, got negative integer"},
      {"seq_fraction", with("seq", "1.5"), kInvalidArgument,
       "field 'seq': expected unsigned integer, got floating-point number"},
      {"seq_over_64_bits", with("seq", "18446744073709551616"), kInvalidArgument,
       "field 'seq': expected unsigned integer"},
      {"timestamp_string", with("timestamp", R"("now")"), kInvalidArgument,
       "field 'timestamp': expected number, got string"},
      {"timestamp_zero", with("timestamp", "0"), kInvalidArgument,
       "field 'timestamp': 0 is outside (0, 4102444800)"},
      {"timestamp_2100", with("timestamp", "4102444800"), kInvalidArgument, "field 'timestamp'"},
      {"event_number", with("event", "1"), kInvalidArgument,
       "field 'event': expected string, got unsigned integer"},
      {"event_unknown", with("event", R"("snatch")"), kInvalidArgument,
       "field 'event': unknown event kind 'snatch'"},
      {"probability_bool", with("probability", "true"), kInvalidArgument,
       "field 'probability': expected number, got boolean"},
      {"probability_1_7", with("probability", "1.7"), kInvalidArgument,
       "field 'probability': 1.7 is outside [0, 1]"},
      {"probability_negative", with("probability", "-0.1"), kInvalidArgument,
       "field 'probability': -0.1 is outside [0, 1]"},
      {"vector_object", with("vector", "{}"), kInvalidArgument,
       "field 'vector': expected array of 3 numbers, got object"},
      {"vector_two", with("vector", "[1,2]"), kInvalidArgument,
       "field 'vector': expected 3 numbers, got 2"},
      {"vector_string_element", with("vector", R"([1,"a",3])"), kInvalidArgument,
       "field 'vector[1]': expected number, got string"},
      {"vector_too_large", with("vector", "[0,0,1000.5]"), kInvalidArgument,
       "field 'vector[2]': 1000.5 is outside [-1000, 1000]"},
      {"lat_string", with("lat", R"("-23.5")"), kInvalidArgument,
       "field 'lat': expected number, got string"},
      {"lat_91", with("lat", "91"), kInvalidArgument, "field 'lat': 91 is outside [-90, 90]"},
      {"lon_minus_181", with("lon", "-181"), kInvalidArgument,
       "field 'lon': -181 is outside [-180, 180]"},
      {"lat_without_lon", without("lon"), kInvalidArgument, "field 'lat' given without 'lon'"},
      {"lon_without_lat", without("lat"), kInvalidArgument, "field 'lon' given without 'lat'"},
      {"model_number", with("model", "0"), kInvalidArgument,
       "field 'model': expected string, got unsigned integer"},
      {"model_uppercase_hex", with("model", "\"sha256:" + std::string(64, 'A') + "\""),
       kInvalidArgument, "field 'model'"},
      {"model_md5", with("model", R"("md5:0123")"), kInvalidArgument,
       "field 'model': 'md5:0123' must be 'sha256:' + 64 lowercase hex digits"},
      {"uuid_short", with("id", R"("9b1c6f0e-3a4d-4e5f-8a7b")"), kInvalidArgument,
       "field 'id': '9b1c6f0e-3a4d-4e5f-8a7b' is not a UUID"},
      {"uuid_no_dashes", with("id", R"("9b1c6f0e3a4d4e5f8a7b0c1d2e3f4a5bcdef")"), kInvalidArgument,
       "field 'id'"},
      {"uuid_not_hex", with("id", R"("9b1c6f0e-3a4d-4e5f-8a7b-0c1d2e3f4a5z")"), kInvalidArgument,
       "field 'id'"},
      {"device_space", with("device", R"("pi 4")"), kInvalidArgument,
       "field 'device': 'pi 4' must match [A-Za-z0-9_.-]{1,64}"},
      {"device_slash", with("device", R"("a/b")"), kInvalidArgument, "field 'device'"},
      {"device_empty", with("device", R"("")"), kInvalidArgument, "field 'device'"},
      {"device_65_chars", with("device", "\"" + std::string(65, 'x') + "\""), kInvalidArgument,
       "field 'device'"},
      {"duplicate_key", render(valid_fields()).insert(1, R"("seq":1,)"), kInvalidArgument,
       "duplicate field 'seq'"},
      {"malformed", R"({"schema":1,,})", kParse, "column 13"},
      {"truncated_mid_string", render(valid_fields()).substr(0, 60), kParse,
       "parse error at line 1, column 61"},
      {"truncated_end", render(valid_fields()).substr(0, render(valid_fields()).size() - 1), kParse,
       "unexpected end of input"},
      {"empty", "", kParse, "event JSON"},
      {"array_top_level", "[1,2,3]", kParse, "event JSON must be an object, got array"},
      {"oversize",
       with("device", "\"a\"," + std::string("\"pad\":\"") + std::string(4096, 'p') + "\""),
       kInvalidArgument, "over the 4096-byte limit"},
  };
  cases.insert(cases.end(), more.begin(), more.end());
  return cases;
}

void PrintTo(const BadCase& c, std::ostream* os) {
  *os << c.name;
}

class BadEvent : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadEvent, IsRejectedWithMessageNamingTheProblem) {
  const BadCase& c = GetParam();
  auto e = event_from_json(c.payload);
  ASSERT_FALSE(e.ok()) << c.payload;
  EXPECT_EQ(e.error().code, c.code) << e.error().message;
  EXPECT_NE(e.error().message.find(c.message), std::string::npos)
      << "message: " << e.error().message << "\nexpected to contain: " << c.message;
  EXPECT_EQ(e.error().message.find('\n'), std::string::npos) << "messages are one line";
}

INSTANTIATE_TEST_SUITE_P(AllFields, BadEvent, ::testing::ValuesIn(bad_cases()),
                         [](const ::testing::TestParamInfo<BadCase>& p) { return p.param.name; });

TEST(EventJson, PayloadJustUnderLimitIsParsed) {
  std::string base = render(valid_fields());
  const std::size_t pad = kMaxEventJsonBytes - base.size() - std::string(R"(,"pad":"")").size();
  std::string payload =
      base.substr(0, base.size() - 1) + R"(,"pad":")" + std::string(pad, 'p') + "\"}";
  ASSERT_EQ(payload.size(), kMaxEventJsonBytes);
  EXPECT_TRUE(event_from_json(payload).ok());
  EXPECT_FALSE(event_from_json(payload + " ").ok());
}

TEST(EventJson, HostileStringsAreEscapedInMessages) {
  auto e = event_from_json(with("device", R"("a\nb\u0000")"));
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().message.find('\n'), std::string::npos);
  EXPECT_NE(e.error().message.find("\\x0a"), std::string::npos) << e.error().message;
}

Event sample_event() {
  Event e;
  e.id = "9b1c6f0e-3a4d-4e5f-8a7b-0c1d2e3f4a5b";
  e.device = "pi4-edge-001";
  e.seq = 1234;
  e.timestamp = 1715982012.52;
  e.event = EventKind::kForcedDisplacement;
  e.probability = 0.92;
  e.vector = {0.12, -1.09, 3.88};
  e.lat = -23.5505;
  e.lon = -46.6333;
  e.model = kModel;
  return e;
}

TEST(EventJson, EncodesKeysInDesignOrder) {
  const std::string json = to_json(sample_event());
  std::size_t last = 0;
  for (const char* key : {"schema", "id", "device", "seq", "timestamp", "event", "probability",
                          "vector", "lat", "lon", "model"}) {
    const std::size_t at = json.find(std::string("\"") + key + "\":");
    ASSERT_NE(at, std::string::npos) << key;
    EXPECT_GE(at, last) << key;
    last = at;
  }
  EXPECT_NE(json.find(R"("event":"forced_displacement")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("timestamp":1715982012.52)"), std::string::npos) << json;
}

TEST(EventJson, RoundTripIsExactForAwkwardValues) {
  Event e = sample_event();
  e.seq = std::numeric_limits<std::uint64_t>::max();
  e.timestamp = std::nextafter(kMaxEventTimestampS, 0.0);
  e.probability = 1.0 / 3.0;
  e.vector = {-0.0, 1e-300, -kMaxEventVectorMps2};
  e.lat = 90.0;
  e.lon = std::nextafter(-180.0, 0.0);
  ASSERT_TRUE(validate_event(e).ok()) << validate_event(e).error().message;
  auto back = event_from_json(to_json(e));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, e);
  EXPECT_TRUE(std::signbit(back->vector[0]));
}

TEST(EventJson, RoundTripIsExactForRandomEvents) {
  std::mt19937_64 rng(20240517);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (int i = 0; i < 2000; ++i) {
    std::array<std::uint8_t, 16> bytes{};
    for (auto& b : bytes) b = static_cast<std::uint8_t>(rng());
    Event e = sample_event();
    e.id = make_uuid_v4(bytes);
    e.seq = rng();
    e.timestamp = 1.0 + unit(rng) * 4.0e9;
    e.event = (i % 2 == 0) ? EventKind::kSuddenDisplacement : EventKind::kForcedDisplacement;
    e.probability = unit(rng);
    for (double& v : e.vector) v = (unit(rng) - 0.5) * 2000.0;
    if (i % 3 == 0) {
      e.lat.reset();
      e.lon.reset();
    } else {
      e.lat = (unit(rng) - 0.5) * 180.0;
      e.lon = (unit(rng) - 0.5) * 360.0;
    }
    const std::string json = to_json(e);
    auto back = event_from_json(json);
    ASSERT_TRUE(back.ok()) << json << ": " << back.error().message;
    ASSERT_EQ(*back, e) << json;
    ASSERT_EQ(to_json(*back), json);
  }
}

}  // namespace
}  // namespace css

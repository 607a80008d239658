// Ingest validation without a broker: topics, UTF-8, the telemetry decoder (against the
// node's encoder), and every dead-letter reason from classify().
#include <gtest/gtest.h>

#include <string>

#include "css/ingest/metrics.hpp"
#include "css/ingest/validate.hpp"
#include "css/ingest/worker.hpp"
#include "css/sensors/telemetry.hpp"
#include "ingest_payloads.hpp"

namespace css::ingest {
namespace {

constexpr double kNow = 1716040900.0;

std::string reason_of(const Verdict& v) {
  if (const auto* r = std::get_if<Rejection>(&v)) return std::string(reason_code(r->reason));
  return "accepted";
}

TEST(IngestTopic, ParsesKindsAndRefusesTheRest) {
  auto t = parse_topic("citysafesense/events/pi4-edge_001.a");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->kind, TopicKind::kEvents);
  EXPECT_EQ(t->device, "pi4-edge_001.a");
  EXPECT_EQ(parse_topic("citysafesense/telemetry/d")->kind, TopicKind::kTelemetry);
  EXPECT_EQ(parse_topic("citysafesense/status/d")->kind, TopicKind::kStatus);
  EXPECT_EQ(parse_topic("citysafesense/flows/d")->kind, TopicKind::kFlows);
  for (const char* bad :
       {"", "citysafesense", "citysafesense/events", "citysafesense/events/",
        "citysafesense/events/a/b", "citysafesense/snatch/a", "other/events/a",
        "citysafesenseX/events/a", "citysafesense/events/a b", "citysafesense/events/dev@x"})
    EXPECT_FALSE(parse_topic(bad)) << bad;
  EXPECT_FALSE(parse_topic("citysafesense/events/" + std::string(65, 'a')));
  EXPECT_TRUE(parse_topic("city/events/a", "city"));
}

TEST(IngestUtf8, AcceptsWellFormedOnly) {
  EXPECT_TRUE(is_valid_utf8("plain ascii"));
  EXPECT_TRUE(is_valid_utf8("S\xc3\xa3o Paulo \xe2\x82\xac \xf0\x9f\x98\x80"));
  EXPECT_FALSE(is_valid_utf8("\xff"));
  EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));      // surrogate U+D800
  EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // > U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xe2\x82"));          // truncated
  EXPECT_FALSE(is_valid_utf8("\x80"));              // lone continuation
}

TEST(IngestTelemetry, DecodesWhatTheNodeEncodes) {
  sensors::TelemetryAggregator agg("pi4-edge-001", 60.0);
  sensors::EnvReadings r;
  r.set(sensors::Quantity::kTemperatureC, 17.5);
  r.set(sensors::Quantity::kPm25Ugm3, 12.0);
  ASSERT_FALSE(agg.add(1716040800.0, r));
  r.set(sensors::Quantity::kTemperatureC, 18.5);
  ASSERT_FALSE(agg.add(1716040801.0, r));
  ASSERT_FALSE(agg.add_error(1716040802.0, "sht31"));
  const auto w = agg.flush();
  ASSERT_TRUE(w);
  auto rec = telemetry_from_json(sensors::to_json(*w));
  ASSERT_TRUE(rec.ok()) << rec.error().message;
  EXPECT_EQ(rec->device, "pi4-edge-001");
  EXPECT_EQ(rec->start, 1716040800.0);
  EXPECT_EQ(rec->period_s, 60.0);
  EXPECT_EQ(rec->quantities_json, R"({"pm25_ugm3":{"max":12.0,"mean":12.0,"min":12.0,"n":2},)"
                                  R"("temperature_c":{"max":18.5,"mean":18.0,"min":17.5,"n":2}})");
  EXPECT_EQ(rec->errors_json, R"({"sht31":1})");
}

TEST(IngestTelemetry, RefusesWhatIsWrongNamingTheField) {
  const std::string good = test::telemetry_json("d", 1716040800.0);
  ASSERT_TRUE(telemetry_from_json(good).ok());
  auto with = [&](const std::string& from, const std::string& to) {
    std::string s = good;
    s.replace(s.find(from), from.size(), to);
    return telemetry_from_json(s);
  };
  EXPECT_NE(with(R"("mean":55.5)", R"("mean":140)").error().message.find("humidity_pct.mean"),
            std::string::npos);
  EXPECT_NE(with(R"("mean":17.6)", R"("mean":19)").error().message.find("min <= mean <= max"),
            std::string::npos);
  EXPECT_NE(with(R"("n":120)", R"("n":0)").error().message.find("temperature_c.n"),
            std::string::npos);
  EXPECT_NE(with(R"("n":120)", R"("n":"x")").error().message.find("temperature_c.n"),
            std::string::npos);
  EXPECT_NE(with(R"("period_s":60.0)", R"("period_s":-1)").error().message.find("period_s"),
            std::string::npos);
  EXPECT_NE(with(R"("sht31":2)", R"("sht31":-2)").error().message.find("errors.sht31"),
            std::string::npos);
  EXPECT_EQ(with(R"("schema":1)", R"("schema":2)").error().code, ErrorCode::kUnsupported);
  EXPECT_EQ(with(R"("start")", R"("start":1,"start")").error().message,
            "telemetry JSON: duplicate key 'start'");
  EXPECT_EQ(telemetry_from_json("[1]").error().code, ErrorCode::kParse);
  // A quantity this build does not know is ignored, as docs/event-schema.md says.
  auto newer = with(R"("quantities":{)", R"("quantities":{"co2_ppm":{"n":1,"mean":400},)");
  ASSERT_TRUE(newer.ok()) << newer.error().message;
  EXPECT_EQ(newer->quantities_json.find("co2"), std::string::npos);
}

TEST(IngestClassify, AcceptsEachKind) {
  const auto e = classify("citysafesense/events/dev-a", test::event_json("dev-a", 1, kNow), kNow);
  ASSERT_TRUE(std::holds_alternative<Event>(e)) << reason_of(e);
  EXPECT_EQ(std::get<Event>(e), test::event_for("dev-a", 1, kNow));
  const auto f =
      classify("citysafesense/flows/dev-a", test::flow_json("dev-a", 1716040800.0), kNow);
  EXPECT_TRUE(std::holds_alternative<FlowSummary>(f)) << reason_of(f);
  const auto t =
      classify("citysafesense/telemetry/dev-a", test::telemetry_json("dev-a", 1716040800.0), kNow);
  EXPECT_TRUE(std::holds_alternative<store::TelemetryRecord>(t)) << reason_of(t);
  const auto s = classify("citysafesense/status/dev-a", "offline", kNow);
  ASSERT_TRUE(std::holds_alternative<store::DeviceStatus>(s));
  EXPECT_EQ(std::get<store::DeviceStatus>(s),
            (store::DeviceStatus{"dev-a", false, kNow, "offline"}));
}

TEST(IngestClassify, EveryBadPayloadGetsItsReason) {
  for (const auto& bad : test::bad_payloads("dev-a", "dev-b", kNow)) {
    const auto v = classify("citysafesense/" + bad.kind + "/dev-a", bad.payload, kNow);
    EXPECT_EQ(reason_of(v), bad.reason) << bad.kind << ": " << bad.payload.substr(0, 120);
  }
  EXPECT_EQ(reason_of(classify("citysafesense/events/dev@x", "{}", kNow)), "unknown_topic");
  EXPECT_EQ(reason_of(classify("citysafesense/telemetry/dev-a",
                               test::telemetry_json("dev-b", 1716040800.0), kNow)),
            "device_mismatch");
  // The event codec's own 4 KiB limit is a size reason too, not a field error.
  const std::string big = std::string(5000, ' ') + test::event_json("dev-a", 1, kNow);
  EXPECT_EQ(reason_of(classify("citysafesense/events/dev-a", big, kNow)), "payload_too_large");
  // Every reason code fits the store's rule [a-z0-9_]{1,32} and is distinct.
  std::set<std::string_view> seen;
  for (std::size_t i = 0; i < kReasonCount; ++i) {
    const auto code = reason_code(static_cast<Reason>(i));
    EXPECT_TRUE(seen.insert(code).second) << code;
    EXPECT_LE(code.size(), store::kMaxReasonCodeChars);
  }
}

TEST(IngestClassify, DeadLetterKeepsTopicPayloadAndReason) {
  store::Batch b;
  const std::string payload(20000, 'x');
  add_to_batch(b, classify("citysafesense/events/dev-a", payload, kNow),
               "citysafesense/events/dev-a", payload, kNow);
  ASSERT_EQ(b.dead_letters.size(), 1u);
  const auto& d = b.dead_letters[0];
  EXPECT_EQ(d.reason_code, "payload_too_large");
  EXPECT_EQ(d.topic, "citysafesense/events/dev-a");
  EXPECT_EQ(d.payload.size(), store::kMaxDeadLetterPayloadBytes);
  EXPECT_EQ(d.payload_size, 20000u);
  EXPECT_NE(d.reason.find("20000 bytes"), std::string::npos);
}

// Issue 14 audit: `citysafe ingest --topic-root 'a/#'` subscribed to "$share/ingest/a/#/event/+"
// and failed only at the broker, after its start-up log lines.
TEST(IngestOptions, GroupAndTopicRootAreOneTopicLevel) {
  WorkerOptions ok;
  EXPECT_TRUE(check_options(ok).ok());
  for (const char* bad : {"", "a/#", "a/b", "+", "#", "a b"}) {
    WorkerOptions root;
    root.topic_root = bad;
    const Status st = check_options(root);
    ASSERT_FALSE(st.ok()) << bad;
    EXPECT_EQ(st.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(st.error().message, std::string("ingest: topic root '") + bad +
                                      "': expected one MQTT topic level (no '/', '+', '#' or "
                                      "spaces)");
    WorkerOptions group;
    group.group = bad;
    EXPECT_FALSE(check_options(group).ok()) << bad;
  }
  WorkerOptions batch;
  batch.max_batch = 0;
  EXPECT_FALSE(check_options(batch).ok());
}

TEST(IngestMetricsText, NamesEveryReason) {
  IngestMetrics m;
  m.received = 7;
  m.dead_letters[static_cast<std::size_t>(Reason::kInvalidJson)] = 2;
  const std::string text = to_prometheus(m);
  EXPECT_NE(text.find("citysafe_ingest_received_total 7\n"), std::string::npos);
  EXPECT_NE(text.find("citysafe_ingest_dead_letters_total{reason=\"invalid_json\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("citysafe_ingest_dead_letters_total{reason=\"device_mismatch\"} 0\n"),
            std::string::npos);
  EXPECT_NE(health_json(m).find("\"status\":\"degraded\""), std::string::npos);
  m.broker_connected = true;
  m.subscribed = true;
  EXPECT_NE(health_json(m).find("\"status\":\"ok\""), std::string::npos);
}

}  // namespace
}  // namespace css::ingest

// The EventStore conformance suite (conformance.hpp): idempotent appends, every query filter,
// keyset pagination, aggregates, the other record kinds, retention, concurrency.
#include "conformance.hpp"

#include <algorithm>
#include <set>
#include <thread>
#include <vector>

#include "css/store/cursor.hpp"
#include "store_test_util.hpp"

namespace css::store::testing {

void StoreConformance::SetUp() {
  url_ = GetParam().fresh_url();
  auto s = open_store(url_);
  ASSERT_TRUE(s.ok()) << s.error().message;
  store_ = std::move(*s);
}

std::unique_ptr<EventStore> StoreConformance::open_again() {
  auto s = open_store(url_);
  EXPECT_TRUE(s.ok()) << s.error().message;
  return s.ok() ? std::move(*s) : nullptr;
}

namespace {

constexpr double kT0 = 1715982000.0;  // 2024-05-17T21:40:00Z

std::vector<Event> all_events(EventStore& store, EventFilter filter = {}) {
  EventQuery q;
  q.filter = std::move(filter);
  q.limit = kMaxQueryLimit;
  auto page = store.events(q);
  EXPECT_TRUE(page.ok()) << page.error().message;
  return page.ok() ? page->events : std::vector<Event>{};
}

std::vector<std::uint64_t> seqs(const std::vector<Event>& events) {
  std::vector<std::uint64_t> out;
  for (const auto& e : events) out.push_back(e.seq);
  return out;
}

Result<AppendResult> append(EventStore& store, std::vector<Event> events) {
  return store.append_events(events, kT0 + 1e5);
}

}  // namespace

TEST_P(StoreConformance, FreshStoreIsEmptyAtTheCurrentSchema) {
  auto v = store_->schema_version();
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(*v, current_schema_version());
  auto st = store_->stats();
  ASSERT_TRUE(st.ok()) << st.error().message;
  EXPECT_EQ(st->events, 0u);
  EXPECT_EQ(st->schema_version, current_schema_version());
  EXPECT_FALSE(st->oldest_event.has_value());
  EXPECT_EQ(st->backend, store_->backend());
}

TEST_P(StoreConformance, EventsRoundTripExactly) {
  std::vector<Event> in = {make_event({.n = 1, .timestamp = kT0 + 0.123456789}),
                           make_event({.n = 2, .timestamp = kT0 + 1, .lat = {}, .lon = {}}),
                           make_event({.n = 3,
                                       .timestamp = kT0 + 2,
                                       .type = EventKind::kForcedDisplacement,
                                       .lat = 89.999999,
                                       .lon = -179.5})};
  auto r = append(*store_, in);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->events_stored, 3u);
  EXPECT_EQ(r->events_duplicate, 0u);
  EXPECT_EQ(all_events(*store_), in);
}

TEST_P(StoreConformance, AppendIsIdempotentByEventId) {
  std::vector<Event> batch;
  for (std::uint64_t n = 0; n < 10; ++n)
    batch.push_back(make_event({.n = n, .timestamp = kT0 + static_cast<double>(n)}));
  ASSERT_EQ(append(*store_, batch)->events_stored, 10u);
  auto again = append(*store_, batch);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->events_stored, 0u);
  EXPECT_EQ(again->events_duplicate, 10u);
  // Half old, half new, and one id twice inside the batch.
  std::vector<Event> mixed(batch.begin() + 5, batch.end());
  for (std::uint64_t n = 10; n < 15; ++n)
    mixed.push_back(make_event({.n = n, .timestamp = kT0 + static_cast<double>(n)}));
  mixed.push_back(mixed.back());
  auto m = append(*store_, mixed);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->events_stored, 5u);
  EXPECT_EQ(m->events_duplicate, 6u);
  EXPECT_EQ(all_events(*store_).size(), 15u);
}

TEST_P(StoreConformance, ADuplicateIdWithOtherContentNeverOverwrites) {
  const Event first = make_event({.n = 7, .timestamp = kT0});
  ASSERT_TRUE(append(*store_, {first}).ok());
  Event other = first;
  other.probability = 0.01;
  other.device = "someone-else";
  auto r = append(*store_, {other});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->events_duplicate, 1u);
  EXPECT_EQ(all_events(*store_), std::vector<Event>{first});
}

TEST_P(StoreConformance, AnInvalidRecordFailsTheWholeBatch) {
  Event bad = make_event({.n = 2});
  bad.probability = 1.5;
  auto r = append(*store_, {make_event({.n = 1}), bad});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message.find("events[1]"), std::string::npos) << r.error().message;
  EXPECT_TRUE(all_events(*store_).empty());
}

TEST_P(StoreConformance, FiltersByTimeTypeDeviceAndBox) {
  std::vector<Event> in;
  in.push_back(make_event({.n = 0, .timestamp = kT0, .device = "a", .lat = 10, .lon = 20}));
  in.push_back(
      make_event({.n = 1, .timestamp = kT0 + 10, .device = "b", .lat = 10.5, .lon = 20.5}));
  in.push_back(make_event({.n = 2,
                           .timestamp = kT0 + 20,
                           .device = "a",
                           .type = EventKind::kForcedDisplacement,
                           .lat = 11,
                           .lon = 21}));
  in.push_back(make_event({.n = 3, .timestamp = kT0 + 30, .device = "b", .lat = {}, .lon = {}}));
  in.push_back(make_event({.n = 4, .timestamp = kT0 + 40, .device = "a", .lat = -10, .lon = -20}));
  ASSERT_TRUE(append(*store_, in).ok());
  using V = std::vector<std::uint64_t>;
  EXPECT_EQ(seqs(all_events(*store_, {.from = kT0 + 10, .to = kT0 + 30})), (V{1, 2}));  // half-open
  EXPECT_EQ(seqs(all_events(*store_, {.from = kT0 + 40})), (V{4}));
  EXPECT_EQ(seqs(all_events(*store_, {.to = kT0 + 0.5})), (V{0}));
  EXPECT_EQ(seqs(all_events(*store_, {.type = EventKind::kForcedDisplacement})), (V{2}));
  EXPECT_EQ(seqs(all_events(*store_, {.device = "b"})), (V{1, 3}));
  EXPECT_EQ(seqs(all_events(*store_, {.device = "nobody"})), V{});
  // Box edges are included; an event without a position never matches a box.
  const BoundingBox box{.min_lon = 20, .min_lat = 10, .max_lon = 21, .max_lat = 11};
  EXPECT_EQ(seqs(all_events(*store_, {.bbox = box})), (V{0, 1, 2}));
  EXPECT_EQ(seqs(all_events(*store_, {.bbox = BoundingBox{}})), (V{0, 1, 2, 4}));
  EXPECT_EQ(seqs(all_events(*store_, {.bbox = BoundingBox{-21, -11, -19, -9}})), (V{4}));
  EXPECT_EQ(seqs(all_events(*store_, {.from = kT0 + 5, .bbox = box, .device = "a"})), (V{2}));
}

TEST_P(StoreConformance, BadQueriesAreRefusedNamingTheField) {
  const auto refused = [&](EventQuery q, const std::string& word) {
    auto r = store_->events(q);
    ASSERT_FALSE(r.ok()) << word;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(r.error().message.find(word), std::string::npos) << r.error().message;
  };
  refused({.limit = 0}, "limit");
  refused({.limit = kMaxQueryLimit + 1}, "limit");
  refused({.filter = {.from = 10, .to = 5}}, "from");
  refused({.filter = {.bbox = BoundingBox{10, 0, 5, 1}}}, "bbox");
  refused({.filter = {.bbox = BoundingBox{0, -91, 1, 0}}}, "bbox");
  refused({.filter = {.device = std::string("bad device")}}, "device");
  refused({.after = std::string("garbage")}, "cursor");
  refused({.after = std::string("12.5_not-a-uuid")}, "cursor");
  auto g = store_->grid_counts({.cell_deg = 0});
  ASSERT_FALSE(g.ok());
  EXPECT_NE(g.error().message.find("cell_deg"), std::string::npos);
}

TEST_P(StoreConformance, PagesAreStableInTimestampThenIdOrder) {
  std::vector<Event> in;
  // Many equal timestamps, so the id breaks ties.
  for (std::uint64_t n = 0; n < 45; ++n)
    in.push_back(make_event({.n = n, .timestamp = kT0 + static_cast<double>(n / 4)}));
  std::reverse(in.begin(), in.end());
  ASSERT_TRUE(append(*store_, in).ok());
  std::vector<Event> expected = in;
  std::sort(expected.begin(), expected.end(), [](const Event& a, const Event& b) {
    return a.timestamp != b.timestamp ? a.timestamp < b.timestamp : a.id < b.id;
  });
  for (bool newest_first : {false, true}) {
    EventQuery q{.limit = 7, .newest_first = newest_first};
    std::vector<Event> got;
    int pages = 0;
    for (;; ++pages) {
      ASSERT_LT(pages, 20);
      auto page = store_->events(q);
      ASSERT_TRUE(page.ok()) << page.error().message;
      got.insert(got.end(), page->events.begin(), page->events.end());
      if (!page->next_cursor) break;
      q.after = page->next_cursor;
      if (pages == 2 && !newest_first) {
        // Stored meanwhile: one event before the cursor (never shows up), one after (does).
        ASSERT_TRUE(append(*store_, {make_event({.n = 1000, .timestamp = kT0 - 1}),
                                     make_event({.n = 1001, .timestamp = kT0 + 100})})
                        .ok());
        expected.push_back(make_event({.n = 1001, .timestamp = kT0 + 100}));
      }
    }
    std::vector<Event> want = expected;
    if (newest_first) {
      want.push_back(make_event({.n = 1000, .timestamp = kT0 - 1}));
      std::sort(want.begin(), want.end(), [](const Event& a, const Event& b) {
        return a.timestamp != b.timestamp ? a.timestamp > b.timestamp : a.id > b.id;
      });
    }
    EXPECT_EQ(got, want) << (newest_first ? "newest first" : "oldest first");
  }
}

TEST_P(StoreConformance, ALastFullPageHasNoCursor) {
  for (std::uint64_t n = 0; n < 4; ++n)
    ASSERT_TRUE(
        append(*store_, {make_event({.n = n, .timestamp = kT0 + static_cast<double>(n)})}).ok());
  auto page = store_->events({.limit = 4});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->events.size(), 4u);
  EXPECT_FALSE(page->next_cursor.has_value());
  page = store_->events({.limit = 3});
  ASSERT_TRUE(page.ok());
  ASSERT_TRUE(page->next_cursor.has_value());
  auto c = decode_cursor(*page->next_cursor);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->id, page->events.back().id);
}

TEST_P(StoreConformance, GridCountsPerCellAndBucket) {
  std::vector<Event> in;
  // Cell 0.1°: (10.01, 20.01) and (10.05, 20.09) share cell (100, 200); (-0.05, -0.05) is in
  // cell (-1, -1) (floor, not truncation).
  in.push_back(make_event({.n = 0, .timestamp = kT0 + 10, .lat = 10.01, .lon = 20.01}));
  in.push_back(make_event({.n = 1, .timestamp = kT0 + 20, .lat = 10.05, .lon = 20.09}));
  in.push_back(make_event({.n = 2, .timestamp = kT0 + 4000, .lat = 10.05, .lon = 20.09}));
  in.push_back(make_event({.n = 3, .timestamp = kT0 + 30, .lat = -0.05, .lon = -0.05}));
  in.push_back(make_event({.n = 4, .timestamp = kT0 + 40, .lat = {}, .lon = {}}));
  in.push_back(make_event({.n = 5,
                           .timestamp = kT0 + 50,
                           .type = EventKind::kForcedDisplacement,
                           .lat = 10.01,
                           .lon = 20.01}));
  ASSERT_TRUE(append(*store_, in).ok());
  const auto b0 = static_cast<std::int64_t>(kT0 / 3600);
  auto g = store_->grid_counts({.cell_deg = 0.1, .bucket_s = 3600});
  ASSERT_TRUE(g.ok()) << g.error().message;
  const std::vector<GridCount> want = {{-1, -1, b0, 1}, {100, 200, b0, 3}, {100, 200, b0 + 1, 1}};
  EXPECT_EQ(*g, want);
  g = store_->grid_counts(
      {.filter = {.type = EventKind::kSuddenDisplacement}, .cell_deg = 0.1, .bucket_s = 86400});
  ASSERT_TRUE(g.ok());
  const auto d0 = static_cast<std::int64_t>(kT0 / 86400);
  EXPECT_EQ(*g, (std::vector<GridCount>{{-1, -1, d0, 1}, {100, 200, d0, 3}}));
}

TEST_P(StoreConformance, CountsByTypeDeviceHourDay) {
  // 2024-05-17T23:30:00Z, +1 h crosses into the next day.
  const double t = 1715988600.0;
  std::vector<Event> in = {
      make_event({.n = 0, .timestamp = t, .device = "a"}),
      make_event({.n = 1, .timestamp = t + 60, .device = "b"}),
      make_event(
          {.n = 2, .timestamp = t + 3600, .device = "a", .type = EventKind::kForcedDisplacement})};
  ASSERT_TRUE(append(*store_, in).ok());
  const auto counts = [&](CountBy by, EventFilter f = {}) {
    auto r = store_->counts(f, by);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? *r : std::vector<CountRow>{};
  };
  using R = std::vector<CountRow>;
  EXPECT_EQ(counts(CountBy::kType), (R{{"forced_displacement", 1}, {"sudden_displacement", 2}}));
  EXPECT_EQ(counts(CountBy::kDevice), (R{{"a", 2}, {"b", 1}}));
  EXPECT_EQ(counts(CountBy::kHour), (R{{"2024-05-17T23:00:00Z", 2}, {"2024-05-18T00:00:00Z", 1}}));
  EXPECT_EQ(counts(CountBy::kDay), (R{{"2024-05-17", 2}, {"2024-05-18", 1}}));
  EXPECT_EQ(counts(CountBy::kHourOfDay), (R{{"00", 1}, {"23", 2}}));
  EXPECT_EQ(counts(CountBy::kType, {.device = "b"}), (R{{"sudden_displacement", 1}}));
}

TEST_P(StoreConformance, FlowsAreKeyedByDeviceAndStart) {
  Batch b;
  b.received_at = kT0;
  b.flows = {make_flow("a", kT0), make_flow("a", kT0 + 60), make_flow("b", kT0)};
  auto r = store_->append(b);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->flows_stored, 3u);
  FlowSummary changed = make_flow("a", kT0);
  changed.unclassified = 1;
  b.flows = {changed};
  r = store_->append(b);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->flows_duplicate, 1u);
  auto all = store_->flows({});
  ASSERT_TRUE(all.ok()) << all.error().message;
  EXPECT_EQ(*all, (std::vector<FlowSummary>{make_flow("a", kT0), make_flow("b", kT0),
                                            make_flow("a", kT0 + 60)}));
  auto a = store_->flows({.from = kT0 + 1, .device = "a"});
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, std::vector<FlowSummary>{make_flow("a", kT0 + 60)});
  EXPECT_EQ(store_->flows({.limit = 1})->size(), 1u);
}

// Two records with one key in a single batch: the first (in batch order) is stored, the other
// counted as a duplicate, on both backends (PostgreSQL sorts a batch by key before its
// multi-row upsert).
TEST_P(StoreConformance, InBatchDuplicateFlowsAndTelemetryKeepTheFirst) {
  Batch b;
  b.received_at = kT0;
  FlowSummary second = make_flow("c", kT0);
  second.unclassified = 7;
  b.flows = {make_flow("d", kT0), make_flow("c", kT0), second};
  const TelemetryRecord first{"c", kT0, 60, R"({"first":1})", "{}"};
  b.telemetry = {first, {"c", kT0, 60, R"({"second":2})", "{}"}};
  auto r = store_->append(b);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->flows_stored, 2u);
  EXPECT_EQ(r->flows_duplicate, 1u);
  EXPECT_EQ(r->telemetry_stored, 1u);
  EXPECT_EQ(r->telemetry_duplicate, 1u);
  EXPECT_EQ(*store_->flows({.device = "c"}), std::vector<FlowSummary>{make_flow("c", kT0)});
  EXPECT_EQ(*store_->telemetry({}), std::vector<TelemetryRecord>{first});
}

TEST_P(StoreConformance, TelemetryIsKeyedByDeviceAndStart) {
  Batch b;
  const TelemetryRecord t1{"a", kT0, 60,
                           R"({"temperature_c":{"n":120,"mean":17.62,"min":17.41,"max":17.8}})",
                           R"({"sht31":2})"};
  const TelemetryRecord t2{"a", kT0 + 60, 60, "{}", "{}"};
  b.telemetry = {t1, t2, t1};
  auto r = store_->append(b);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->telemetry_stored, 2u);
  EXPECT_EQ(r->telemetry_duplicate, 1u);
  auto all = store_->telemetry({.to = kT0 + 60});
  ASSERT_TRUE(all.ok()) << all.error().message;
  EXPECT_EQ(*all, std::vector<TelemetryRecord>{t1});
  b.telemetry = {{"bad id!", kT0, 60, "{}", "{}"}};
  EXPECT_FALSE(store_->append(b).ok());
}

TEST_P(StoreConformance, DeviceStatusKeepsTheNewest) {
  Batch b;
  b.statuses = {{"a", true, kT0 + 10, R"({"status":"online"})"}, {"b", false, kT0, "offline"}};
  auto r = store_->append(b);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->statuses_updated, 2u);
  b.statuses = {{"a", false, kT0 + 5, "late"}, {"b", true, kT0 + 1, std::string(20000, 'x')}};
  r = store_->append(b);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->statuses_stale, 1u);
  EXPECT_EQ(r->statuses_updated, 1u);
  auto all = store_->device_statuses();
  ASSERT_TRUE(all.ok()) << all.error().message;
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0], (DeviceStatus{"a", true, kT0 + 10, R"({"status":"online"})"}));
  EXPECT_TRUE((*all)[1].online);
  EXPECT_EQ((*all)[1].last_payload.size(), kMaxDeadLetterPayloadBytes);
}

TEST_P(StoreConformance, DeadLettersKeepBoundedBytesAndCountPerReason) {
  Batch b;
  std::string binary("\x00\xff\xfe{\"id\":", 9);
  b.dead_letters = {
      {0, kT0, "citysafesense/events/a", "invalid_json", "JSON: malformed", binary, 0},
      {0, kT0 + 1, "citysafesense/events/a", "oversize", "payload over 16 KiB",
       std::string(20000, 'y'), 0},
      {0, kT0 + 2, "citysafesense/events/b", "invalid_json", "JSON: malformed", "{", 0}};
  auto r = store_->append(b);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->dead_letters_stored, 3u);
  auto all = store_->dead_letters(10, std::nullopt);
  ASSERT_TRUE(all.ok()) << all.error().message;
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[2].payload, binary);  // newest first; bytes kept exactly
  EXPECT_EQ((*all)[2].payload_size, binary.size());
  EXPECT_EQ((*all)[1].payload.size(), kMaxDeadLetterPayloadBytes);
  EXPECT_EQ((*all)[1].payload_size, 20000u);
  EXPECT_EQ((*all)[0].reason_code, "invalid_json");
  auto older = store_->dead_letters(10, (*all)[1].id);
  ASSERT_TRUE(older.ok());
  ASSERT_EQ(older->size(), 1u);
  EXPECT_EQ((*older)[0].id, (*all)[2].id);
  auto st = store_->stats();
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->dead_letters, 3u);
  EXPECT_EQ(st->dead_letters_by_reason,
            (std::map<std::string, std::uint64_t>{{"invalid_json", 2}, {"oversize", 1}}));
  b.dead_letters = {{0, kT0, "t", "Bad Code", "", "", 0}};
  auto bad = store_->append(b);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("reason_code"), std::string::npos);
}

TEST_P(StoreConformance, RetentionDeletesOlderRecordsOfEveryKind) {
  const double day = 86400;
  Batch b;
  b.received_at = kT0;
  b.events = {make_event({.n = 0, .timestamp = kT0 - 40 * day}),
              make_event({.n = 1, .timestamp = kT0})};
  b.flows = {make_flow("a", kT0 - 40 * day), make_flow("a", kT0)};
  b.telemetry = {{"a", kT0 - 40 * day, 60, "{}", "{}"}, {"a", kT0, 60, "{}", "{}"}};
  b.statuses = {{"old", false, kT0 - 40 * day, ""}, {"new", true, kT0, ""}};
  b.dead_letters = {{0, kT0 - 40 * day, "t", "oversize", "", "", 0},
                    {0, kT0, "t", "oversize", "", "", 0}};
  ASSERT_TRUE(store_->append(b).ok());
  auto r = store_->delete_older_than(kT0 - 30 * day);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->events, 1u);
  EXPECT_EQ(r->flows, 1u);
  EXPECT_EQ(r->telemetry, 1u);
  EXPECT_EQ(r->statuses, 1u);
  EXPECT_EQ(r->dead_letters, 1u);
  auto st = store_->stats();
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->events, 1u);
  EXPECT_EQ(st->flows, 1u);
  EXPECT_EQ(st->telemetry, 1u);
  EXPECT_EQ(st->devices, 1u);
  EXPECT_EQ(st->dead_letters, 1u);
  EXPECT_EQ(st->dead_letters_by_reason.at("oversize"), 2u);  // counters are cumulative
  EXPECT_EQ(seqs(all_events(*store_)), std::vector<std::uint64_t>{1});
  r = store_->delete_older_than(kT0 - 30 * day);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->events, 0u);
}

TEST_P(StoreConformance, AppendedDataSurvivesReopening) {
  ASSERT_TRUE(append(*store_, {make_event({.n = 1})}).ok());
  store_.reset();
  auto again = open_again();
  ASSERT_TRUE(again);
  EXPECT_EQ(all_events(*again).size(), 1u);
}

TEST_P(StoreConformance, TwoWritersStoreEveryEventOnce) {
  // Two connections append overlapping batches at once: every id ends up stored exactly once,
  // and the writers' stored counts add up to the distinct ids.
  constexpr std::uint64_t kPerWriter = 600, kOverlap = 200, kBatch = 50;
  std::size_t stored[2] = {0, 0};
  std::string errors[2];
  const auto writer = [&](int w) {
    auto store = open_store(url_);
    if (!store) {
      errors[w] = store.error().message;
      return;
    }
    const std::uint64_t first = w == 0 ? 0 : kPerWriter - kOverlap;
    for (std::uint64_t n = first; n < first + kPerWriter; n += kBatch) {
      std::vector<Event> batch;
      for (std::uint64_t i = n; i < n + kBatch; ++i)
        batch.push_back(make_event({.n = i, .timestamp = kT0 + static_cast<double>(i)}));
      auto r = (*store)->append_events(batch, kT0);
      if (!r) {
        errors[w] = r.error().message;
        return;
      }
      stored[w] += r->events_stored;
    }
  };
  std::thread a(writer, 0), b(writer, 1);
  a.join();
  b.join();
  EXPECT_EQ(errors[0], "");
  EXPECT_EQ(errors[1], "");
  const std::uint64_t distinct = 2 * kPerWriter - kOverlap;
  EXPECT_EQ(stored[0] + stored[1], distinct);
  auto events = all_events(*store_);
  ASSERT_EQ(events.size(), distinct);
  std::set<std::string> ids;
  for (const auto& e : events) ids.insert(e.id);
  EXPECT_EQ(ids.size(), distinct);
}

}  // namespace css::store::testing

// Spool on real files: order, acks, restarts, recovery from torn and corrupt records, rolling
// and deleting segments, the bounds policy and the errors that name their input.
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "css/spool/record.hpp"
#include "css/spool/spool.hpp"
#include "spool_test_util.hpp"

namespace css::spool {
namespace {

using namespace css::spool::testing;

Spool open_ok(const fs::path& dir, Options o = fast_options()) {
  auto s = Spool::open(dir, o);
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  if (!s.ok()) std::abort();
  return std::move(*s);
}

Seq add(Spool& s, const std::string& text, Kind kind = Kind::kEvent) {
  auto seq = s.append(kind, bytes_of(text));
  EXPECT_TRUE(seq.ok()) << (seq.ok() ? "" : seq.error().message);
  return seq.ok() ? *seq : 0;
}

TEST(Spool, AppendsAndReplaysInOrderUntilAcked) {
  TempDir dir;
  Spool s = open_ok(dir.path());
  EXPECT_EQ(s.next_seq(), 1u);
  EXPECT_EQ(add(s, "a"), 1u);
  EXPECT_EQ(add(s, "b", Kind::kFlow), 2u);
  EXPECT_EQ(add(s, "c", Kind::kStatus), 3u);
  EXPECT_EQ(pending_texts(s), (std::vector<std::string>{"a", "b", "c"}));
  auto batch = s.next_batch(2, 1);
  ASSERT_TRUE(batch.ok());
  ASSERT_EQ(batch->size(), 2u);
  EXPECT_EQ((*batch)[0].seq, 2u);
  EXPECT_EQ((*batch)[0].kind, Kind::kFlow);
  EXPECT_EQ((*batch)[1].kind, Kind::kStatus);
  ASSERT_TRUE(s.ack(2).ok());
  EXPECT_EQ(pending_texts(s), (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(s.depth(), 2u);
  EXPECT_EQ(s.pending_bytes(), 2 * (kRecordOverheadBytes + 1));
  EXPECT_EQ(s.counters().appended.total(), 3u);
  EXPECT_EQ(s.counters().acked.flow, 1u);
}

TEST(Spool, RestartReplaysOnlyWhatWasNotAckedAndKeepsCountingSeq) {
  TempDir dir;
  {
    Spool s = open_ok(dir.path());
    for (int i = 1; i <= 6; ++i) add(s, "e" + std::to_string(i));
    ASSERT_TRUE(s.ack(5).ok());  // out of order
    ASSERT_TRUE(s.ack(2).ok());
    ASSERT_TRUE(s.ack(2).ok());   // twice
    ASSERT_TRUE(s.ack(99).ok());  // never appended
    EXPECT_EQ(s.counters().duplicate_acks, 2u);
  }
  Spool s = open_ok(dir.path());
  EXPECT_EQ(pending_texts(s), (std::vector<std::string>{"e1", "e3", "e4", "e6"}));
  EXPECT_EQ(s.next_seq(), 7u);  // an ack of an unknown seq writes nothing
  EXPECT_EQ(s.counters().torn_records, 0u);
  EXPECT_EQ(s.counters().corrupt_regions, 0u);
}

TEST(Spool, SeqSurvivesARestartWhenEverythingWasAckedAndSegmentsDeleted) {
  TempDir dir;
  Options o = fast_options();
  o.segment_bytes = 4096;
  {
    Spool s = open_ok(dir.path(), o);
    const std::string big(500, 'x');
    for (int i = 0; i < 40; ++i) ASSERT_TRUE(s.ack(add(s, big)).ok());
    EXPECT_GT(s.counters().segments_deleted, 0u);
    EXPECT_EQ(segments(dir.path()).size(), 1u);
    EXPECT_EQ(s.depth(), 0u);
  }
  Spool s = open_ok(dir.path(), o);
  EXPECT_EQ(s.next_seq(), 41u);
  EXPECT_EQ(add(s, "after"), 41u);
}

TEST(Spool, RollsSegmentsAndDeletesOnlyAFullyAckedPrefix) {
  TempDir dir;
  Options o = fast_options();
  o.segment_bytes = 4096;
  Spool s = open_ok(dir.path(), o);
  const std::string big(1000, 'y');
  for (int i = 0; i < 12; ++i) add(s, big + std::to_string(i));
  const std::size_t segs = segments(dir.path()).size();
  EXPECT_GE(segs, 3u);
  for (Seq q = 2; q <= 12; ++q) ASSERT_TRUE(s.ack(q).ok());
  // Seq 1 holds the oldest segment, so nothing may be deleted yet.
  EXPECT_EQ(segments(dir.path()).size(), segs);
  ASSERT_TRUE(s.ack(1).ok());
  EXPECT_EQ(segments(dir.path()).size(), 1u);
}

TEST(Spool, ATornLastRecordAtEveryByteOffsetIsCutAndCounted) {
  TempDir dir;
  {
    Spool s = open_ok(dir.path());
    add(s, "first");
    add(s, "second");
  }
  const fs::path seg = segments(dir.path()).at(0);
  const std::vector<char> whole = slurp(seg);
  const std::size_t last = kRecordOverheadBytes + 6;  // "second"
  for (std::size_t cut = whole.size() - last + 1; cut < whole.size(); ++cut) {
    put(seg, std::vector<char>(whole.begin(), whole.begin() + static_cast<long>(cut)));
    {
      Spool s = open_ok(dir.path());
      EXPECT_EQ(pending_texts(s), std::vector<std::string>{"first"}) << "cut at " << cut;
      EXPECT_EQ(s.counters().torn_records, 1u);
      EXPECT_EQ(s.counters().torn_bytes, cut - (whole.size() - last));
      EXPECT_EQ(fs::file_size(seg), whole.size() - last);  // truncated
      EXPECT_EQ(s.next_seq(), 2u);
      EXPECT_EQ(add(s, "again"), 2u);  // appends after the cut are readable
    }
    Spool s = open_ok(dir.path());
    EXPECT_EQ(pending_texts(s), (std::vector<std::string>{"first", "again"}));
    EXPECT_EQ(s.counters().torn_records, 0u);
  }
}

TEST(Spool, AFlippedByteInAMiddleRecordSkipsItAndRepairsTheJournal) {
  TempDir dir;
  {
    Spool s = open_ok(dir.path());
    add(s, "one");
    add(s, "two");
    add(s, "three");
  }
  const std::size_t two_at = kRecordOverheadBytes + 8 + kRecordOverheadBytes + 3;
  flip(segments(dir.path()).at(0), two_at + kHeaderBytes + 1, 0x20);  // inside "two"
  {
    Spool s = open_ok(dir.path());
    EXPECT_EQ(pending_texts(s), (std::vector<std::string>{"one", "three"}));
    EXPECT_EQ(s.counters().corrupt_regions, 1u);
    EXPECT_EQ(s.counters().corrupt_bytes, kRecordOverheadBytes + 3);
    EXPECT_EQ(s.counters().compactions, 1u);
    EXPECT_EQ(s.next_seq(), 4u);
  }
  Spool s = open_ok(dir.path());  // rewritten clean: nothing to skip the second time
  EXPECT_EQ(pending_texts(s), (std::vector<std::string>{"one", "three"}));
  EXPECT_EQ(s.counters().corrupt_regions, 0u);
  EXPECT_EQ(s.next_seq(), 4u);
}

TEST(Spool, ARecordDamagedAfterOpenIsReleasedWhenReadBack) {
  TempDir dir;
  Spool s = open_ok(dir.path());
  add(s, "keep");
  add(s, "rot");
  add(s, "tail");
  const std::size_t rot_at = kRecordOverheadBytes + 8 + kRecordOverheadBytes + 4;
  flip(segments(dir.path()).at(0), rot_at + kHeaderBytes, 0x01);  // inside "rot"
  EXPECT_EQ(pending_texts(s), (std::vector<std::string>{"keep", "tail"}));
  EXPECT_EQ(s.counters().corrupt_on_read, 1u);
  EXPECT_EQ(s.depth(), 2u);
}

TEST(Spool, AGarbageOnlyJournalIsAnErrorNamingTheFile) {
  TempDir dir;
  const fs::path seg = dir / "seg-00000000000000000001.log";
  put(seg, std::vector<char>(1000, 'z'));
  auto s = Spool::open(dir.path(), fast_options());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kParse);
  EXPECT_NE(s.error().message.find(seg.string()), std::string::npos) << s.error().message;
  EXPECT_EQ(fs::file_size(seg), 1000u);  // the evidence is left alone
}

TEST(Spool, ASegmentTornAtCreationIsDropped) {
  TempDir dir;
  put(dir / "seg-00000000000000000001.log", std::vector<char>{'C', 'S', 'S'});
  Spool s = open_ok(dir.path());
  EXPECT_EQ(s.depth(), 0u);
  EXPECT_EQ(add(s, "x"), 1u);
}

// Found by fuzz/spool_fuzz.cpp: well-formed records with odd seqs.
TEST(Spool, AMarkAboveTheDataRaisesTheNextSeqSoNewRecordsSurviveAReopen) {
  TempDir dir;
  const auto mark = encode_mark(/*floor=*/1000, /*next_seq=*/1);
  std::ofstream(dir / "seg-00000000000000000001.log", std::ios::binary)
      .write(reinterpret_cast<const char*>(mark.data()), static_cast<long>(mark.size()));
  {
    Spool s = open_ok(dir.path());
    EXPECT_EQ(add(s, "new"), 1000u);
  }
  Spool s = open_ok(dir.path());
  EXPECT_EQ(pending_texts(s), std::vector<std::string>{"new"});
}

TEST(Spool, TheLastPossibleSeqIsRefusedNotWrappedAround) {
  TempDir dir;
  const auto rec = encode_record(RecordKind::kEvent, 0, UINT64_MAX, bytes_of("last"));
  std::ofstream(dir / "seg-00000000000000000001.log", std::ios::binary)
      .write(reinterpret_cast<const char*>(rec.data()), static_cast<long>(rec.size()));
  Spool s = open_ok(dir.path());
  EXPECT_EQ(pending_texts(s), std::vector<std::string>{"last"});
  auto next = s.append(Kind::kEvent, bytes_of("x"));
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.error().code, ErrorCode::kInvalidArgument);
}

TEST(Spool, RefusesBadOptionsOversizedRecordsAndASecondOwner) {
  TempDir dir;
  Options o = fast_options();
  o.max_bytes = o.hard_max_bytes + 1;
  EXPECT_EQ(Spool::open(dir.path(), o).error().code, ErrorCode::kInvalidArgument);
  o = fast_options();
  o.mirror_dir = dir.path();
  EXPECT_EQ(Spool::open(dir.path(), o).error().code, ErrorCode::kInvalidArgument);
  Spool s = open_ok(dir.path());
  auto big = s.append(Kind::kEvent, std::vector<std::byte>(kMaxPayloadBytes + 1));
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().code, ErrorCode::kInvalidArgument);
  auto second = Spool::open(dir.path(), fast_options());
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.error().message.find("in use"), std::string::npos);
  put(dir / "file", {'x'});
  auto not_dir = Spool::open(dir / "file", fast_options());
  ASSERT_FALSE(not_dir.ok());
  EXPECT_NE(not_dir.error().message.find("file"), std::string::npos);
}

TEST(Spool, OverTheSoftCapFlowsGoFirstThenEventsOnlyPastTheHardCap) {
  TempDir dir;
  Options o = fast_options();
  const std::uint64_t rec = kRecordOverheadBytes + 10;  // every payload is 10 bytes
  o.max_bytes = 6 * rec;
  o.hard_max_bytes = 10 * rec;
  std::size_t depth = 0;
  {
    Spool s = open_ok(dir.path(), o);
    for (int i = 0; i < 3; ++i) add(s, "event.....", Kind::kEvent);
    for (int i = 0; i < 3; ++i) add(s, "flow......", Kind::kFlow);
    EXPECT_EQ(s.counters().dropped.total(), 0u);  // exactly at the soft cap
    add(s, "event.....", Kind::kEvent);           // 7 records: the oldest flow goes
    EXPECT_EQ(s.counters().dropped.flow, 1u);
    for (int i = 0; i < 3; ++i) add(s, "event.....");  // flows go first, one at a time
    EXPECT_EQ(s.counters().dropped.flow, 3u);
    EXPECT_EQ(s.counters().dropped.event, 0u);
    EXPECT_EQ(s.depth(), 7u);           // events between the caps are kept
    add(s, "flow......", Kind::kFlow);  // the newest flow is kept, never dropped for itself
    EXPECT_EQ(s.depth(), 8u);
    for (int i = 0; i < 4; ++i) add(s, "event.....");
    // Past the hard cap: the flow went first, then the oldest event.
    EXPECT_EQ(s.counters().dropped.flow, 4u);
    EXPECT_EQ(s.counters().dropped.event, 1u);
    EXPECT_EQ(s.pending_bytes(), 10 * rec);
    auto batch = s.next_batch(100);
    ASSERT_TRUE(batch.ok());
    EXPECT_EQ(batch->front().seq, 2u);  // seq 1, the oldest event, was dropped
    for (const Record& r : *batch) EXPECT_EQ(r.kind, Kind::kEvent);
    depth = s.depth();
  }
  Spool again = open_ok(dir.path(), o);  // drops are durable: a restart keeps them dropped
  EXPECT_EQ(again.depth(), depth);
}

TEST(Spool, ASparseJournalHeldByOneOldRecordIsCompacted) {
  TempDir dir;
  Options o = fast_options();
  o.segment_bytes = 4096;
  {
    Spool s = open_ok(dir.path(), o);
    add(s, "stuck");  // the broker never acks this one
    const std::string big(900, 'k');
    for (int i = 0; i < 200; ++i) ASSERT_TRUE(s.ack(add(s, big)).ok());
    EXPECT_GT(s.counters().compactions, 0u);
    EXPECT_LT(s.disk_bytes(), 2 * s.pending_bytes() + 5 * o.segment_bytes);
    EXPECT_EQ(pending_texts(s), std::vector<std::string>{"stuck"});
  }
  Spool again = open_ok(dir.path(), o);
  EXPECT_EQ(pending_texts(again), std::vector<std::string>{"stuck"});
  EXPECT_EQ(again.next_seq(), 202u);
}

TEST(Spool, SyncPoliciesAllProduceTheSameJournal) {
  for (const Sync sync : {Sync::kEveryRecord, Sync::kEventsOnly, Sync::kNone}) {
    TempDir dir;
    Options o;
    o.sync = sync;
    o.sync_acks = sync == Sync::kEveryRecord;
    {
      Spool s = open_ok(dir.path(), o);
      add(s, "e");
      add(s, "f", Kind::kFlow);
      ASSERT_TRUE(s.ack(1).ok());
      ASSERT_TRUE(s.sync().ok());
    }
    Spool s = open_ok(dir.path(), o);
    EXPECT_EQ(pending_texts(s), std::vector<std::string>{"f"});
  }
}

}  // namespace
}  // namespace css::spool

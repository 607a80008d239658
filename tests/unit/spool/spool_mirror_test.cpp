// The mirror: a second directory written with every record. The primary lost or cut short
// is rebuilt from it; a mirror that fails is disabled, reported and, once stale, rebuilt from
// the primary instead of trusted.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "css/spool/record.hpp"
#include "spool_test_util.hpp"

namespace css::spool {
namespace {

using namespace css::spool::testing;

struct Dirs {
  TempDir root;
  fs::path primary = root / "sd";
  fs::path mirror = root / "usb";
  Dirs() { fs::create_directories(mirror); }
  Options options() const {
    Options o = fast_options();
    o.mirror_dir = mirror;
    return o;
  }
};

Spool open_ok(const fs::path& dir, const Options& o) {
  auto s = Spool::open(dir, o);
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  if (!s.ok()) std::abort();
  return std::move(*s);
}

void fill(const Dirs& d, int n) {
  Spool s = open_ok(d.primary, d.options());
  EXPECT_TRUE(s.mirror_active());
  for (int i = 1; i <= n; ++i)
    ASSERT_TRUE(s.append(Kind::kEvent, bytes_of("m" + std::to_string(i))).ok());
  ASSERT_TRUE(s.ack(2).ok());
}

TEST(SpoolMirror, ALostPrimaryIsRebuiltFromTheMirror) {
  Dirs d;
  fill(d, 5);
  fs::remove_all(d.primary);
  {
    Spool s = open_ok(d.primary, d.options());
    EXPECT_EQ(pending_texts(s), (std::vector<std::string>{"m1", "m3", "m4", "m5"}));
    EXPECT_EQ(s.next_seq(), 6u);
    EXPECT_EQ(s.counters().compactions, 1u);
  }
  Options alone = fast_options();  // the primary on its own now holds everything
  Spool s = open_ok(d.primary, alone);
  EXPECT_EQ(pending_texts(s), (std::vector<std::string>{"m1", "m3", "m4", "m5"}));
}

TEST(SpoolMirror, ATruncatedPrimaryIsCompletedFromTheMirror) {
  Dirs d;
  fill(d, 5);
  const fs::path seg = segments(d.primary).back();
  const std::vector<char> whole = slurp(seg);
  // Cut off the ack record, m5 and half of m4.
  const std::size_t cut = whole.size() - kRecordOverheadBytes - (kRecordOverheadBytes + 2) -
                          (kRecordOverheadBytes + 2) / 2;
  put(seg, std::vector<char>(whole.begin(), whole.begin() + static_cast<long>(cut)));
  {
    Spool s = open_ok(d.primary, d.options());
    EXPECT_EQ(pending_texts(s), (std::vector<std::string>{"m1", "m3", "m4", "m5"}));
    EXPECT_EQ(s.counters().torn_records, 1u);
    EXPECT_EQ(s.counters().compactions, 1u);
  }
  // Both copies were rewritten the same: the next open finds nothing to repair.
  Spool s = open_ok(d.primary, d.options());
  EXPECT_EQ(s.counters().compactions, 0u);
  EXPECT_EQ(slurp(segments(d.primary).back()), slurp(segments(d.mirror).back()));
}

TEST(SpoolMirror, AMissingMirrorIsNotCreatedAndIsReported) {
  Dirs d;
  Options o = d.options();
  o.mirror_dir = d.root / "not-mounted";
  Spool s = open_ok(d.primary, o);
  EXPECT_FALSE(s.mirror_active());
  EXPECT_NE(s.mirror_error().find("not-mounted"), std::string::npos) << s.mirror_error();
  EXPECT_FALSE(fs::exists(o.mirror_dir));
  EXPECT_EQ(s.counters().mirror_failures, 1u);
  ASSERT_TRUE(s.append(Kind::kEvent, bytes_of("still works")).ok());
}

TEST(SpoolMirror, AFailingMirrorIsDisabledAndItsStaleCopyIsNotTrusted) {
  Dirs d;
  Options o = d.options();
  o.segment_bytes = 4096;
  const fs::path snapshot = d.root / "snapshot";
  {
    Spool s = open_ok(d.primary, o);
    for (int i = 1; i <= 3; ++i) ASSERT_TRUE(s.append(Kind::kEvent, bytes_of("old")).ok());
    fs::copy(d.mirror, snapshot);  // the mirror as it was: 1..3 pending
    fs::rename(d.mirror, d.root / "unplugged");
    const std::string big(1000, 'b');
    for (int i = 0; i < 8 && s.mirror_active(); ++i) {
      ASSERT_TRUE(s.append(Kind::kEvent, bytes_of(big)).ok());  // the primary keeps working
    }
    EXPECT_FALSE(s.mirror_active());
    EXPECT_EQ(s.counters().mirror_failures, 1u);
    EXPECT_NE(s.mirror_error().find(d.mirror.string()), std::string::npos) << s.mirror_error();
    for (Seq q = 1; q <= 3; ++q) ASSERT_TRUE(s.ack(q).ok());
  }
  EXPECT_TRUE(fs::exists(d.primary / "MIRROR_STALE"));
  fs::copy(snapshot, d.mirror);  // plugged back in, holding what it had
  {
    Spool s = open_ok(d.primary, o);
    EXPECT_TRUE(s.mirror_active());
    auto batch = s.next_batch(100);
    ASSERT_TRUE(batch.ok());
    EXPECT_FALSE(batch->empty());
    for (const Record& r : *batch) EXPECT_GT(r.seq, 3u) << "acked record came back";
    EXPECT_FALSE(fs::exists(d.primary / "MIRROR_STALE"));
  }
  // Rebuilt from the primary: the mirror alone now gives the same records.
  Spool from_mirror = open_ok(d.mirror, fast_options());
  Spool from_primary = open_ok(d.primary, fast_options());
  EXPECT_EQ(pending_texts(from_mirror), pending_texts(from_primary));
  EXPECT_EQ(from_mirror.depth(), from_primary.depth());
}

TEST(SpoolMirror, ARecordRottenInThePrimaryIsReadFromTheMirror) {
  Dirs d;
  Spool s = open_ok(d.primary, d.options());
  ASSERT_TRUE(s.append(Kind::kEvent, bytes_of("intact")).ok());
  const fs::path seg = segments(d.primary).back();
  flip(seg, fs::file_size(seg) - 6, 0x40);  // inside "intact"
  EXPECT_EQ(pending_texts(s), std::vector<std::string>{"intact"});
  EXPECT_EQ(s.counters().corrupt_on_read, 0u);
}

}  // namespace
}  // namespace css::spool

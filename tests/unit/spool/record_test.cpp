// The record codec and the segment scanner on hand-made bytes: the CRC's published check
// value, round trips, every possible truncation and every possible flipped byte.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "css/spool/crc32c.hpp"
#include "css/spool/record.hpp"
#include "css/spool/segment_scan.hpp"
#include "spool_test_util.hpp"

namespace css::spool {
namespace {

using testing::bytes_of;
using testing::text_of;

std::vector<std::byte> three_records() {
  std::vector<std::byte> file;
  for (const auto& r : {encode_mark(1, 1), encode_record(RecordKind::kEvent, 0, 1, bytes_of("one")),
                        encode_record(RecordKind::kFlow, 0, 2, bytes_of("second record")),
                        encode_record(RecordKind::kEvent, 0, 3, bytes_of("three"))}) {
    file.insert(file.end(), r.begin(), r.end());
  }
  return file;
}

TEST(Crc32c, MatchesThePublishedCheckValue) {
  // RFC 3720 §B.4 / CRC RevEng "CRC-32/ISCSI": check = 0xE3069283.
  EXPECT_EQ(crc32c(bytes_of("123456789")), 0xE3069283u);
  // RFC 3720 §B.4 test vector: 32 bytes of zeros -> 0x8A9136AA.
  EXPECT_EQ(crc32c(std::vector<std::byte>(32, std::byte{0})), 0x8A9136AAu);
  EXPECT_EQ(crc32c(bytes_of("6789"), crc32c(bytes_of("12345"))), 0xE3069283u);
}

TEST(Record, RoundTripsAndLaysOutTheHeader) {
  const auto rec = encode_record(RecordKind::kStatus, 0, 0x0102030405060708ull, bytes_of("hi"));
  ASSERT_EQ(rec.size(), kRecordOverheadBytes + 2);
  EXPECT_EQ(text_of(std::span(rec).first(4)), "CSSR");
  EXPECT_EQ(rec[4], std::byte{2});   // payload length, little-endian
  EXPECT_EQ(rec[8], std::byte{3});   // kind
  EXPECT_EQ(rec[12], std::byte{8});  // seq, little-endian
  const Decoded d = decode_record(rec, 0);
  ASSERT_EQ(d.status, DecodeStatus::kOk);
  EXPECT_EQ(d.header.kind, RecordKind::kStatus);
  EXPECT_EQ(d.header.seq, 0x0102030405060708ull);
  EXPECT_EQ(d.size, rec.size());
  const auto mark = encode_mark(5, 9);
  EXPECT_EQ(mark_next_seq(std::span(mark).subspan(kHeaderBytes, 8)), 9u);
}

TEST(SegmentScan, ReadsEveryRecordOfACleanFile) {
  const auto file = three_records();
  const SegmentScan scan = scan_segment(file);
  ASSERT_EQ(scan.records.size(), 4u);
  EXPECT_EQ(scan.valid_end, file.size());
  EXPECT_EQ(scan.tail_bytes, 0u);
  EXPECT_EQ(scan.corrupt_regions, 0u);
  EXPECT_EQ(text_of(scan.records[2].payload(file)), "second record");
}

TEST(SegmentScan, ATruncationAtEveryOffsetIsATornTail) {
  const auto file = three_records();
  const std::size_t last = file.size() - (kRecordOverheadBytes + 5);
  for (std::size_t cut = last + 1; cut < file.size(); ++cut) {
    const std::span<const std::byte> head(file.data(), cut);
    const SegmentScan scan = scan_segment(head);
    ASSERT_EQ(scan.records.size(), 3u) << "cut at " << cut;
    EXPECT_EQ(scan.valid_end, last);
    EXPECT_EQ(scan.tail_bytes, cut - last);
    EXPECT_EQ(scan.corrupt_regions, 0u);
  }
}

TEST(SegmentScan, AFlippedByteInAMiddleRecordSkipsOnlyThatRecord) {
  const auto clean = three_records();
  const std::size_t start = kRecordOverheadBytes + 8 + kRecordOverheadBytes + 3;
  const std::size_t end = start + kRecordOverheadBytes + 13;
  for (std::size_t at = start; at < end; ++at) {
    for (const std::byte mask : {std::byte{0x01}, std::byte{0x80}, std::byte{0xFF}}) {
      auto file = clean;
      file[at] ^= mask;
      const SegmentScan scan = scan_segment(file);
      ASSERT_EQ(scan.records.size(), 3u) << "byte " << at;
      EXPECT_EQ(scan.records[1].header.seq, 1u);
      EXPECT_EQ(scan.records[2].header.seq, 3u) << "byte " << at;
      EXPECT_EQ(scan.corrupt_regions, 1u);
      EXPECT_EQ(scan.corrupt_bytes, end - start);
      EXPECT_EQ(scan.tail_bytes, 0u);
    }
  }
}

TEST(SegmentScan, GarbageGivesNoRecordAndNoCrash) {
  std::vector<std::byte> junk(4096);
  for (std::size_t i = 0; i < junk.size(); ++i) junk[i] = std::byte(i * 131 + 7);
  // A false magic with a huge length must not be believed.
  junk[100] = std::byte{'C'}, junk[101] = std::byte{'S'}, junk[102] = std::byte{'S'};
  junk[103] = std::byte{'R'};
  const SegmentScan scan = scan_segment(junk);
  EXPECT_TRUE(scan.records.empty());
  EXPECT_EQ(scan.tail_bytes, junk.size());
  EXPECT_TRUE(scan_segment({}).records.empty());
}

}  // namespace
}  // namespace css::spool

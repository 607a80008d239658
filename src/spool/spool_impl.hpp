// Spool::Impl: the in-memory index over the journal(s) (private to css::spool).
//
// live: every pending record's place (segment generation, offset, size) in the primary; the
// mirror, while active, holds the same bytes at the same places. seg_live counts the pending
// records per segment; a segment with none is deleted once every older one is (prefix
// deletion: recovery may then take every seq below the oldest segment's mark as released).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "css/spool/spool.hpp"
#include "journal.hpp"

namespace css::spool {

struct Loc {
  RecordKind kind = RecordKind::kEvent;
  std::uint64_t gen = 0;
  std::uint64_t offset = 0;
  std::uint32_t size = 0;
  std::uint8_t source = 0;  // 0: primary, 1: mirror (only while recovering)
};

inline constexpr std::size_t kMarkRecordBytes = kRecordOverheadBytes + 8;
inline constexpr const char* kMirrorStaleFile = "MIRROR_STALE";

struct Spool::Impl {
  Impl(Options options, Journal journal) : opt(std::move(options)), primary(std::move(journal)) {}

  Options opt;
  Journal primary;
  std::unique_ptr<Journal> mirror;  // null: none configured, or disabled
  std::string mirror_error;
  std::map<Seq, Loc> live;
  std::set<Seq> live_other;                         // pending flow + status seqs
  std::map<std::uint64_t, std::uint64_t> seg_live;  // gen -> pending records
  Seq next_seq = 1;
  std::uint64_t pending_bytes = 0;
  Counters counters;

  // Recovery and repair (spool_open.cpp).
  Status recover();
  Status compact();
  Result<std::vector<std::byte>> read_record(Seq seq, const Loc& loc, const Journal& from) const;

  // Writing (spool.cpp). `write` rolls the segment when needed and returns where `rec` went.
  Result<Loc> write(RecordKind kind, std::span<const std::byte> rec, bool sync);
  Status roll();
  void disable_mirror(const std::string& why);
  void add_live(Seq seq, const Loc& loc);
  Status release(Seq seq, ReleaseReason reason);
  void enforce_bounds(Seq keep);
  void collect_segments();
};

}  // namespace css::spool

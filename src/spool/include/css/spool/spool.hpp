// Spool: the store-and-forward journal between the detector and the MQTT publisher
// (issue 15 §6; docs/spool.md is the full specification).
//
// Contract:
//  - append() writes a checksummed record to the newest segment file of `dir` (and of the
//    mirror directory, if any) and returns its seq. With Sync::kEveryRecord (default) the
//    record has been fdatasync'ed when append() returns: it survives kill -9 and power loss.
//  - A record stays pending, and is returned by next_batch() in seq order, until ack(seq) is
//    called (the publisher does so on the broker's PUBACK; acks may come in any order, twice,
//    or for unknown seqs). Acks are written but not synced by default: after a power loss a
//    record whose ack was not yet durable is replayed once more (at-least-once, same payload).
//  - seq is per spool, starts at 1, and keeps increasing across restarts.
//  - Bounds on pending bytes (record size = payload + 28): past max_bytes the oldest flow and
//    status records are dropped; past hard_max_bytes the oldest events too. Every drop is
//    counted per kind. A record is never dropped to make room for itself.
//  - A failed write (full disk: ENOSPC, EFBIG) is returned as ErrorCode::kIo naming the file;
//    the partial record is cut off, the journal stays valid and nothing is lost. If the
//    process sets RLIMIT_FSIZE it must ignore SIGXFSZ for the error to reach the caller.
//  - open() recovers: a torn last record is truncated, corrupt records are skipped, both are
//    counted; it fails only when the directory cannot be used or holds segment files of
//    which not one record can be read (the error names the file).
//  - A mirror that fails is disabled and reported (mirror_error()); the primary keeps going.
// Not thread-safe: one owner (the publisher's thread) calls every method. One process per
// directory (a LOCK file is held with flock). No exceptions escape (std::bad_alloc aside).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "css/core/result.hpp"
#include "css/spool/record.hpp"

namespace css::spool {

enum class Kind : std::uint8_t {
  kEvent = static_cast<std::uint8_t>(RecordKind::kEvent),
  kFlow = static_cast<std::uint8_t>(RecordKind::kFlow),
  kStatus = static_cast<std::uint8_t>(RecordKind::kStatus),
};

enum class Sync {
  kEveryRecord,  // fdatasync every append (default): durable on return, ~1 sync per record
  kEventsOnly,   // fdatasync events; flows/status ride along with the next sync
  kNone,         // never sync on append (tests, tmpfs); kill -9 safe, power loss is not
};

struct Options {
  std::filesystem::path mirror_dir;            // empty: no mirror
  std::uint64_t segment_bytes = 1 << 20;       // a segment is rolled past this size
  std::uint64_t max_bytes = 16ull << 20;       // soft cap on pending bytes: flows go first
  std::uint64_t hard_max_bytes = 64ull << 20;  // hard cap: then the oldest events go
  Sync sync = Sync::kEveryRecord;
  bool sync_acks = false;  // fdatasync every ack (no replay of acked records after power loss)
};

struct PerKind {
  std::uint64_t event = 0;
  std::uint64_t flow = 0;
  std::uint64_t status = 0;
  std::uint64_t& operator[](Kind kind);
  std::uint64_t total() const { return event + flow + status; }
};

struct Counters {
  PerKind appended;                  // since open
  PerKind acked;                     // since open
  PerKind dropped;                   // since open, by the bounds policy
  std::uint64_t duplicate_acks = 0;  // acks of seqs not pending (already acked, unknown)
  std::uint64_t torn_records = 0;    // torn tails truncated at open (primary + mirror)
  std::uint64_t torn_bytes = 0;
  std::uint64_t corrupt_regions = 0;  // corrupt runs of bytes skipped at open
  std::uint64_t corrupt_bytes = 0;
  std::uint64_t corrupt_on_read = 0;  // records that failed their CRC in next_batch()
  std::uint64_t write_errors = 0;     // appends/acks that returned an error
  std::uint64_t mirror_failures = 0;
  std::uint64_t segments_deleted = 0;
  std::uint64_t compactions = 0;  // journal rewrites (repair at open, sparse journal)
};

struct Record {
  Seq seq = 0;
  Kind kind = Kind::kEvent;
  std::vector<std::byte> payload;
};

class Spool {
 public:
  // Opens or creates the spool in `dir` (and `options.mirror_dir`) and recovers it.
  static Result<Spool> open(const std::filesystem::path& dir, Options options = {});

  Spool(Spool&&) noexcept;
  Spool& operator=(Spool&&) noexcept;
  ~Spool();

  // The seq the next append() will return (to put in the Event JSON before appending).
  Seq next_seq() const;
  // kInvalidArgument if the payload exceeds kMaxPayloadBytes or hard_max_bytes.
  Result<Seq> append(Kind kind, std::span<const std::byte> payload);
  // Releases `seq`: it will not be returned again, here or after a restart.
  Status ack(Seq seq);
  // Up to `max_records` pending records with seq > `after`, in seq order, payloads read back
  // and checked (a record that fails its CRC in both copies is released and counted).
  Result<std::vector<Record>> next_batch(std::size_t max_records, Seq after = 0);
  // Makes every write so far durable (acks and flows included).
  Status sync();

  std::size_t depth() const;            // pending records
  std::uint64_t pending_bytes() const;  // what the bounds count
  std::uint64_t disk_bytes() const;     // segment files of the primary
  const Counters& counters() const;
  bool mirror_active() const;
  const std::string& mirror_error() const;  // why the mirror was disabled; empty if it was not

  struct Impl;

 private:
  explicit Spool(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace css::spool

// One spool record, byte by byte (docs/spool.md has the table). All integers little-endian.
//
//   off  size  field
//   0    4     magic 0x52535343 ("CSSR" in file order)
//   4    4     payload length in bytes, <= kMaxPayloadBytes
//   8    1     kind (RecordKind)
//   9    1     flags: release reason for kRelease records, 0 otherwise
//   10   2     reserved, 0
//   12   8     seq: the record's sequence number (kRelease: the seq released; kMark: floor)
//   20   4     header CRC-32C over bytes [0, 20)
//   24   n     payload
//   24+n 4     record CRC-32C over bytes [0, 24 + n) (header, header CRC and payload)
//
// The header CRC lets recovery reject a false magic in 20 bytes instead of a whole payload;
// the record CRC, written last, catches a record torn by a crash or power loss.
// decode_record never reads outside the span it is given and never throws.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace css::spool {

using Seq = std::uint64_t;

enum class RecordKind : std::uint8_t {
  kEvent = 1,     // a detection (Event JSON); dropped only past the hard cap
  kFlow = 2,      // a per-minute flow summary; dropped first when over the soft cap
  kStatus = 3,    // a status/heartbeat message; treated like a flow summary by the bounds
  kMark = 16,     // first record of every segment: seq = floor, payload = next seq (u64)
  kRelease = 17,  // seq is released (flags: ReleaseReason); no payload
};

enum class ReleaseReason : std::uint8_t {
  kAcked = 0,    // the broker's PUBACK arrived
  kDropped = 1,  // removed by the bounds policy
  kCorrupt = 2,  // its bytes failed the CRC when read back
};

inline constexpr std::uint32_t kRecordMagic = 0x52535343u;
inline constexpr std::size_t kHeaderBytes = 24;
inline constexpr std::size_t kTrailerBytes = 4;
inline constexpr std::size_t kRecordOverheadBytes = kHeaderBytes + kTrailerBytes;
// Events are <= 4 KiB (core kMaxEventJsonBytes); the cap bounds a resync after a bad length.
inline constexpr std::size_t kMaxPayloadBytes = 64 * 1024;

struct RecordHeader {
  RecordKind kind = RecordKind::kEvent;
  std::uint8_t flags = 0;
  Seq seq = 0;
  std::uint32_t payload_bytes = 0;
};

bool is_data_kind(RecordKind kind);  // kEvent, kFlow or kStatus
bool is_known_kind(std::uint8_t kind);

// The full record (header, payload, trailer) ready to append.
std::vector<std::byte> encode_record(RecordKind kind, std::uint8_t flags, Seq seq,
                                     std::span<const std::byte> payload);
std::vector<std::byte> encode_mark(Seq floor, Seq next_seq);
std::vector<std::byte> encode_release(Seq seq, ReleaseReason reason);

enum class DecodeStatus {
  kOk,         // a whole, valid record starts here
  kTruncated,  // a valid header whose record runs past the end of the bytes
  kBad,        // not a record: short header, wrong magic, a CRC, a reserved field or the kind
};

struct Decoded {
  DecodeStatus status = DecodeStatus::kBad;
  RecordHeader header;
  std::size_t size = 0;  // whole record, when kOk
};

// Decodes the record starting at bytes[offset].
Decoded decode_record(std::span<const std::byte> bytes, std::size_t offset);

// Payload of a kMark record (its next seq), or nullopt if it is not 8 bytes.
std::optional<Seq> mark_next_seq(std::span<const std::byte> payload);

}  // namespace css::spool

#include "css/spool/record.hpp"

#include "css/spool/crc32c.hpp"

namespace css::spool {

namespace {

void put_le(std::vector<std::byte>& out, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<std::byte>((v >> (8 * i)) & 0xFFu));
}

std::uint64_t get_le(std::span<const std::byte> in, std::size_t at, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) {
    v |= static_cast<std::uint64_t>(in[at + static_cast<std::size_t>(i)]) << (8 * i);
  }
  return v;
}

}  // namespace

bool is_data_kind(RecordKind kind) {
  return kind == RecordKind::kEvent || kind == RecordKind::kFlow || kind == RecordKind::kStatus;
}

bool is_known_kind(std::uint8_t kind) {
  return is_data_kind(static_cast<RecordKind>(kind)) ||
         kind == static_cast<std::uint8_t>(RecordKind::kMark) ||
         kind == static_cast<std::uint8_t>(RecordKind::kRelease);
}

std::vector<std::byte> encode_record(RecordKind kind, std::uint8_t flags, Seq seq,
                                     std::span<const std::byte> payload) {
  std::vector<std::byte> out;
  out.reserve(kRecordOverheadBytes + payload.size());
  put_le(out, kRecordMagic, 4);
  put_le(out, payload.size(), 4);
  put_le(out, static_cast<std::uint8_t>(kind), 1);
  put_le(out, flags, 1);
  put_le(out, 0, 2);
  put_le(out, seq, 8);
  put_le(out, crc32c(out), 4);
  out.insert(out.end(), payload.begin(), payload.end());
  put_le(out, crc32c(out), 4);
  return out;
}

std::vector<std::byte> encode_mark(Seq floor, Seq next_seq) {
  std::vector<std::byte> payload;
  put_le(payload, next_seq, 8);
  return encode_record(RecordKind::kMark, 0, floor, payload);
}

std::vector<std::byte> encode_release(Seq seq, ReleaseReason reason) {
  return encode_record(RecordKind::kRelease, static_cast<std::uint8_t>(reason), seq, {});
}

Decoded decode_record(std::span<const std::byte> bytes, std::size_t offset) {
  Decoded d;
  if (offset > bytes.size() || bytes.size() - offset < kHeaderBytes) return d;
  const auto rec = bytes.subspan(offset);
  if (get_le(rec, 0, 4) != kRecordMagic) return d;
  if (crc32c(rec.first(20)) != get_le(rec, 20, 4)) return d;
  const std::uint64_t length = get_le(rec, 4, 4);
  const auto kind = static_cast<std::uint8_t>(get_le(rec, 8, 1));
  const auto flags = static_cast<std::uint8_t>(get_le(rec, 9, 1));
  if (length > kMaxPayloadBytes || get_le(rec, 10, 2) != 0 || !is_known_kind(kind)) return d;
  if (kind != static_cast<std::uint8_t>(RecordKind::kRelease) && flags != 0) return d;
  d.header = {static_cast<RecordKind>(kind), flags, get_le(rec, 12, 8),
              static_cast<std::uint32_t>(length)};
  const std::size_t size = kRecordOverheadBytes + static_cast<std::size_t>(length);
  if (rec.size() < size) {
    d.status = DecodeStatus::kTruncated;
    return d;
  }
  if (crc32c(rec.first(size - kTrailerBytes)) != get_le(rec, size - kTrailerBytes, 4)) return d;
  d.status = DecodeStatus::kOk;
  d.size = size;
  return d;
}

std::optional<Seq> mark_next_seq(std::span<const std::byte> payload) {
  if (payload.size() != 8) return std::nullopt;
  return get_le(payload, 0, 8);
}

}  // namespace css::spool

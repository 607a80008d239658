#include "css/spool/segment_scan.hpp"

namespace css::spool {

namespace {

// First offset >= from where a whole valid record starts, or file.size() if none.
std::size_t next_valid(std::span<const std::byte> file, std::size_t from) {
  for (std::size_t at = from; at + kRecordOverheadBytes <= file.size(); ++at) {
    // Cheap filter on the magic's first byte before the header CRC.
    if (file[at] != static_cast<std::byte>(kRecordMagic & 0xFFu)) continue;
    if (decode_record(file, at).status == DecodeStatus::kOk) return at;
  }
  return file.size();
}

}  // namespace

SegmentScan scan_segment(std::span<const std::byte> file) {
  SegmentScan scan;
  std::size_t at = 0;
  while (at < file.size()) {  // every pass advances `at` by at least one byte
    const Decoded d = decode_record(file, at);
    if (d.status == DecodeStatus::kOk) {
      scan.records.push_back({d.header, at, d.size});
      at += d.size;
      scan.valid_end = at;
      continue;
    }
    const std::size_t next = next_valid(file, at + 1);
    if (next >= file.size()) {
      scan.tail_bytes = file.size() - at;
      break;
    }
    ++scan.corrupt_regions;
    scan.corrupt_bytes += next - at;
    at = next;
  }
  return scan;
}

}  // namespace css::spool

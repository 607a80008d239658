// Recovery's parser: the valid records in the bytes of one segment file, and what was not.
//
// Rules (docs/spool.md "Recovery"):
//  - records are read front to back; at a byte that does not start a valid record, the scan
//    looks for the next offset that does (magic, header CRC, record CRC all good);
//  - bad bytes followed by a valid record are a corrupt region: skipped and counted;
//  - bad bytes with no valid record after them are the tail: a record torn by a crash
//    (`valid_end` is where the file should be truncated).
// Any byte sequence gives a result; nothing is allocated per bad byte. The scan is linear in
// the input: a candidate offset costs at most a 20-byte header CRC unless that CRC matches.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "css/spool/record.hpp"

namespace css::spool {

struct ScannedRecord {
  RecordHeader header;
  std::size_t offset = 0;  // of the record in the file
  std::size_t size = 0;    // whole record
  std::span<const std::byte> payload(std::span<const std::byte> file) const {
    return file.subspan(offset + kHeaderBytes, header.payload_bytes);
  }
};

struct SegmentScan {
  std::vector<ScannedRecord> records;  // valid records, in file order
  std::size_t valid_end = 0;           // end of the last valid record (0 if none)
  std::size_t tail_bytes = 0;          // bytes after valid_end (a torn record)
  std::size_t corrupt_regions = 0;     // runs of bad bytes followed by a valid record
  std::size_t corrupt_bytes = 0;
};

SegmentScan scan_segment(std::span<const std::byte> file);

}  // namespace css::spool

// CRC-32C (Castagnoli), the checksum of every spool record.
//
// Parameters (the "CRC-32/ISCSI" entry of the CRC RevEng catalogue; RFC 3720 §B.4):
// polynomial 0x1EDC6F41 (bit-reflected form 0x82F63B78), initial value 0xFFFFFFFF, input and
// output reflected, final XOR 0xFFFFFFFF; check value crc32c("123456789") = 0xE3069283.
// Chosen over CRC-32 (IEEE) for its better Hamming distance at the record sizes we write
// (Castagnoli 1993) and because ext4, btrfs and iSCSI use it for the same job.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace css::spool {

// CRC of `bytes`, continuing from a previous result `crc` (0 to start), so that
// crc32c(b, crc32c(a)) == crc32c(a + b).
std::uint32_t crc32c(std::span<const std::byte> bytes, std::uint32_t crc = 0);

}  // namespace css::spool

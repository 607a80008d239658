// Private to src/train: the CRC-32 check of a plain LibTorch zip (a checkpoint or eval.pt
// written before the SHA-256 trailer existed, see checkpoint.hpp). LibTorch reads such a zip
// without checking its CRCs, so a flipped byte in a tensor would load as a different model;
// this walks the central directory and checks every entry's stored CRC-32 over its bytes.
//
// Contract: `zip` is the whole file. Returns "" when every entry lies inside the file and
// every stored (uncompressed) member, which is every tensor, matches its CRC-32; else what is
// wrong ("entry 'archive/data/0': CRC mismatch", "central directory outside the file", ...).
// Deflated members are only bounds-checked. ZIP64 archives (> 4 GiB) are not verifiable here
// and are refused. Torch-free.
#pragma once

#include <cstddef>
#include <span>
#include <string>

namespace css::train {

std::string zip_crc_problem(std::span<const std::byte> zip);

}  // namespace css::train

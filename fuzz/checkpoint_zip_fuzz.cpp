// libFuzzer target for css::train::zip_crc_problem, the CRC walk over a plain LibTorch zip
// (a checkpoint without our SHA-256 trailer, src/train/zip_check.hpp). Built from its source
// alone: css_train needs LibTorch, which the sanitizer tree does not build. Any bytes give ""
// or a reason (never a crash, never a read outside the input).
#include <cstddef>
#include <cstdint>
#include <span>

#include "zip_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)css::train::zip_crc_problem(std::as_bytes(std::span<const std::uint8_t>(data, size)));
  return 0;
}

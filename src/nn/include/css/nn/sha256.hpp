// SHA-256 (FIPS 180-4). Self-contained so the engine stays a leaf; used to checksum the .csm
// payload. Incremental: init via constructor, update() any number of times, then final().
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace css::nn {

class Sha256 {
 public:
  using Digest = std::array<std::uint8_t, 32>;
  Sha256();
  void update(std::span<const std::uint8_t> data);
  Digest final();  // the object must not be updated afterwards
  static Digest hash(std::span<const std::uint8_t> data);

 private:
  void compress(const std::uint8_t* block);
  std::array<std::uint32_t, 8> h_;
  std::array<std::uint8_t, 64> buf_{};
  std::size_t buf_len_ = 0;
  std::uint64_t total_bytes_ = 0;
};

}  // namespace css::nn

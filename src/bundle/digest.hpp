// SHA-256 for the bundle checks (OpenSSL EVP, private to css_bundle).
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "css/core/result.hpp"

namespace css::bundle {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(std::span<const std::byte> bytes);
  std::string hex();  // lowercase; ends the digest

 private:
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
};

std::string sha256_hex(std::span<const std::byte> bytes);
// The file streamed in 1 MiB blocks; kNotFound / kIo naming it.
Result<std::string> sha256_file(const std::filesystem::path& path);

}  // namespace css::bundle

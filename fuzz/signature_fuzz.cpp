// Arbitrary bytes as a signature file and as a PEM public key (css::signing::verify_bytes):
// the first byte splits the input; a valid key from the seed corpus lets the fuzzer reach
// the signature check itself. Nothing may crash and nothing may verify by accident.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "css/signing/ed25519.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::size_t split = std::min<std::size_t>(data[0], size - 1);
  const auto* bytes = reinterpret_cast<const std::byte*>(data + 1);
  const std::span<const std::byte> sig(bytes, split);
  const std::string_view pem(reinterpret_cast<const char*>(data + 1 + split), size - 1 - split);
  static const char kMessage[] = "citysafe fuzz message";
  const auto msg = std::as_bytes(std::span(kMessage));
  (void)css::signing::verify_bytes(msg, sig, pem);
  return 0;
}

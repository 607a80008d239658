// Arbitrary bytes as a release bundle (css::bundle::check_bytes): the gzip + tar reader, every
// entry rule, then the signature, SHA256SUMS and VERSION checks under the RFC 8032 test key
// that signed the seeds. Nothing may crash, hang or allocate without bound.
#include <cstddef>
#include <cstdint>
#include <span>

#include "css/bundle/bundle.hpp"
#include "rfc8032_key.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto bytes = std::as_bytes(std::span(data, size));
  (void)css::bundle::check_bytes(bytes, css::fuzz::kRfc8032PublicPem);
  return 0;
}

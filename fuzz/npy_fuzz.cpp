// libFuzzer target for css::data::parse_npy: any bytes give an array or an
// Error with a message, never a crash; whatever parses re-serialises to a file
// that parses to the same array.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "css/data/npy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  auto array = css::data::parse_npy(bytes);
  if (!array.ok()) {
    if (array.error().message.empty()) std::abort();
    return 0;
  }
  auto again_bytes = css::data::serialize_npy(*array);
  if (!again_bytes.ok()) std::abort();
  auto again = css::data::parse_npy(*again_bytes);
  if (!again.ok() || again->dtype != array->dtype || again->shape != array->shape ||
      again->data != array->data)
    std::abort();
  return 0;
}

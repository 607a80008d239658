// libFuzzer target for css::event_from_json: any bytes must give a value or an
// Error, never a crash, and whatever decodes must re-encode to an equal event.
// Built by the "fuzz" preset (fuzz/CMakeLists.txt).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "css/core/event.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto event = css::event_from_json(text);
  if (!event.ok()) {
    if (event.error().message.empty()) std::abort();
    return 0;
  }
  auto again = css::event_from_json(css::to_json(*event));
  if (!again.ok() || !(*again == *event)) std::abort();
  return 0;
}

// libFuzzer target for css::node::parse_frame_line (the `citysafe edge --source stdin` CSV):
// any bytes give a frame or an Error, never a crash; a parsed frame formats to a line that
// parses back to the same text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "css/node/source.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto frame = css::node::parse_frame_line(text);
  if (!frame.ok()) {
    if (frame.error().message.empty()) std::abort();
    return 0;
  }
  const std::string line = css::node::format_frame_line(*frame);
  auto again = css::node::parse_frame_line(line);
  if (!again.ok() || css::node::format_frame_line(*again) != line) std::abort();
  return 0;
}

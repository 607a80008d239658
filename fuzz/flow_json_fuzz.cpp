// libFuzzer target for css::flow_from_json (the flow codec in core, which edge nodes and the
// server share): any bytes give a FlowSummary or an Error (never a crash), and whatever
// decodes re-encodes to an equal summary.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "css/core/flow.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto flow = css::flow_from_json(text);
  if (!flow.ok()) {
    if (flow.error().message.empty()) std::abort();
    return 0;
  }
  auto again = css::flow_from_json(css::to_json(*flow));
  if (!again.ok() || !(*again == *flow)) std::abort();
  return 0;
}

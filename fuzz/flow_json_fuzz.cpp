// libFuzzer target for css::node::flow_from_json: any bytes give a FlowSummary or an Error
// (never a crash), and whatever decodes re-encodes to an equal summary.
// Built by the "fuzz" preset from the codec's source alone (css_node needs libmosquitto).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "css/node/flows.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto flow = css::node::flow_from_json(text);
  if (!flow.ok()) {
    if (flow.error().message.empty()) std::abort();
    return 0;
  }
  auto again = css::node::flow_from_json(css::node::to_json(*flow));
  if (!again.ok() || !(*again == *flow)) std::abort();
  return 0;
}

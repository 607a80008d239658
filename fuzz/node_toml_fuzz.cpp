// libFuzzer target for css::power::parse_node_config: any bytes give a NodeConfig or an Error
// with a message, never a crash; whatever parses yields a finite budget.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "css/power/budget.hpp"
#include "css/power/node_config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto node = css::power::parse_node_config(text, "fuzz.toml");
  if (!node.ok()) {
    if (node.error().message.empty()) std::abort();
    return 0;
  }
  const auto b = css::power::compute_budget(*node);
  if (!std::isfinite(b.plan_mah) || b.pack.parallel < 1) std::abort();
  (void)css::power::format_budget(*node, b);
  return 0;
}

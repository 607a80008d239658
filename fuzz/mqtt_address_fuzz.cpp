// libFuzzer target for css::mqtt::parse_broker_address / parse_broker_list (broker lists come
// from config files and flags): any bytes give addresses or an Error with a message, never a
// crash, and every parsed address prints back to text that parses to the same address.
// Built by the "fuzz" preset from the parser's source alone (no libmosquitto).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "css/mqtt/broker_address.hpp"

namespace {

void check_round_trip(const css::mqtt::BrokerAddress& a) {
  if (a.host.empty() || a.port == 0) std::abort();
  auto again = css::mqtt::parse_broker_address(a.to_string());
  if (!again.ok() || !(*again == a)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto one = css::mqtt::parse_broker_address(text);
  if (one.ok()) {
    check_round_trip(*one);
  } else if (one.error().message.empty()) {
    std::abort();
  }
  auto list = css::mqtt::parse_broker_list(text);
  if (list.ok()) {
    if (list->empty()) std::abort();
    for (const auto& a : *list) check_round_trip(a);
  } else if (list.error().message.empty()) {
    std::abort();
  }
  return 0;
}

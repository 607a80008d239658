// Arbitrary bytes as an API query string and bearer token: percent-decoding, the parameter
// checks every /api/v1 route runs (names, repeats, UTF-8, lengths, numbers, ranges, enums)
// and token verification. Nothing may crash, leak or read out of bounds.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "../src/api/impl.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::vector<css::api::Param> params = {
      {"from", "number", "", {}, 0.0, 4102444800.0, 32},
      {"limit", "integer", "", {}, 1.0, 1000.0, 8},
      {"type", "string", "", {"sudden_displacement", "forced_displacement"}, {}, {}, 64},
      {"device", "string", "", {}, {}, {}, 64},
  };
  static const css::api::TokenSet tokens;
  css::http::Request req;
  req.query.assign(reinterpret_cast<const char*>(data), size);
  (void)css::http::parse_query(req.query);
  (void)css::api::check_query(req, params);
  (void)tokens.verify(req.query);
  return 0;
}

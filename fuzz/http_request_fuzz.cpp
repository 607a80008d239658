// Arbitrary bytes as an HTTP request: Beast's parser with the server's limits, then the
// conversion to css::http::Request and the router's dispatch (404/405/handler). Nothing may
// crash, leak or read out of bounds.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "../src/http/request_convert.hpp"
#include "css/http/client.hpp"
#include "css/http/router.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const css::http::Router router = [] {
    css::http::Router r;
    r.add({css::http::Method::kGet, "/health", "h", "application/json",
           [](const css::http::Request& q) { return css::http::Response::json(200, q.query); }});
    r.add({css::http::Method::kPost, "/echo", "e", "application/json",
           [](const css::http::Request& q) { return css::http::Response::json(200, q.body); }});
    return r;
  }();
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  auto req = css::http::detail::parse_request(raw, 8 * 1024, 64 * 1024);
  if (req) {
    (void)css::http::detail::to_beast(router.dispatch(*req), false, true);
  }
  (void)css::http::parse_url(raw);
  return 0;
}

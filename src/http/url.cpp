// "http://HOST[:PORT][/PATH]" -> Url and "HOST:PORT" -> ServerOptions. Bytes from a command
// line: every branch bounded, no throw.
#include <charconv>

#include "css/http/client.hpp"
#include "css/http/server.hpp"

namespace css::http {

Result<Url> parse_url(std::string_view url) {
  const auto bad = [&](const std::string& why) {
    return make_error(ErrorCode::kInvalidArgument, "URL '" + std::string(url) + "': " + why +
                                                       " (expected http://HOST[:PORT][/PATH])");
  };
  constexpr std::string_view kScheme = "http://";
  if (url.substr(0, kScheme.size()) != kScheme) return bad("only http:// is supported");
  std::string_view rest = url.substr(kScheme.size());
  const std::size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  Url out;
  if (slash != std::string_view::npos) out.target = std::string(rest.substr(slash));
  if (authority.find('@') != std::string_view::npos) return bad("user info is not supported");
  std::string_view host = authority;
  if (const std::size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    const std::string_view port = authority.substr(colon + 1);
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || ec != std::errc{} || end != port.data() + port.size() || value == 0 ||
        value > 65535)
      return bad("port '" + std::string(port) + "' is not 1..65535");
    out.port = static_cast<std::uint16_t>(value);
  }
  if (host.empty()) return bad("no host");
  for (char c : host)
    if (static_cast<unsigned char>(c) <= 0x20 || c == '/' || c == '?' || c == '#')
      return bad("bad character in host");
  for (char c : out.target)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return bad("bad character in path");
  out.host = std::string(host);
  return out;
}

Result<ServerOptions> listen_options(std::string_view listen, std::string_view flag,
                                     std::string_view example) {
  const auto colon = listen.rfind(':');
  unsigned port = 0;
  const char* end = listen.data() + listen.size();
  const auto parsed = colon == std::string_view::npos
                          ? std::from_chars_result{listen.data(), std::errc::invalid_argument}
                          : std::from_chars(listen.data() + colon + 1, end, port);
  if (colon == 0 || parsed.ec != std::errc{} || parsed.ptr != end || port > 65535)
    return make_error(ErrorCode::kInvalidArgument,
                      std::string(flag) + ": expected HOST:PORT (e.g. " + std::string(example) +
                          "; port 0 = any free port), got '" + std::string(listen) + "'");
  ServerOptions o;
  o.address = std::string(listen.substr(0, colon));
  o.port = static_cast<std::uint16_t>(port);
  return o;
}

}  // namespace css::http

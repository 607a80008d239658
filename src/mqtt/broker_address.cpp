#include "css/mqtt/broker_address.hpp"

#include <cctype>

namespace css::mqtt {
namespace {

constexpr std::size_t kMaxHostChars = 253;  // RFC 1035 2.3.4: a name is at most 253 characters
constexpr std::size_t kMaxV6Chars = 45;     // longest IPv6 text form (v4-mapped)

// Quotes input for error messages: printable ASCII kept, everything else as \xNN, capped.
std::string quote(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "'";
  for (std::size_t i = 0; i < text.size() && i < 80; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  if (text.size() > 80) out += "...";
  return out + "'";
}

Error bad(std::string_view text, const std::string& why) {
  return make_error(ErrorCode::kInvalidArgument, "broker address " + quote(text) + ": " + why);
}

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '-' || c == '_';
}

bool is_v6_char(char c) {
  return std::isxdigit(static_cast<unsigned char>(c)) != 0 || c == ':' || c == '.';
}

Result<std::uint16_t> parse_port(std::string_view full, std::string_view digits) {
  if (digits.empty() || digits.size() > 5) return bad(full, "expected a port number 1-65535");
  unsigned value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return bad(full, "expected a port number 1-65535");
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value < 1 || value > 65535) return bad(full, "port must be 1-65535");
  return static_cast<std::uint16_t>(value);
}

Result<BrokerAddress> parse_bracketed(std::string_view text) {
  const auto close = text.find(']');
  if (close == std::string_view::npos) return bad(text, "missing ']' after the IPv6 address");
  const std::string_view host = text.substr(1, close - 1);
  if (host.empty() || host.size() > kMaxV6Chars) return bad(text, "expected an IPv6 address");
  for (char c : host) {
    if (!is_v6_char(c)) return bad(text, "expected an IPv6 address inside [ ]");
  }
  BrokerAddress out{std::string(host), kDefaultTlsPort};
  const std::string_view rest = text.substr(close + 1);
  if (rest.empty()) return out;
  if (rest.front() != ':') return bad(text, "expected ':PORT' after ']'");
  auto port = parse_port(text, rest.substr(1));
  if (!port) return port.error();
  out.port = *port;
  return out;
}

}  // namespace

std::string BrokerAddress::to_string() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Result<BrokerAddress> parse_broker_address(std::string_view text) {
  if (text.empty()) return bad(text, "empty; expected HOST[:PORT]");
  if (text.front() == '[') return parse_bracketed(text);
  const auto colon = text.find(':');
  if (colon != std::string_view::npos && text.find(':', colon + 1) != std::string_view::npos) {
    return bad(text, "an IPv6 address needs brackets: [ADDR]:PORT");
  }
  const std::string_view host = text.substr(0, colon);
  if (host.empty() || host.size() > kMaxHostChars) {
    return bad(text, "expected a host name of 1-253 characters");
  }
  for (char c : host) {
    if (!is_name_char(c)) return bad(text, "host may hold only A-Z a-z 0-9 . - _");
  }
  BrokerAddress out{std::string(host), kDefaultTlsPort};
  if (colon == std::string_view::npos) return out;
  auto port = parse_port(text, text.substr(colon + 1));
  if (!port) return port.error();
  out.port = *port;
  return out;
}

Result<std::vector<BrokerAddress>> parse_broker_list(std::string_view text) {
  std::vector<BrokerAddress> out;
  std::size_t start = 0;
  while (start <= text.size()) {  // each pass consumes one entry and its comma
    auto end = text.find(',', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view item = text.substr(start, end - start);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    auto one = parse_broker_address(item);
    if (!one) return one.error();
    out.push_back(std::move(*one));
    start = end + 1;
  }
  return out;
}

}  // namespace css::mqtt

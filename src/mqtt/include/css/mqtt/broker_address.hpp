// Broker addresses for the MQTT client: "host[:port]", "[v6addr]:port", and comma-separated
// lists of them in failover order ("a.example:8883,b.example:8883").
//
// Contract: parsing is pure and total: any byte sequence gives either a BrokerAddress or an
// Error{kInvalidArgument} whose message quotes the input and says what was expected; nothing
// throws. The port defaults to 8883 (MQTT over TLS, IANA "secure-mqtt").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "css/core/result.hpp"

namespace css::mqtt {

inline constexpr std::uint16_t kDefaultTlsPort = 8883;

struct BrokerAddress {
  std::string host;  // DNS name, IPv4 or IPv6 literal (without brackets)
  std::uint16_t port = kDefaultTlsPort;

  std::string to_string() const;  // "host:port", "[v6]:port"
  bool operator==(const BrokerAddress&) const = default;
};

// One address. Host: 1-253 characters of A-Z a-z 0-9 . - _ (a name or IPv4) or an IPv6
// literal in brackets; port 1-65535.
Result<BrokerAddress> parse_broker_address(std::string_view text);

// A comma-separated, non-empty list; blanks around entries are ignored.
Result<std::vector<BrokerAddress>> parse_broker_list(std::string_view text);

}  // namespace css::mqtt

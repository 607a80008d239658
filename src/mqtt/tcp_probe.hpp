// Private: a bounded TCP reachability check. libmosquitto's connect is a blocking connect(2)
// with no timeout of its own (an unreachable host can hold it for the kernel's ~2 min of SYN
// retries), so each attempt first checks, within timeout_ms, that the broker answers; only
// then does libmosquitto connect. The probe closes its socket at once (the broker logs one
// short connection per attempt).
#pragma once

#include <cstdint>

#include "css/mqtt/client.hpp"

namespace css::mqtt::detail {

// kNone when host:port accepted a TCP connection within timeout_ms; otherwise kDns, kRefused
// or kUnreachable with a message naming the broker.
ConnectionError tcp_probe(const BrokerAddress& broker, std::uint32_t timeout_ms);

}  // namespace css::mqtt::detail

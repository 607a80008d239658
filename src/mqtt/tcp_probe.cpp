#include "tcp_probe.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <string>

namespace css::mqtt::detail {
namespace {

using Clock = std::chrono::steady_clock;

struct AddrInfoFree {
  void operator()(addrinfo* p) const { freeaddrinfo(p); }
};

// One non-blocking connect, waited for until `deadline`. Returns 0 or an errno value.
int try_connect(const addrinfo& ai, Clock::time_point deadline) {
  const int fd =
      ::socket(ai.ai_family, ai.ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai.ai_protocol);
  if (fd < 0) return errno;
  int err = 0;
  if (::connect(fd, ai.ai_addr, ai.ai_addrlen) != 0) {
    err = errno;
    if (err == EINPROGRESS) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      pollfd pfd{fd, POLLOUT, 0};
      const int n = ::poll(&pfd, 1, static_cast<int>(std::max<long long>(left.count(), 0)));
      socklen_t len = sizeof(err);
      if (n == 0) {
        err = ETIMEDOUT;
      } else if (n < 0 || ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) {
        err = errno;
      }
    }
  }
  ::close(fd);
  return err;
}

}  // namespace

ConnectionError tcp_probe(const BrokerAddress& broker, std::uint32_t timeout_ms) {
  const std::string name = broker.to_string();
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* raw = nullptr;
  const std::string port = std::to_string(broker.port);
  if (const int rc = ::getaddrinfo(broker.host.c_str(), port.c_str(), &hints, &raw); rc != 0) {
    return {Failure::kDns,
            "broker " + name + ": cannot resolve '" + broker.host + "': " + gai_strerror(rc)};
  }
  const std::unique_ptr<addrinfo, AddrInfoFree> list(raw);
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  int err = ETIMEDOUT;
  for (const addrinfo* ai = list.get(); ai != nullptr; ai = ai->ai_next) {
    err = try_connect(*ai, deadline);
    if (err == 0) return {};
    if (Clock::now() >= deadline) break;
  }
  if (err == ECONNREFUSED) {
    return {Failure::kRefused, "broker " + name + ": connection refused (is the broker running " +
                                   "and listening on port " + port + "?)"};
  }
  if (err == ETIMEDOUT) {
    return {Failure::kUnreachable,
            "broker " + name + ": no TCP answer within " + std::to_string(timeout_ms) + " ms"};
  }
  return {Failure::kUnreachable, "broker " + name + ": " + std::strerror(err)};
}

}  // namespace css::mqtt::detail

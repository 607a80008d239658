// Test support shared by the real-server fixtures (Mosquitto, RabbitMQ): waiting for a child
// process with a bound, and probing a loopback port. Header-only so every fixture's test
// binary gets it without another library.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <thread>

namespace css::testing {

// Waits up to timeout_ms for our child pid; its wait status, or -1 while it still runs.
inline int wait_bounded(pid_t pid, int timeout_ms) {
  constexpr int kStepMs = 10;
  for (int waited = 0;; waited += kStepMs) {  // bounded by timeout_ms
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) return status;
    if (waited >= timeout_ms) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(kStepMs));
  }
}

// Whether something accepts TCP connections on 127.0.0.1:port.
inline bool accepts(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(fd);
  return ok;
}

}  // namespace css::testing

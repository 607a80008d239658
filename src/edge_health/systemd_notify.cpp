#include "css/edge_health/systemd_notify.hpp"

#include <systemd/sd-daemon.h>

#include <cstdlib>
#include <cstring>
#include <string>

namespace css::edge_health {

SystemdNotifier::SystemdNotifier() {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  enabled_ = socket != nullptr && socket[0] != '\0';
  std::uint64_t usec = 0;
  // > 0: a watchdog is configured for this process (WATCHDOG_PID, if set, is ours).
  if (enabled_ && sd_watchdog_enabled(0, &usec) > 0 && usec > 0)
    watchdog_interval_ = std::chrono::microseconds(static_cast<std::int64_t>(usec / 2));
}

Status SystemdNotifier::send(const std::string& message) {
  if (!enabled_) return Ok{};
  const int rc = sd_notify(0, message.c_str());
  if (rc < 0)
    return make_error(ErrorCode::kIo, "sd_notify(" + message.substr(0, message.find('=')) +
                                          ") to NOTIFY_SOCKET: " + std::strerror(-rc));
  return Ok{};
}

Status SystemdNotifier::ready() {
  return send("READY=1");
}
Status SystemdNotifier::watchdog() {
  return send("WATCHDOG=1");
}
Status SystemdNotifier::stopping() {
  return send("STOPPING=1");
}

Status SystemdNotifier::status(std::string_view text) {
  return send("STATUS=" + std::string(text.substr(0, text.find('\n'))));
}

}  // namespace css::edge_health

// systemd's notify protocol (sd_notify(3), sd_watchdog_enabled(3)) behind a tiny wrapper:
// READY=1 once the runtime serves, WATCHDOG=1 every watchdog_interval() while it makes
// progress, STATUS=<one line> for `systemctl status`, STOPPING=1 on shutdown.
//
// Contract:
//  - When NOTIFY_SOCKET is unset (not started by systemd with Type=notify) every call is a
//    no-op that returns Ok and enabled() is false.
//  - watchdog_interval() is half of WATCHDOG_USEC (sd_watchdog_enabled(3) advises pinging
//    at half the timeout), or 0 when the unit has no WatchdogSec=.
//  - A send that fails (socket gone) is kIo with the system's reason. STATUS text is cut at
//    the first newline (the protocol is newline-separated assignments).
#pragma once

#include <chrono>
#include <string_view>

#include "css/core/result.hpp"

namespace css::edge_health {

class SystemdNotifier {
 public:
  SystemdNotifier();  // reads NOTIFY_SOCKET and WATCHDOG_USEC/WATCHDOG_PID now

  bool enabled() const { return enabled_; }
  std::chrono::microseconds watchdog_interval() const { return watchdog_interval_; }

  Status ready();
  Status watchdog();
  Status status(std::string_view text);
  Status stopping();

 private:
  Status send(const std::string& message);
  bool enabled_ = false;
  std::chrono::microseconds watchdog_interval_{0};
};

}  // namespace css::edge_health

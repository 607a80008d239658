// The external watchdog of `citysafe watchdog` (issue 15; the seed's health poller): poll an
// edge runtime's /health, count consecutive failures, run a recovery action after N.
//
// Contract:
//  - A poll fails on: no answer within timeout_s (connect, send, read), an HTTP status other
//    than 200, or a body whose "status" is "failing". "degraded" is healthy here (the runtime
//    is working; its uplink is not): restarting it would not help.
//  - After `fails` consecutive failures the action runs ONCE (/bin/sh -c ACTION, waited for,
//    its exit status logged) and the count restarts, so a runtime that stays down gets one
//    action per `fails` polls, not one per poll.
//  - Bounded: stops when `stop` becomes true (checked every 100 ms, also while sleeping) or
//    after max_polls polls (0 = no limit). Every poll, failure and action is logged through
//    `log` (one line each).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

namespace css::edge_health {

struct WatchdogOptions {
  std::string url = "http://127.0.0.1:8081/health";
  std::uint32_t fails = 3;
  double interval_s = 10;
  double timeout_s = 5;
  std::string action;  // empty: log only
  std::uint64_t max_polls = 0;
};

struct PollOutcome {
  bool healthy = false;
  std::string detail;  // "ok (status ok)", "HTTP 503", "GET ...: no answer within 5000 ms"
  // The body's last_inference_age_s: < 0 when the node has run no inference yet (or the
  // body does not say), i.e. it answers but its model has not run.
  double last_inference_age_s = -1;
};
PollOutcome poll_health(const std::string& url, double timeout_s);

struct WatchdogSummary {
  std::uint64_t polls = 0, failures = 0, actions = 0;
};
using LogFn = std::function<void(const std::string&)>;
WatchdogSummary run_watchdog(const WatchdogOptions& options, const std::atomic<bool>& stop,
                             const LogFn& log);

// Runs `/bin/sh -c command` and waits; returns its exit status (128+N if killed by signal N,
// -1 if it could not start).
int run_action(const std::string& command);
// The same in its own process group, bounded: after timeout_s the group gets SIGTERM, 2 s
// later SIGKILL (a restart command that hangs must not hang `citysafe update`).
int run_action(const std::string& command, double timeout_s);

}  // namespace css::edge_health

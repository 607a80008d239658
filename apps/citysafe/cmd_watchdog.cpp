// citysafe watchdog: poll an edge runtime's /health and run a recovery action after N
// consecutive failures (css::edge_health::run_watchdog). Stops on SIGTERM/SIGINT.
#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <csignal>
#include <ctime>
#include <iostream>
#include <memory>
#include <string>

#include "cli_support.hpp"
#include "css/edge_health/watchdog.hpp"
#include "css/http/client.hpp"

namespace css::cli {
namespace {

// One log line on stderr with a UTC timestamp (journald adds its own; a terminal needs one).
void log_line(const std::string& line) {
  const std::time_t now = std::time(nullptr);
  char stamp[32];
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
  std::cerr << stamp << " citysafe watchdog: " << line << std::endl;
}

int run(const edge_health::WatchdogOptions& o) {
  if (auto url = http::parse_url(o.url); !url) return report(url.error());
  const SignalFlags flags = install_signal_flags();
  edge_health::run_watchdog(o, flags.stop, log_line);
  return kExitOk;
}

}  // namespace

void add_watchdog(CLI::App& root, Runner& run_cmd) {
  auto o = std::make_shared<edge_health::WatchdogOptions>();
  auto* cmd = root.add_subcommand(
      "watchdog",
      "Poll an edge runtime's /health; after N consecutive failures (no answer, HTTP error,\n"
      "status \"failing\") run ACTION once (via /bin/sh -c). Stops on SIGTERM/SIGINT.");
  cmd->add_option("--url", o->url, "Health URL (http://HOST:PORT/health)")->capture_default_str();
  cmd->add_option("--fails", o->fails, "Consecutive failures before the action")
      ->capture_default_str()
      ->check(CLI::Range(1U, 1000U));
  cmd->add_option("--interval", o->interval_s, "Seconds between polls")
      ->capture_default_str()
      ->check(finite_range(0.1, 86400.0));
  cmd->add_option("--timeout", o->timeout_s, "Seconds a poll may take")
      ->capture_default_str()
      ->check(finite_range(0.1, 600.0));
  cmd->add_option("--action", o->action,
                  "Shell command to recover, e.g. 'systemctl restart citysafe-edge' (default: "
                  "log only)");
  cmd->add_option("--max-polls", o->max_polls, "Stop after this many polls (0 = until a signal)")
      ->capture_default_str();
  cmd->callback([o, &run_cmd] { run_cmd = [o] { return run(*o); }; });
}

}  // namespace css::cli

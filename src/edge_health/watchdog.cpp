#include "css/edge_health/watchdog.hpp"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "css/http/client.hpp"

extern char** environ;

namespace css::edge_health {
namespace {

// The "status" member's value in a /health body, or "" if absent. The body is ours
// (health_json), but it comes over the network: a plain bounded search, no JSON library.
std::string status_field(const std::string& body) {
  const std::string key = "\"status\":\"";
  const std::size_t at = body.find(key);
  if (at == std::string::npos) return "";
  const std::size_t end = body.find('"', at + key.size());
  if (end == std::string::npos) return "";
  return body.substr(at + key.size(), end - at - key.size());
}

// The number after "last_inference_age_s": in the /health body; -1 if absent or not a number.
double inference_age_field(const std::string& body) {
  const std::string key = "\"last_inference_age_s\":";
  const std::size_t at = body.find(key);
  if (at == std::string::npos) return -1;
  const char* first = body.c_str() + at + key.size();
  char* end = nullptr;
  const double v = std::strtod(first, &end);
  return end == first ? -1 : v;
}

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", s);
  return buf;
}

// Sleeps `seconds` in 100 ms steps; false if `stop` was raised meanwhile.
bool sleep_unless_stopped(double seconds, const std::atomic<bool>& stop) {
  const auto end = std::chrono::steady_clock::now() +
                   std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                       std::chrono::duration<double>(seconds));
  while (!stop.load()) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= end) return true;
    std::this_thread::sleep_for(
        std::min<std::chrono::steady_clock::duration>(end - now, std::chrono::milliseconds(100)));
  }
  return false;
}

}  // namespace

PollOutcome poll_health(const std::string& url, double timeout_s) {
  const auto timeout = std::chrono::milliseconds(static_cast<std::int64_t>(timeout_s * 1000));
  auto res = http::get(url, timeout);
  if (!res) return {false, res.error().message};
  const std::string status = status_field(res->body);
  if (res->status != 200)
    return {false, "HTTP " + std::to_string(res->status) +
                       (status.empty() ? "" : " (status " + status + ")")};
  if (status == "failing") return {false, "status failing"};
  return {true, "ok (status " + (status.empty() ? std::string("?") : status) + ")",
          inference_age_field(res->body)};
}

namespace {

// `/bin/sh -c command`, in a process group of its own when `own_group`; 0 if it cannot start.
pid_t spawn_shell(const std::string& command, bool own_group) {
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  if (own_group) {
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);
  }
  pid_t pid = 0;
  const char* argv[] = {"/bin/sh", "-c", command.c_str(), nullptr};
  const int rc =
      ::posix_spawn(&pid, "/bin/sh", nullptr, &attr, const_cast<char* const*>(argv), environ);
  posix_spawnattr_destroy(&attr);
  return rc == 0 ? pid : 0;
}

int exit_code(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
}

}  // namespace

int run_action(const std::string& command) {
  const pid_t pid = spawn_shell(command, false);
  if (pid == 0) return -1;
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return -1;
  return exit_code(status);
}

int run_action(const std::string& command, double timeout_s) {
  const pid_t pid = spawn_shell(command, true);
  if (pid == 0) return -1;
  const auto t0 = std::chrono::steady_clock::now();
  int signal_sent = 0;
  for (;;) {  // bounded: SIGKILL 2 s after SIGTERM
    int status = 0;
    const pid_t w = ::waitpid(pid, &status, WNOHANG);
    if (w == pid) return exit_code(status);
    if (w < 0 && errno != EINTR) return -1;
    const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (signal_sent == 0 && t > timeout_s) signal_sent = (::kill(-pid, SIGTERM), SIGTERM);
    if (signal_sent == SIGTERM && t > timeout_s + 2) signal_sent = (::kill(-pid, SIGKILL), SIGKILL);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

WatchdogSummary run_watchdog(const WatchdogOptions& o, const std::atomic<bool>& stop,
                             const LogFn& log) {
  WatchdogSummary s;
  std::uint32_t streak = 0;
  log("watching " + o.url + " every " + seconds_text(o.interval_s) + " s; action after " +
      std::to_string(o.fails) +
      " consecutive failures: " + (o.action.empty() ? std::string("(none, log only)") : o.action));
  while (!stop.load() && (o.max_polls == 0 || s.polls < o.max_polls)) {
    const PollOutcome p = poll_health(o.url, o.timeout_s);
    ++s.polls;
    if (p.healthy) {
      if (streak > 0) log("recovered after " + std::to_string(streak) + " failure(s): " + p.detail);
      streak = 0;
    } else {
      ++s.failures;
      ++streak;
      log("failure " + std::to_string(streak) + "/" + std::to_string(o.fails) + ": " + p.detail);
      if (streak >= o.fails) {
        streak = 0;
        if (!o.action.empty()) {
          ++s.actions;
          log("running action: " + o.action);
          log("action exited with status " + std::to_string(run_action(o.action)));
        }
      }
    }
    if (o.max_polls != 0 && s.polls >= o.max_polls) break;
    if (!sleep_unless_stopped(o.interval_s, stop)) break;
  }
  log("stopped after " + std::to_string(s.polls) + " poll(s), " + std::to_string(s.failures) +
      " failure(s), " + std::to_string(s.actions) + " action(s)");
  return s;
}

}  // namespace css::edge_health

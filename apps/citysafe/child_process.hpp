// Child processes of `citysafe demo` (and any command that runs other programs): each child
// runs in its own process group (a Ctrl-C at the terminal reaches the parent only, which then
// stops its children in order), with default signal dispositions, stdin /dev/null and
// stdout + stderr appended to a log file. Every wait is bounded; stop() sends SIGTERM, waits
// up to a grace period, then SIGKILLs and reaps, so no child outlives its Child object.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "css/core/result.hpp"

namespace css::cli {

class Child {
 public:
  // Starts argv[0] (an absolute path, or a name looked up in PATH). kIo if it cannot start.
  static Result<Child> spawn(const std::vector<std::string>& argv,
                             const std::filesystem::path& log);

  Child(Child&& other) noexcept;
  Child& operator=(Child&& other) noexcept;
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child();  // stop() with the default grace

  pid_t pid() const { return pid_; }
  const std::string& name() const { return name_; }
  // Whether it still runs (reaps it when it has exited).
  bool running();
  // Waits up to `timeout` for it to exit, polling `stop` (nullptr: not at all): its exit code,
  // 128 + signal when a signal ended it, or nullopt on timeout or a raised stop flag.
  std::optional<int> wait_for(std::chrono::milliseconds timeout,
                              const std::atomic<bool>* stop = nullptr);
  // SIGTERM to its process group, up to `grace` for it to exit, then SIGKILL; returns once
  // it is reaped.
  void stop(std::chrono::milliseconds grace = std::chrono::milliseconds(5000));

 private:
  Child(pid_t pid, std::string name) : pid_(pid), name_(std::move(name)) {}
  pid_t pid_ = -1;
  std::string name_;
  std::optional<int> exit_code_;
};

// Waits up to `timeout` for 127.0.0.1:port to accept a TCP connection, polling `stop` and
// whether `owner` still runs; true once it accepts.
bool wait_for_port(std::uint16_t port, std::chrono::milliseconds timeout,
                   const std::atomic<bool>& stop, Child& owner);
// Whether something accepts TCP connections on 127.0.0.1:port right now.
bool loopback_accepts(std::uint16_t port);
// A TCP port on 127.0.0.1 that was free a moment ago (0 when none could be found).
std::uint16_t free_loopback_port();

}  // namespace css::cli

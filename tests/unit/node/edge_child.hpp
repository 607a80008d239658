// EdgeChild: a real `citysafe edge` process for the tests: stdout+stderr appended to a log
// file, stdin from a pipe the test writes (or /dev/null). The destructor SIGKILLs and reaps
// a child still running; every wait is bounded.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace css::node::test {

class EdgeChild {
 public:
  EdgeChild(const std::vector<std::string>& args, const std::filesystem::path& log, bool pipe_stdin)
      : log_(log) {
    std::vector<std::string> argv_s = {CSS_CITYSAFE_BIN, "edge"};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    int fds[2] = {-1, -1};
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    if (pipe_stdin && pipe2(fds, O_CLOEXEC) == 0) {
      posix_spawn_file_actions_adddup2(&fa, fds[0], 0);
      stdin_ = fds[1];
    } else {
      posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    }
    posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    if (posix_spawn(&pid_, argv[0], &fa, nullptr, argv.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&fa);
    if (fds[0] >= 0) close(fds[0]);
  }
  ~EdgeChild() {
    close_stdin();
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  EdgeChild(const EdgeChild&) = delete;
  EdgeChild& operator=(const EdgeChild&) = delete;

  bool started() const { return pid_ > 0; }
  bool write_stdin(const std::string& text) {
    std::size_t done = 0;
    while (done < text.size()) {
      const ssize_t n = write(stdin_, text.data() + done, text.size() - done);
      if (n <= 0) return false;
      done += static_cast<std::size_t>(n);
    }
    return true;
  }
  void close_stdin() {
    if (stdin_ >= 0) close(stdin_);
    stdin_ = -1;
  }
  void signal(int sig) {
    if (pid_ > 0) kill(pid_, sig);
  }
  // Exit code, or -1 on a timeout (the child is then killed) / -2 killed by a signal.
  int wait(int timeout_ms) {
    for (int waited = 0; pid_ > 0 && waited <= timeout_ms; waited += 20) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -2;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    signal(SIGKILL);
    if (pid_ > 0) waitpid(pid_, nullptr, 0);
    pid_ = -1;
    return -1;
  }
  std::string log() const { return read(log_); }
  static std::string read(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

 private:
  std::filesystem::path log_;
  pid_t pid_ = -1;
  int stdin_ = -1;
};

}  // namespace css::node::test

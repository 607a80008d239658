// IngestChild: a real `citysafe ingest` process for the tests (output appended to a log file,
// stdin /dev/null), and the helpers the broker tests share: a device publisher, store reads,
// /metrics scraping and bounded waits. The destructor SIGKILLs and reaps a running child.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "css/http/client.hpp"
#include "css/store/event_store.hpp"

extern char** environ;

namespace css::ingest::test {

class IngestChild {
 public:
  IngestChild(const std::vector<std::string>& args, const std::filesystem::path& log) {
    std::vector<std::string> argv_s = {CSS_CITYSAFE_BIN, "ingest"};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    if (posix_spawn(&pid_, argv[0], &fa, nullptr, argv.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&fa);
  }
  ~IngestChild() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  IngestChild(const IngestChild&) = delete;
  IngestChild& operator=(const IngestChild&) = delete;

  bool started() const { return pid_ > 0; }
  void signal(int sig) {
    if (pid_ > 0) kill(pid_, sig);
  }
  // Exit code, -1 on timeout (then killed), -2 when ended by a signal.
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

 private:
  pid_t pid_ = -1;
};

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Polls `done` every 50 ms for at most timeout_ms.
inline bool wait_until(const std::function<bool()>& done, int timeout_ms) {
  for (int waited = 0; waited <= timeout_ms; waited += 50) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return done();
}

// The value of one Prometheus sample line "<name> <value>" (name with labels), or -1.
inline double metric(std::uint16_t port, const std::string& name) {
  auto r = http::get("http://127.0.0.1:" + std::to_string(port) + "/metrics",
                     std::chrono::milliseconds(2000));
  if (!r || r->status != 200) return -1;
  const auto at = r->body.find("\n" + name + " ");
  if (at == std::string::npos) return -1;
  return std::stod(r->body.substr(at + name.size() + 2));
}

inline bool healthy(std::uint16_t port) {
  auto r = http::get("http://127.0.0.1:" + std::to_string(port) + "/health",
                     std::chrono::milliseconds(2000));
  return r && r->status == 200 && r->body.find("\"subscribed\":true") != std::string::npos;
}

inline store::StoreStats stats_of(const std::string& url) {
  auto s = store::open_store(url, {.read_only = true, .migrate = false, .create = false});
  if (!s) return {};
  auto st = (*s)->stats();
  return st ? *st : store::StoreStats{};
}

// Every event id in the store at url, page by page (a duplicate shows up twice).
inline std::multiset<std::string> stored_ids(const std::string& url) {
  std::multiset<std::string> ids;
  auto s = store::open_store(url, {.read_only = true, .migrate = false, .create = false});
  if (!s) return ids;
  store::EventQuery q;
  q.limit = store::kMaxQueryLimit;
  while (true) {
    auto page = (*s)->events(q);
    if (!page) break;
    for (const auto& e : page->events) ids.insert(e.id);
    if (!page->next_cursor) break;
    q.after = page->next_cursor;
  }
  return ids;
}

}  // namespace css::ingest::test

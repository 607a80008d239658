#include "child_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

extern char** environ;

namespace css::cli {
namespace {

constexpr auto kPollStep = std::chrono::milliseconds(20);

// The exit code a wait status stands for: the code, or 128 + the signal (as a shell says).
int exit_code_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

// Own process group and default signals: the demo ignores SIGPIPE and catches SIGINT, and
// a spawned child would otherwise inherit the ignored ones.
void prepare_attributes(posix_spawnattr_t& attr) {
  posix_spawnattr_init(&attr);
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP}) sigaddset(&defaults, sig);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
}

}  // namespace

Result<Child> Child::spawn(const std::vector<std::string>& argv, const std::filesystem::path& log) {
  if (argv.empty()) return make_error(ErrorCode::kInvalidArgument, "no program to start");
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t files;
  posix_spawn_file_actions_init(&files);
  posix_spawn_file_actions_addopen(&files, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&files, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&files, 1, 2);
  posix_spawnattr_t attr;
  prepare_attributes(attr);
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, args[0], &files, &attr, args.data(), environ);
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&files);
  if (rc != 0) {
    return make_error(ErrorCode::kIo,
                      "cannot start " + argv[0] + ": " + std::string(std::strerror(rc)));
  }
  const std::string name = std::filesystem::path(argv[0]).filename().string();
  return Child(pid,
               argv.size() > 1 && name.rfind("citysafe", 0) == 0 ? name + " " + argv[1] : name);
}

Child::Child(Child&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      name_(std::move(other.name_)),
      exit_code_(other.exit_code_) {}

Child& Child::operator=(Child&& other) noexcept {
  if (this != &other) {
    stop();
    pid_ = std::exchange(other.pid_, -1);
    name_ = std::move(other.name_);
    exit_code_ = other.exit_code_;
  }
  return *this;
}

Child::~Child() {
  stop();
}

bool Child::running() {
  if (pid_ <= 0 || exit_code_) return false;
  int status = 0;
  const pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    exit_code_ = exit_code_of(status);
    return false;
  }
  if (r < 0 && errno == ECHILD) {  // reaped elsewhere: nothing left to wait for
    exit_code_ = 1;
    return false;
  }
  return true;
}

std::optional<int> Child::wait_for(std::chrono::milliseconds timeout,
                                   const std::atomic<bool>* stop) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (running()) {  // bounded by the deadline
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    if (stop != nullptr && stop->load()) return std::nullopt;
    std::this_thread::sleep_for(kPollStep);
  }
  return exit_code_;
}

void Child::stop(std::chrono::milliseconds grace) {
  if (!running()) return;
  // The whole process group: a script's own children (make-certs.sh's openssl) stop too.
  ::kill(-pid_, SIGTERM);
  if (wait_for(grace)) return;
  ::kill(-pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);  // SIGKILL cannot be caught: returns promptly
  exit_code_ = exit_code_of(status);
}

bool loopback_accepts(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(fd);
  return ok;
}

bool wait_for_port(std::uint16_t port, std::chrono::milliseconds timeout,
                   const std::atomic<bool>& stop, Child& owner) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline && !stop.load() && owner.running()) {
    if (loopback_accepts(port)) return true;
    std::this_thread::sleep_for(kPollStep);
  }
  return false;
}

std::uint16_t free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  std::uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

}  // namespace css::cli

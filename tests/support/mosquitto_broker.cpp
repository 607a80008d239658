#include "mosquitto_broker.hpp"

#include "process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace css::testing {
namespace fs = std::filesystem;
namespace {

#ifndef CSS_SOURCE_DIR
#error "CSS_SOURCE_DIR must name the source tree (tests/unit/mqtt/CMakeLists.txt sets it)"
#endif
const fs::path kSourceDir = CSS_SOURCE_DIR;
const char* const kMosquitto = "/usr/sbin/mosquitto";

Error fail(std::string message) {
  return make_error(ErrorCode::kIo, std::move(message));
}

// Spawns argv with stdout and stderr appended to `log`. Returns the pid or -1.
pid_t spawn(const std::vector<std::string>& argv, const fs::path& log) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  pid_t pid = -1;
  if (posix_spawn(&pid, args[0], &fa, nullptr, args.data(), environ) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&fa);
  return pid;
}

// deploy/mosquitto/mosquitto.conf with this broker's paths and port, persistence off.
Result<std::string> derive_config(const fs::path& dir, const fs::path& certs, std::uint16_t port,
                                  bool require_certificate) {
  std::ifstream in(kSourceDir / "deploy/mosquitto/mosquitto.conf");
  if (!in) return fail("cannot read deploy/mosquitto/mosquitto.conf");
  std::ostringstream out;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string key;
    words >> key;
    if (key == "listener") {
      out << "listener " << port << " 127.0.0.1\n";
    } else if (key == "cafile" || key == "certfile" || key == "keyfile") {
      const std::string file = key == "cafile"     ? "ca.pem"
                               : key == "certfile" ? "server.pem"
                                                   : "server.key";
      out << key << ' ' << (certs / file).string() << '\n';
    } else if (key == "require_certificate") {
      out << "require_certificate " << (require_certificate ? "true" : "false") << '\n';
    } else if (key == "password_file") {
      out << "password_file " << (dir / "passwd").string() << '\n';
    } else if (key == "acl_file") {
      out << "acl_file " << (kSourceDir / "deploy/mosquitto/acl").string() << '\n';
    } else if (key == "persistence") {
      out << "persistence false\n";
    } else if (key != "persistence_location" && key != "autosave_interval") {
      out << line << '\n';
    }
  }
  out << "user root\n";  // else it drops to 'mosquitto' before reading the root-owned 0600 key
  return out.str();
}

}  // namespace

std::uint16_t free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
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

Status run_tool(const std::vector<std::string>& argv, const fs::path& log, int timeout_ms) {
  const pid_t pid = spawn(argv, log);
  if (pid < 0) return fail("cannot start " + argv[0]);
  int status = wait_bounded(pid, timeout_ms);
  if (status == -1) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    return fail(argv[0] + " did not finish within " + std::to_string(timeout_ms) + " ms");
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return fail(argv[0] + " failed; see " + log.string());
  }
  return Ok{};
}

Result<std::unique_ptr<MosquittoBroker>> MosquittoBroker::start(Config config) {
  std::unique_ptr<MosquittoBroker> b(new MosquittoBroker());
  if (auto ok = b->prepare(config); !ok) return ok.error();
  for (int tries = 0; tries < 3; ++tries) {  // a free port can be taken before we bind it
    b->port_ = free_loopback_port();
    auto conf = derive_config(b->dir_, b->certs_dir_, b->port_, b->require_certificate_);
    if (!conf) return conf.error();
    std::ofstream(b->dir_ / "mosquitto.conf") << *conf;
    if (auto ok = b->launch(); ok) return b;
  }
  return fail("mosquitto did not start; log:\n" + b->log());
}

Status MosquittoBroker::prepare(const Config& config) {
  static std::atomic<int> counter{0};
  dir_ = fs::temp_directory_path() /
         ("css-mosquitto-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  fs::remove_all(dir_);
  fs::create_directories(dir_);
  certs_dir_ = config.certs_dir.empty() ? dir_ / "certs" : config.certs_dir;
  const fs::path tool_log = dir_ / "tools.log";
  const std::string script = (kSourceDir / "deploy/certs/make-certs.sh").string();
  require_certificate_ = config.require_certificate;
  std::vector<std::string> certs_argv = {"/bin/bash", script, certs_dir_.string(), "--days", "2"};
  for (const auto& id : config.client_devices)
    certs_argv.insert(certs_argv.end(), {"--device", id});
  if (auto ok = run_tool(certs_argv, tool_log); !ok) return ok;
  const std::string passwd = (dir_ / "passwd").string();
  for (std::size_t i = 0; i < config.users.size(); ++i) {
    std::vector<std::string> argv = {"/usr/bin/mosquitto_passwd", "-b"};
    if (i == 0) argv.push_back("-c");
    argv.insert(argv.end(), {passwd, config.users[i].name, config.users[i].password});
    if (auto ok = run_tool(argv, tool_log); !ok) return ok;
  }
  return Ok{};
}

Status MosquittoBroker::launch() {
  pid_ = spawn({kMosquitto, "-c", (dir_ / "mosquitto.conf").string()}, dir_ / "broker.log");
  if (pid_ < 0) return fail("cannot start " + std::string(kMosquitto));
  for (int waited = 0; waited < 10'000; waited += 20) {  // bounded: 10 s
    if (accepts(port_)) return Ok{};
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return fail("mosquitto exited during start-up; log:\n" + log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  (void)kill_hard();
  return fail("mosquitto did not accept on port " + std::to_string(port_) + " within 10 s");
}

Status MosquittoBroker::stop() {
  if (pid_ <= 0) return Ok{};
  ::kill(pid_, SIGTERM);
  if (wait_bounded(pid_, 5000) == -1) return kill_hard();
  pid_ = -1;
  return Ok{};
}

Status MosquittoBroker::kill_hard() {
  if (pid_ <= 0) return Ok{};
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);  // SIGKILL cannot be ignored: returns promptly
  pid_ = -1;
  return Ok{};
}

Status MosquittoBroker::restart() {
  if (auto ok = stop(); !ok) return ok;
  return launch();
}

std::string MosquittoBroker::log() const {
  std::ifstream in(dir_ / "broker.log");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

MosquittoBroker::~MosquittoBroker() {
  (void)stop();
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

}  // namespace css::testing

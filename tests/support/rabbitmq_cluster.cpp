// RabbitCluster (rabbitmq_cluster.hpp): temp folders, one config per node, processes spawned
// with their own environment, bounded waits.
#include "rabbitmq_cluster.hpp"

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

#include "mosquitto_broker.hpp"  // free_loopback_port, run_tool

extern char** environ;

namespace css::testing {
namespace fs = std::filesystem;
namespace {

#ifndef CSS_SOURCE_DIR
#error "CSS_SOURCE_DIR must name the source tree (the test's CMakeLists.txt sets it)"
#endif
const fs::path kSourceDir = CSS_SOURCE_DIR;
const fs::path kBin = "/usr/lib/rabbitmq/bin";
const char* const kEpmd = "/usr/bin/epmd";

Error fail(std::string message) {
  return make_error(ErrorCode::kIo, std::move(message));
}

std::string slurp(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Spawns argv with `env` added to ours (same names replaced), stdin /dev/null, stdout and
// stderr appended to `log`. Returns the pid or -1.
pid_t spawn_with(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                 const fs::path& log) {
  std::vector<std::string> envs = env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string kv = *e;
    const std::string name = kv.substr(0, kv.find('=') + 1);
    bool replaced = false;
    for (const auto& mine : env) replaced = replaced || mine.rfind(name, 0) == 0;
    if (!replaced) envs.push_back(kv);
  }
  std::vector<char*> args, envp;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  for (const auto& e : envs) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  // The nodes outlive sockets the test opens and closes (a client's, an ingest's): they must not
  // hold copies of them.
  posix_spawn_file_actions_addclosefrom_np(&fa, 3);
  pid_t pid = -1;
  if (posix_spawn(&pid, args[0], &fa, nullptr, args.data(), envp.data()) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&fa);
  return pid;
}

std::string node_config(const fs::path& certs, std::uint16_t amqp, std::uint16_t amqps,
                        std::uint16_t mqtts, const std::string& user, const std::string& pw,
                        const std::string& join) {
  std::ostringstream c;
  c << "listeners.tcp.default = 127.0.0.1:" << amqp << "\n"
    << "listeners.ssl.default = 127.0.0.1:" << amqps << "\n"
    << "mqtt.listeners.tcp = none\n"
    << "mqtt.listeners.ssl.default = 127.0.0.1:" << mqtts << "\n"
    << "mqtt.allow_anonymous = false\n"
    << "ssl_options.cacertfile = " << (certs / "ca.pem").string() << "\n"
    << "ssl_options.certfile = " << (certs / "server.pem").string() << "\n"
    << "ssl_options.keyfile = " << (certs / "server.key").string() << "\n"
    << "ssl_options.verify = verify_none\n"
    << "ssl_options.fail_if_no_peer_cert = false\n"
    << "default_user = " << user << "\n"
    << "default_pass = " << pw << "\n"
    << "loopback_users = none\n"
    << "log.console = false\n"
    << "log.file.level = info\n";
  if (!join.empty())
    c << "cluster_formation.peer_discovery_backend = classic_config\n"
      << "cluster_formation.classic_config.nodes.1 = " << join << "\n";
  return c.str();
}

}  // namespace

std::optional<std::string> RabbitCluster::missing() {
  for (const fs::path& p : {kBin / "rabbitmq-server", kBin / "rabbitmqctl", fs::path(kEpmd)})
    if (::access(p.c_str(), X_OK) != 0)
      return p.string() + " not installed (Debian rabbitmq-server; run scripts/bootstrap)";
  return std::nullopt;
}

Result<std::unique_ptr<RabbitCluster>> RabbitCluster::start(Config config) {
  if (auto m = missing()) return fail(*m);
  if (config.nodes < 1) return make_error(ErrorCode::kInvalidArgument, "nodes must be >= 1");
  std::unique_ptr<RabbitCluster> c(new RabbitCluster());
  if (auto st = c->prepare(config); !st) return st.error();
  c->epmd_pid_ =
      spawn_with({kEpmd, "-port", std::to_string(c->epmd_port_), "-address", "127.0.0.1"}, {},
                 c->dir_ / "epmd.log");
  if (c->epmd_pid_ < 0) return fail("cannot start epmd");
  for (int waited = 0; !accepts(c->epmd_port_) && waited < 10'000; waited += 50)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  for (int i = 0; i < config.nodes; ++i) {
    if (auto st = c->start_node(i); !st) return st.error();
  }
  return c;
}

Status RabbitCluster::prepare(const Config& config) {
  config_ = config;
  static std::atomic<int> counter{0};
  const std::string tag = std::to_string(::getpid()) + "x" + std::to_string(counter++);
  dir_ = fs::temp_directory_path() / ("css-rabbitmq-" + tag);
  fs::remove_all(dir_);
  fs::create_directories(dir_);
  const std::string script = (kSourceDir / "deploy/certs/make-certs.sh").string();
  if (auto st = run_tool({"/bin/bash", script, (dir_ / "certs").string(), "--days", "2"},
                         dir_ / "tools.log");
      !st)
    return st;
  epmd_port_ = free_loopback_port();
  for (int i = 0; i < config.nodes; ++i) {
    Node n;
    n.name = "css" + tag + "n" + std::to_string(i + 1) + "@localhost";
    n.dir = dir_ / ("n" + std::to_string(i + 1));
    n.amqp = free_loopback_port();
    n.amqps = free_loopback_port();
    n.mqtts = free_loopback_port();
    n.dist = free_loopback_port();
    fs::create_directories(n.dir);
    const std::string join = i == 0 ? "" : nodes_[0].name;
    std::ofstream(n.dir / "rabbitmq.conf") << node_config(dir_ / "certs", n.amqp, n.amqps, n.mqtts,
                                                          config.user, config.password, join);
    std::ofstream(n.dir / "enabled_plugins") << "[rabbitmq_mqtt].\n";
    std::ofstream(n.dir / "rabbitmq-env.conf") << "";
    std::ofstream(n.dir / ".erlang.cookie") << "CSSTESTCOOKIE" << tag;
    fs::permissions(n.dir / ".erlang.cookie", fs::perms::owner_read);
    nodes_.push_back(std::move(n));
  }
  return Ok{};
}

std::vector<std::string> RabbitCluster::env_of(const Node& n) const {
  const std::string d = n.dir.string();
  return {"HOME=" + d, "ERL_EPMD_PORT=" + std::to_string(epmd_port_), "RABBITMQ_NODENAME=" + n.name,
          "RABBITMQ_DIST_PORT=" + std::to_string(n.dist), "RABBITMQ_MNESIA_BASE=" + d + "/mnesia",
          "RABBITMQ_LOG_BASE=" + d + "/log", "RABBITMQ_CONFIG_FILE=" + d + "/rabbitmq",
          "RABBITMQ_ADVANCED_CONFIG_FILE=" + d + "/advanced.config",
          "RABBITMQ_CONF_ENV_FILE=" + d + "/rabbitmq-env.conf",
          "RABBITMQ_ENABLED_PLUGINS_FILE=" + d + "/enabled_plugins",
          "RABBITMQ_PID_FILE=" + d + "/pid",
          // No busy-waiting schedulers: the test shares a small machine.
          "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS=+sbwt none +sbwtdcpu none +sbwtdio none"};
}

pid_t RabbitCluster::vm_pid(const Node& n) const {
  std::ifstream in(n.dir / "pid");
  long pid = -1;
  if (!(in >> pid) || pid <= 1) return -1;
  return static_cast<pid_t>(pid);
}

Status RabbitCluster::start_node(int i) {
  Node& n = nodes_.at(i);
  if (n.pid > 0) return Ok{};
  fs::remove(n.dir / "pid");
  n.pid = spawn_with({(kBin / "rabbitmq-server").string()}, env_of(n), n.dir / "stdout.log");
  if (n.pid < 0) return fail("cannot start rabbitmq-server for " + n.name);
  for (int waited = 0; waited < config_.boot_timeout_ms; waited += 100) {
    if (accepts(n.amqp)) return Ok{};
    int status = 0;
    if (::waitpid(n.pid, &status, WNOHANG) == n.pid) {
      n.pid = -1;
      return fail(n.name + " exited while booting; log:\n" + slurp(n.dir / "stdout.log") + log(i));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return fail(n.name + " did not accept AMQP within " + std::to_string(config_.boot_timeout_ms) +
              " ms; log:\n" + log(i));
}

Status RabbitCluster::kill_node(int i) {
  Node& n = nodes_.at(i);
  if (n.pid <= 0) return fail(n.name + " is not running");
  const pid_t vm = vm_pid(n);
  if (vm > 0) ::kill(vm, SIGKILL);
  ::kill(n.pid, SIGKILL);  // the script: no graceful stop of the VM from it either
  ::waitpid(n.pid, nullptr, 0);
  n.pid = -1;
  fs::remove(n.dir / "pid");
  if (vm <= 0) return fail(n.name + " had no pid file; only its start script was killed");
  return Ok{};
}

Result<std::string> RabbitCluster::ctl(int i, const std::vector<std::string>& args,
                                       const std::string& tool, int timeout_ms) {
  const Node& n = nodes_.at(i);
  std::vector<std::string> argv = {(kBin / tool).string(), "-n", n.name};
  argv.insert(argv.end(), args.begin(), args.end());
  const fs::path out = dir_ / "ctl.out";
  fs::remove(out);
  const pid_t pid = spawn_with(argv, env_of(n), out);
  if (pid < 0) return fail("cannot start " + tool);
  int status = wait_bounded(pid, timeout_ms);
  if (status == -1) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
  }
  const std::string text = slurp(out);
  std::ofstream(dir_ / "tools.log", std::ios::app) << "$ " << tool << " " << n.name << "\n" << text;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return fail(tool + " failed: " + text);
  return text;
}

std::string RabbitCluster::log(int i) const {
  const Node& n = nodes_.at(i);
  return slurp(n.dir / "log" / (n.name + ".log"));
}

Status RabbitCluster::stop() {
  for (auto& n : nodes_) {
    if (n.pid <= 0) continue;
    ::kill(n.pid, SIGTERM);  // the script forwards it to the VM: a clean shutdown
    if (wait_bounded(n.pid, 15'000) == -1) {
      if (const pid_t vm = vm_pid(n); vm > 0) ::kill(vm, SIGKILL);
      ::kill(n.pid, SIGKILL);
      ::waitpid(n.pid, nullptr, 0);
    }
    n.pid = -1;
  }
  if (epmd_pid_ > 0) {
    ::kill(epmd_pid_, SIGKILL);
    ::waitpid(epmd_pid_, nullptr, 0);
    epmd_pid_ = -1;
  }
  return Ok{};
}

RabbitCluster::~RabbitCluster() {
  (void)stop();
  std::error_code ec;
  if (!dir_.empty() && std::getenv("CSS_KEEP_RABBITMQ") == nullptr) fs::remove_all(dir_, ec);
}

}  // namespace css::testing

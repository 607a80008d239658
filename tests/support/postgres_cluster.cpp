// PostgresCluster (postgres_cluster.hpp). Uses run_tool / free_loopback_port from
// mosquitto_broker.cpp.
#include "postgres_cluster.hpp"

#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include "mosquitto_broker.hpp"

namespace css::testing {
namespace {

namespace fs = std::filesystem;

Error fail(const std::string& what) {
  return make_error(ErrorCode::kIo, "postgres test cluster: " + what);
}

std::string bindir() {
  const char* env = std::getenv("CSS_PG_BINDIR");
  return env && *env ? env : "/usr/lib/postgresql/15/bin";
}

// chown -R to the postgres user (only when we are root).
Status give_to_postgres(const fs::path& dir) {
  if (::geteuid() != 0) return Ok{};
  const passwd* pw = ::getpwnam("postgres");
  if (!pw) return fail("running as root needs a 'postgres' user (Debian's postgresql-common)");
  for (const auto& p : fs::recursive_directory_iterator(dir))
    if (::chown(p.path().c_str(), pw->pw_uid, pw->pw_gid) != 0) return fail("chown failed");
  if (::chown(dir.c_str(), pw->pw_uid, pw->pw_gid) != 0) return fail("chown failed");
  return Ok{};
}

}  // namespace

std::optional<std::string> PostgresCluster::missing() {
  for (const char* t : {"initdb", "pg_ctl", "postgres", "psql"})
    if (::access((bindir() + "/" + t).c_str(), X_OK) != 0)
      return "PostgreSQL 15 (" + bindir() + "/" + t + ")";
  if (!fs::exists("/usr/share/postgresql/15/extension/postgis.control"))
    return std::string("PostGIS (postgresql-15-postgis-3)");
  return std::nullopt;
}

std::string PostgresCluster::tool(const std::string& name) const {
  return bindir() + "/" + name;
}

Status PostgresCluster::run_as_owner(std::vector<std::string> argv, int timeout_ms) {
  if (::geteuid() == 0) argv.insert(argv.begin(), {"/usr/sbin/runuser", "-u", "postgres", "--"});
  return run_tool(argv, dir_ / "tools.log", timeout_ms);
}

Result<std::unique_ptr<PostgresCluster>> PostgresCluster::start() {
  if (auto m = missing()) return fail(*m + " is not installed (run scripts/bootstrap)");
  std::unique_ptr<PostgresCluster> c(new PostgresCluster());
  if (auto st = c->init(); !st) return st.error();
  for (int tries = 0; tries < 3; ++tries) {  // a free port can be taken before the server binds
    c->port_ = free_loopback_port();
    if (auto st = c->launch(); st) break;
    if (tries == 2) return fail("the server did not start; log:\n" + c->log());
  }
  // The template every fresh database copies: PostGIS is slow to install (~1 s), a copy is not
  // (FILE_COPY: copies files instead of logging every page; with fsync off it is cheap).
  if (auto st = c->psql("postgres", "CREATE DATABASE css_template"); !st) return st.error();
  if (auto st = c->psql("css_template", "CREATE EXTENSION postgis"); !st) return st.error();
  return c;
}

Status PostgresCluster::init() {
  static std::atomic<int> counter{0};
  dir_ = fs::temp_directory_path() /
         ("css-postgres-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  fs::remove_all(dir_);
  fs::create_directories(dir_ / "run");
  std::ofstream(dir_ / "tools.log").put('\n');
  if (auto st = give_to_postgres(dir_); !st) return st;
  return run_as_owner({tool("initdb"), "-D", (dir_ / "data").string(), "-U", "postgres",
                       "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "-N"});
}

Status PostgresCluster::launch() {
  const std::string options = "-c listen_addresses=127.0.0.1 -p " + std::to_string(port_) + " -k " +
                              (dir_ / "run").string() +
                              " -c fsync=off -c full_page_writes=off -c max_connections=50";
  auto st = run_as_owner({tool("pg_ctl"), "-D", (dir_ / "data").string(), "-l",
                          (dir_ / "run" / "server.log").string(), "-w", "-t", "30", "-o", options,
                          "start"});
  running_ = st.ok();
  return st;
}

std::string PostgresCluster::url(const std::string& database) const {
  return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

Result<std::string> PostgresCluster::fresh_database() {
  const std::string name = "t" + std::to_string(next_db_++);
  if (auto st =
          psql("postgres", "CREATE DATABASE " + name + " TEMPLATE css_template STRATEGY FILE_COPY");
      !st)
    return st.error();
  return url(name);
}

Status PostgresCluster::psql(const std::string& database, const std::string& sql) {
  return run_tool({tool("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p",
                   std::to_string(port_), "-U", "postgres", "-d", database, "-c", sql},
                  dir_ / "tools.log", 60'000);
}

std::string PostgresCluster::log() const {
  std::ifstream in(dir_ / "run" / "server.log");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Status PostgresCluster::stop() {
  if (!running_) return Ok{};
  running_ = false;
  auto st = run_as_owner(
      {tool("pg_ctl"), "-D", (dir_ / "data").string(), "-m", "fast", "-w", "-t", "10", "stop"},
      20'000);
  if (st) return st;
  std::ifstream pidfile(dir_ / "data" / "postmaster.pid");
  pid_t pid = 0;
  if (pidfile >> pid && pid > 0) ::kill(pid, SIGKILL);
  return st;
}

PostgresCluster::~PostgresCluster() {
  (void)stop();
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

}  // namespace css::testing

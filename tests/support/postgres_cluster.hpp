// PostgresCluster: a real PostgreSQL 15 (+ PostGIS) for tests, private to the test run: initdb
// in a temp folder, listening on a free loopback port with its unix socket inside that folder.
// As root it runs as the `postgres` user (initdb and postgres refuse to run as root). A template
// database with PostGIS installed makes each fresh_database() a fast copy.
//
// Ownership: the cluster owns its folder (removed by the destructor) and its server, which
// stop() / the destructor end (pg_ctl stop, then SIGKILL of the postmaster). Every wait is
// bounded. The test cluster runs with fsync=off: it tests behaviour, not the disk.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "css/core/result.hpp"

namespace css::testing {

class PostgresCluster {
 public:
  // What this machine lacks to run one (binaries, PostGIS), or nullopt when all is there.
  // Binaries come from $CSS_PG_BINDIR, else /usr/lib/postgresql/15/bin.
  static std::optional<std::string> missing();
  // initdb + start + template database; <= ~60 s in all.
  static Result<std::unique_ptr<PostgresCluster>> start();
  ~PostgresCluster();
  PostgresCluster(const PostgresCluster&) = delete;
  PostgresCluster& operator=(const PostgresCluster&) = delete;

  std::uint16_t port() const { return port_; }
  // postgresql://postgres@127.0.0.1:PORT/NAME
  std::string url(const std::string& database) const;
  // A new empty database (PostGIS installed, nothing else); returns its URL.
  Result<std::string> fresh_database();
  // Runs SQL with psql in `database` (ON_ERROR_STOP); Ok when it succeeded.
  Status psql(const std::string& database, const std::string& sql);
  const std::filesystem::path& dir() const { return dir_; }
  std::string log() const;  // the server's log so far

  Status stop();  // pg_ctl stop -m fast (<= 10 s), then SIGKILL of the postmaster

 private:
  PostgresCluster() = default;
  Status init();
  Status launch();
  std::string tool(const std::string& name) const;
  // argv run as the server's user (runuser when we are root).
  Status run_as_owner(std::vector<std::string> argv, int timeout_ms = 60'000);

  std::filesystem::path dir_;
  std::uint16_t port_ = 0;
  bool running_ = false;
  int next_db_ = 0;
};

}  // namespace css::testing

// A thin RAII layer over the sqlite3 C API for the SQLite backend (private to css_store).
// Db owns a connection and a cache of prepared statements keyed by their SQL text; Stmt is a
// reset-on-scope-exit handle to one of them. Every error becomes a css::Error naming the
// database path and SQLite's message.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "css/core/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace css::store::sqlite {

class Stmt;

class Db {
 public:
  // flags: SQLITE_OPEN_* as for sqlite3_open_v2.
  static Result<std::unique_ptr<Db>> open(const std::string& path, int flags, int busy_timeout_ms);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  // Runs SQL without results (may hold several statements; no parameters).
  Status exec(std::string_view sql);
  // A cached prepared statement, reset and unbound; kIo if the SQL does not compile.
  Result<Stmt> prepare(const std::string& sql);
  // Rows the last INSERT/UPDATE/DELETE changed.
  std::int64_t changes() const;
  Error error(std::string_view what) const;  // kIo: "<path>: <what>: <sqlite message>"
  const std::string& path() const { return path_; }
  sqlite3* handle() { return db_; }

 private:
  Db(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  sqlite3* db_;
  std::string path_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

// Step result: a row is ready, or the statement is done.
enum class Step : std::uint8_t { kRow, kDone };

class Stmt {
 public:
  Stmt(Db& db, sqlite3_stmt* stmt) : db_(&db), stmt_(stmt) {}
  Stmt(Stmt&& other) noexcept : db_(other.db_), stmt_(other.stmt_) { other.stmt_ = nullptr; }
  Stmt& operator=(Stmt&&) = delete;
  Stmt(const Stmt&) = delete;
  ~Stmt();

  // Parameters are 1-based, as in SQL's ?1.
  void bind(int index, double value);
  void bind(int index, std::int64_t value);
  void bind(int index, std::string_view text);
  void bind_blob(int index, std::string_view bytes);
  void bind_null(int index);
  void bind(int index, const std::optional<double>& value);

  Result<Step> step();
  // Runs to completion (INSERT/UPDATE/DELETE), then resets the statement (bindings kept) so it
  // can run again with new ones.
  Status run();

  bool is_null(int col) const;
  double get_double(int col) const;
  std::int64_t get_int(int col) const;
  std::string get_text(int col) const;  // text or blob bytes
  std::optional<double> get_optional_double(int col) const;

 private:
  Db* db_;
  sqlite3_stmt* stmt_;
};

}  // namespace css::store::sqlite

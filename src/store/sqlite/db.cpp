// sqlite3 C API wrapper (db.hpp).
#include "db.hpp"

#include <sqlite3.h>

#include <utility>

namespace css::store::sqlite {

Result<std::unique_ptr<Db>> Db::open(const std::string& path, int flags, int busy_timeout_ms) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<Db> db(new Db(raw, path));
  if (rc != SQLITE_OK) {
    const std::string msg = raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    return make_error(ErrorCode::kIo, "SQLite database '" + path + "': cannot open: " + msg);
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, busy_timeout_ms);
  return db;
}

Db::~Db() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

Error Db::error(std::string_view what) const {
  return make_error(ErrorCode::kIo, "SQLite database '" + path_ + "': " + std::string(what) + ": " +
                                        sqlite3_errmsg(db_));
}

Status Db::exec(std::string_view sql) {
  const std::string text(sql);
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK)
    return error("statement failed");
  return Ok{};
}

Result<Stmt> Db::prepare(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size() + 1),
                           SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK)
      return error("cannot prepare a statement");
    it = cache_.emplace(sql, stmt).first;
  }
  return Stmt(*this, it->second);
}

std::int64_t Db::changes() const {
  return sqlite3_changes64(db_);
}

Stmt::~Stmt() {
  if (!stmt_) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

void Stmt::bind(int index, double value) {
  sqlite3_bind_double(stmt_, index, value);
}
void Stmt::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
}
void Stmt::bind(int index, std::string_view text) {
  sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}
void Stmt::bind_blob(int index, std::string_view bytes) {
  sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
}
void Stmt::bind_null(int index) {
  sqlite3_bind_null(stmt_, index);
}
void Stmt::bind(int index, const std::optional<double>& value) {
  if (value)
    bind(index, *value);
  else
    bind_null(index);
}

Result<Step> Stmt::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return Step::kRow;
  if (rc == SQLITE_DONE) return Step::kDone;
  return db_->error("statement failed");
}

Status Stmt::run() {
  for (;;) {
    auto s = step();
    if (!s) {
      sqlite3_reset(stmt_);
      return s.error();
    }
    if (*s == Step::kDone) break;
  }
  sqlite3_reset(stmt_);
  return Ok{};
}

bool Stmt::is_null(int col) const {
  return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
}
double Stmt::get_double(int col) const {
  return sqlite3_column_double(stmt_, col);
}
std::int64_t Stmt::get_int(int col) const {
  return sqlite3_column_int64(stmt_, col);
}
std::string Stmt::get_text(int col) const {
  const void* p = sqlite3_column_blob(stmt_, col);
  const int n = sqlite3_column_bytes(stmt_, col);
  return p ? std::string(static_cast<const char*>(p), static_cast<std::size_t>(n)) : std::string();
}
std::optional<double> Stmt::get_optional_double(int col) const {
  if (is_null(col)) return std::nullopt;
  return get_double(col);
}

}  // namespace css::store::sqlite

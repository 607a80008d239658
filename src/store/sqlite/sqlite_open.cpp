// Opening a SQLite store: checks that the file is ours and not newer, sets durability pragmas,
// applies migrations (sqlite_store.hpp, schema.hpp).
#include <sqlite3.h>

#include <filesystem>
#include <system_error>

#include "../backends.hpp"
#include "schema.hpp"
#include "sqlite_store.hpp"

namespace css::store {
namespace {

namespace fs = std::filesystem;
using sqlite::Db;

Error at(const StoreUrl& url, ErrorCode code, const std::string& what) {
  return make_error(code, "store URL '" + url.redacted + "': " + what);
}

Result<std::int64_t> pragma_int(Db& db, const std::string& sql) {
  auto st = db.prepare(sql);
  if (!st) return st.error();
  auto step = st->step();
  if (!step) return step.error();
  return *step == sqlite::Step::kRow ? st->get_int(0) : 0;
}

Status prepare_location(const StoreUrl& url, const OpenOptions& options) {
  if (url.path == ":memory:") return Ok{};
  std::error_code ec;
  const bool exists = fs::exists(url.path, ec);
  if (exists && fs::is_directory(url.path, ec))
    return at(url, ErrorCode::kInvalidArgument, "'" + url.path + "' is a directory");
  if (exists) return Ok{};
  if (!options.create || options.read_only)
    return at(url, ErrorCode::kNotFound, "no database at '" + url.path + "'");
  const fs::path parent = fs::path(url.path).parent_path();
  if (!parent.empty() && !fs::exists(parent, ec)) {
    fs::create_directories(parent, ec);
    if (ec)
      return at(url, ErrorCode::kIo,
                "cannot create the directory '" + parent.string() + "': " + ec.message());
  }
  return Ok{};
}

// Refuses files that are not SQLite, SQLite files of other programs, and newer schemas.
Status check_identity(Db& db, const StoreUrl& url) {
  auto app = pragma_int(db, "PRAGMA application_id");
  if (!app) {
    if (sqlite3_extended_errcode(db.handle()) == SQLITE_NOTADB)
      return at(url, ErrorCode::kParse, "'" + url.path + "' is not a SQLite database");
    return app.error();
  }
  auto version = pragma_int(db, "PRAGMA user_version");
  auto tables = pragma_int(db, "SELECT count(*) FROM sqlite_schema");
  if (!version) return version.error();
  if (!tables) return tables.error();
  if (*app != 0 && *app != sqlite::kApplicationId)
    return at(url, ErrorCode::kParse,
              "'" + url.path + "' is a SQLite database of another program (application_id " +
                  std::to_string(*app) + ")");
  if (*app == 0 && *tables > 0)
    return at(
        url, ErrorCode::kParse,
        "'" + url.path + "' is a SQLite database with tables that are not a CitySafeSense store");
  if (*version > current_schema_version())
    return at(url, ErrorCode::kUnsupported,
              "database schema version " + std::to_string(*version) +
                  " is newer than this build's (" + std::to_string(current_schema_version()) +
                  "): upgrade citysafe");
  return Ok{};
}

Status set_durability(Db& db, const StoreUrl& url, const OpenOptions& options) {
  if (options.read_only || url.path == ":memory:") return Ok{};
  auto mode = db.prepare("PRAGMA journal_mode=WAL");
  if (!mode) return mode.error();
  auto step = mode->step();
  if (!step) return step.error();
  // FULL: in WAL mode the log is synced at every commit, so a returned append survives
  // power loss, not only a crash of this process (NORMAL would risk the last commits).
  return db.exec("PRAGMA synchronous=FULL");
}

Result<std::unique_ptr<EventStore>> open_checked(const StoreUrl& url, const OpenOptions& options) {
  const int flags = options.read_only
                        ? SQLITE_OPEN_READONLY
                        : SQLITE_OPEN_READWRITE | (options.create ? SQLITE_OPEN_CREATE : 0);
  auto db = Db::open(url.path, flags, options.busy_timeout_ms);
  if (!db) return at(url, ErrorCode::kIo, db.error().message);
  if (auto st = check_identity(**db, url); !st) return st.error();
  if (auto st = set_durability(**db, url, options); !st) return st.error();
  auto store = std::make_unique<sqlite::SqliteStore>(std::move(*db), url.redacted);
  if (options.migrate && !options.read_only) {
    if (auto v = store->migrate(); !v) return v.error();
  } else if (options.read_only) {
    auto v = store->schema_version();
    if (!v) return v.error();
    if (*v < current_schema_version())
      return at(url, ErrorCode::kUnsupported,
                "database schema version " + std::to_string(*v) + " is older than this build's (" +
                    std::to_string(current_schema_version()) +
                    "): run 'citysafe store migrate' first");
  }
  return std::unique_ptr<EventStore>(std::move(store));
}

}  // namespace

Result<std::unique_ptr<EventStore>> open_sqlite_store(const StoreUrl& url,
                                                      const OpenOptions& options) {
  if (auto st = prepare_location(url, options); !st) return st.error();
  std::error_code ec;
  const bool fresh = url.path != ":memory:" && !fs::exists(url.path, ec);
  auto store = open_checked(url, options);
  // A database this call created and could not set up (a full disk) is debris, not a store:
  // remove it and its journals, so a retry starts clean. An existing file is never removed.
  if (!store && fresh)
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(url.path + suffix, ec);
  return store;
}

namespace sqlite {

Result<int> SqliteStore::schema_version() {
  auto v = pragma_int(db(), "PRAGMA user_version");
  if (!v) return v.error();
  return static_cast<int>(*v);
}

Result<std::optional<std::uint64_t>> SqliteStore::change_counter() {
  auto v = pragma_int(db(), "PRAGMA data_version");
  if (!v) return v.error();
  return std::optional<std::uint64_t>(static_cast<std::uint64_t>(*v));
}

Result<int> SqliteStore::migrate() {
  for (const Migration& m : migrations()) {
    // Re-read inside the transaction: another process may have migrated meanwhile.
    auto step = in_transaction(db(), [&]() -> Status {
      auto v = schema_version();
      if (!v) return v.error();
      if (*v >= m.version) return Ok{};
      if (*v != m.version - 1)
        return db().error("schema version " + std::to_string(*v) + " has no migration path");
      if (auto st = db().exec(m.sql); !st) return st;
      if (auto st = db().exec("PRAGMA application_id=" + std::to_string(kApplicationId)); !st)
        return st;
      return db().exec("PRAGMA user_version=" + std::to_string(m.version));
    });
    if (!step) return step.error();
  }
  return schema_version();
}

}  // namespace sqlite
}  // namespace css::store

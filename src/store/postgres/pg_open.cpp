// Opening a PostgreSQL store: connects, refuses databases that are not ours or newer than this
// build, applies migrations (pg_store.hpp, pg_schema.hpp).
#include <algorithm>

#include "../backends.hpp"
#include "pg_schema.hpp"
#include "pg_store.hpp"

namespace css::store {
namespace {

Error at(const StoreUrl& url, ErrorCode code, const std::string& what) {
  return make_error(code, "store URL '" + url.redacted + "': " + what);
}

// Session settings: a writer waits for another one's row locks up to busy_timeout_ms (0 would
// mean "forever" to PostgreSQL, so it becomes 1 ms); commits are synchronous (durable on
// return) whatever the server's default is.
void configure_session(pqxx::connection& conn, const OpenOptions& options) {
  pqxx::nontransaction tx(conn);
  tx.exec("SET lock_timeout = " + std::to_string(std::max(options.busy_timeout_ms, 1)));
  tx.exec("SET synchronous_commit = on");
  tx.exec("SET application_name = 'citysafe'");
  if (options.read_only) tx.exec("SET default_transaction_read_only = on");
}

}  // namespace

Result<std::unique_ptr<EventStore>> open_postgres_store(const StoreUrl& url,
                                                        const OpenOptions& options) {
  std::unique_ptr<pqxx::connection> conn;
  try {
    conn = std::make_unique<pqxx::connection>(url.conninfo);
    configure_session(*conn, options);
  } catch (...) {
    Error e = pg::current_error(url.redacted, "cannot connect");
    if (e.code == ErrorCode::kNotFound)
      e.message += " (create it first: createdb -h HOST -p PORT -U USER NAME)";
    return e;
  }
  auto store = std::make_unique<pg::PgStore>(std::move(conn), url.redacted);
  auto version = store->schema_version();
  if (!version) return version.error();
  if (*version > current_schema_version())
    return at(url, ErrorCode::kUnsupported,
              "database schema version " + std::to_string(*version) +
                  " is newer than this build's (" + std::to_string(current_schema_version()) +
                  "): upgrade citysafe");
  if (options.migrate && !options.read_only) {
    if (auto v = store->migrate(); !v) return v.error();
  } else if (options.read_only && *version < current_schema_version()) {
    return at(url, ErrorCode::kUnsupported,
              "database schema version " + std::to_string(*version) +
                  " is older than this build's (" + std::to_string(current_schema_version()) +
                  "): run 'citysafe store migrate' first");
  }
  return std::unique_ptr<EventStore>(std::move(store));
}

namespace pg {
namespace {

// The version in place, read inside `tx`: 0 for an empty database; refuses a database that
// holds tables of someone else (PostGIS's spatial_ref_sys does not count).
int version_in(pqxx::transaction_base& tx) {
  const auto has = tx.exec("SELECT to_regclass('public.schema_migrations') IS NOT NULL");
  if (!has[0][0].as<bool>()) {
    const auto other = tx.exec(
        "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename <> "
        "'spatial_ref_sys'");
    if (other[0][0].as<long>() > 0)
      throw StoreFault(ErrorCode::kParse,
                       "the database holds tables but no schema_migrations: not a CitySafeSense "
                       "store (use an empty database)");
    return 0;
  }
  return tx.exec("SELECT coalesce(max(version), 0) FROM schema_migrations")[0][0].as<int>();
}

}  // namespace

Result<int> PgStore::schema_version() {
  return transact<int>("reading the schema version",
                       [&](pqxx::transaction_base& tx) { return version_in(tx); });
}

Result<int> PgStore::migrate() {
  int now = 0;
  for (const Migration& m : migrations()) {
    auto step = transact<int>(
        "migrating to schema version " + std::to_string(m.version),
        [&](pqxx::transaction_base& tx) {
          // Another process may be migrating the same database: one at a time, and re-read.
          tx.exec("SELECT pg_advisory_xact_lock(" + std::to_string(kMigrationLockKey) + ")");
          const int v = version_in(tx);
          if (v >= m.version) return v;
          if (v != m.version - 1)
            throw StoreFault(ErrorCode::kIo,
                             "schema version " + std::to_string(v) + " has no migration path");
          tx.exec(std::string(m.sql));
          tx.exec_params("INSERT INTO schema_migrations (version, summary) VALUES ($1, $2)",
                         m.version, std::string(m.summary));
          return m.version;
        });
    if (!step) return step.error();
    now = *step;
  }
  return now;
}

}  // namespace pg
}  // namespace css::store

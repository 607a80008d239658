// The PostgreSQL schema as an ordered list of migrations, in step with SQLite's
// (sqlite/schema.hpp: same version numbers, same meaning). Version N is reached by applying
// migrations 1..N in order, each in its own transaction that also records it in
// schema_migrations; an advisory lock serialises processes migrating the same database.
#pragma once

#include <span>
#include <string_view>

namespace css::store::pg {

struct Migration {
  int version;
  std::string_view summary;
  std::string_view sql;
};

std::span<const Migration> migrations();

// pg_advisory_xact_lock key taken by every migration transaction ('CSSS').
inline constexpr long kMigrationLockKey = 0x43535353;

}  // namespace css::store::pg

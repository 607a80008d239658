// The SQLite schema as an ordered list of migrations (docs/storage.md, "Schema"). Version N is
// reached by applying migrations 1..N in order, each in its own transaction together with
// PRAGMA user_version = N; PRAGMA application_id marks the file as ours.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace css::store::sqlite {

// 'CSSS' — tells our databases from other SQLite files.
inline constexpr std::int32_t kApplicationId = 0x43535353;

struct Migration {
  int version;
  std::string_view summary;
  std::string_view sql;
};

std::span<const Migration> migrations();

}  // namespace css::store::sqlite

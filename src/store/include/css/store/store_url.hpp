// Store URLs: which backend and where (docs/storage.md, "URLs").
//   sqlite:///abs/path/events.db   absolute path (three slashes: scheme + "//" + "/abs")
//   sqlite://data/events.db        relative to the working directory
//   sqlite://:memory:              a private in-memory database (tests)
//   data/events.db, /abs/x.db      a bare path (no "scheme:") is a SQLite file
//   postgresql://user:pw@host:5432/db?sslmode=require   (also postgres://) passed to libpq
// The default is kDefaultStoreUrl. Parsing is total on any bytes; errors name the URL with
// any password replaced by "***".
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "css/core/result.hpp"

namespace css::store {

inline constexpr std::string_view kDefaultStoreUrl = "sqlite://data/citysafe.db";
inline constexpr std::size_t kMaxStoreUrlChars = 4096;

enum class Backend : std::uint8_t { kSqlite, kPostgres };

struct StoreUrl {
  Backend backend = Backend::kSqlite;
  std::string path;      // SQLite: the file path, or ":memory:"
  std::string conninfo;  // PostgreSQL: the URL as given, for libpq
  std::string redacted;  // the URL with the password replaced, safe to print
};

Result<StoreUrl> parse_store_url(std::string_view url);
// The URL with a password in its userinfo ("user:secret@") replaced by "***"; other text as is.
std::string redact_url(std::string_view url);

}  // namespace css::store

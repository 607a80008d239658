// API bearer tokens, kept hashed in a small file the API owns (not in the shared store):
// one line per token, "<id> <scope> <sha256 hex of the whole token> <created Unix s> <name>",
// '#' lines are comments. The token text itself ("css_<id>_<64 hex>", 256 random bits from
// OpenSSL's RAND_bytes) is shown once, by create_token, and never stored.
//
// Contract:
//  - load_tokens reads a file that may not exist yet (empty set); a malformed line is kParse
//    naming the file and line. Writes go through css::io (atomic), file mode 0600.
//  - verify() hashes the presented text (SHA-256) and compares it in constant time with the
//    stored hash of the id it names; unknown ids, revoked tokens and any other bytes fail.
//  - Scopes: kRead (queries, the live stream) ⊂ kAdmin (also dead letters, metrics detail).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "css/core/result.hpp"

namespace css::api {

enum class Scope { kPublic, kRead, kAdmin };
std::string_view to_string(Scope s);
std::optional<Scope> scope_from_string(std::string_view s);

struct TokenEntry {
  std::string id;  // 8 hex digits, public (appears in logs and `token list`)
  Scope scope = Scope::kRead;
  std::string sha256_hex;
  double created = 0.0;
  std::string name;  // free text for people, [A-Za-z0-9_.-]{0,64}
};

class TokenSet {
 public:
  const std::vector<TokenEntry>& entries() const { return entries_; }
  // The entry the token belongs to, or nullopt.
  std::optional<TokenEntry> verify(std::string_view token) const;
  std::vector<TokenEntry>& mutable_entries() { return entries_; }

 private:
  std::vector<TokenEntry> entries_;
};

Result<TokenSet> load_tokens(const std::filesystem::path& file);
Status save_tokens(const std::filesystem::path& file, const TokenSet& set);

// Adds a fresh token to the file and returns its text (the only time it exists in clear).
Result<std::string> create_token(const std::filesystem::path& file, Scope scope,
                                 std::string_view name, double now);
// Removes the token with this id; kNotFound if none.
Status revoke_token(const std::filesystem::path& file, std::string_view id);

std::string sha256_hex(std::string_view bytes);

}  // namespace css::api

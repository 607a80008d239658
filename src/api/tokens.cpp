// Token file I/O and hashing (OpenSSL for SHA-256 and the random bytes; nowhere else in api).
#include "css/api/tokens.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>

#include <array>
#include <charconv>
#include <cstdio>
#include <sstream>

#include "css/core/file_io.hpp"

namespace css::api {

namespace {
std::string to_hex(const unsigned char* p, std::size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (std::size_t i = 0; i < n; ++i) {
    out += digits[p[i] >> 4];
    out += digits[p[i] & 15];
  }
  return out;
}

bool is_hex(std::string_view s, std::size_t n) {
  if (s.size() != n) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

bool is_name(std::string_view s) {
  if (s.size() > 64) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-'))
      return false;
  return true;
}

Result<TokenEntry> parse_line(const std::string& line, const std::string& where) {
  std::istringstream in(line);
  TokenEntry e;
  std::string scope, created;
  in >> e.id >> scope >> e.sha256_hex >> created;
  std::getline(in >> std::ws, e.name);
  const auto s = scope_from_string(scope);
  double t = 0;
  const auto [end, ec] = std::from_chars(created.data(), created.data() + created.size(), t);
  if (!is_hex(e.id, 8) || !s || *s == Scope::kPublic || !is_hex(e.sha256_hex, 64) ||
      ec != std::errc{} || end != created.data() + created.size() || !is_name(e.name))
    return make_error(ErrorCode::kParse,
                      where + ": expected '<8 hex id> read|admin <64 hex sha256> <unix s> [name]'");
  e.scope = *s;
  e.created = t;
  return e;
}
}  // namespace

std::string_view to_string(Scope s) {
  switch (s) {
    case Scope::kPublic:
      return "public";
    case Scope::kRead:
      return "read";
    case Scope::kAdmin:
      return "admin";
  }
  return "?";
}

std::optional<Scope> scope_from_string(std::string_view s) {
  if (s == "read") return Scope::kRead;
  if (s == "admin") return Scope::kAdmin;
  if (s == "public") return Scope::kPublic;
  return std::nullopt;
}

std::string sha256_hex(std::string_view bytes) {
  std::array<unsigned char, 32> md{};
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), md.data(), &len, EVP_sha256(), nullptr);
  return to_hex(md.data(), md.size());
}

std::optional<TokenEntry> TokenSet::verify(std::string_view token) const {
  // "css_" + 8 hex id + "_" + 64 hex secret
  if (token.size() != 4 + 8 + 1 + 64 || token.substr(0, 4) != "css_" || token[12] != '_')
    return std::nullopt;
  const std::string_view id = token.substr(4, 8);
  const std::string hash = sha256_hex(token);
  for (const TokenEntry& e : entries_)
    if (e.id == id && CRYPTO_memcmp(e.sha256_hex.data(), hash.data(), hash.size()) == 0) return e;
  return std::nullopt;
}

Result<TokenSet> load_tokens(const std::filesystem::path& file) {
  TokenSet set;
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return set;
  auto bytes = io::read_file(file);
  if (!bytes) return bytes.error();
  std::istringstream in(std::string(reinterpret_cast<const char*>(bytes->data()), bytes->size()));
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.empty() || line[0] == '#') continue;
    auto e = parse_line(line, "token file " + file.string() + " line " + std::to_string(n));
    if (!e) return e.error();
    set.mutable_entries().push_back(std::move(*e));
  }
  return set;
}

Status save_tokens(const std::filesystem::path& file, const TokenSet& set) {
  std::string text =
      "# citysafe API tokens (hashed; `citysafe token list|create|revoke`). Do not edit by hand.\n";
  for (const TokenEntry& e : set.entries()) {
    char created[32];
    std::snprintf(created, sizeof created, "%.0f", e.created);
    text += e.id + " " + std::string(to_string(e.scope)) + " " + e.sha256_hex + " " + created +
            (e.name.empty() ? "" : " " + e.name) + "\n";
  }
  if (auto st = io::write_text(file, text); !st) return st;
  if (::chmod(file.c_str(), 0600) != 0)
    return make_error(ErrorCode::kIo, "token file " + file.string() + ": cannot chmod 0600");
  return Ok{};
}

Result<std::string> create_token(const std::filesystem::path& file, Scope scope,
                                 std::string_view name, double now) {
  if (scope == Scope::kPublic)
    return make_error(ErrorCode::kInvalidArgument, "scope: expected read or admin");
  if (!is_name(name))
    return make_error(ErrorCode::kInvalidArgument,
                      "name: expected [A-Za-z0-9_.-]{0,64}, got '" + std::string(name) + "'");
  auto set = load_tokens(file);
  if (!set) return set.error();
  std::array<unsigned char, 36> rnd{};
  if (RAND_bytes(rnd.data(), static_cast<int>(rnd.size())) != 1)
    return make_error(ErrorCode::kIo, "token: the random generator failed");
  const std::string id = to_hex(rnd.data(), 4);
  const std::string token = "css_" + id + "_" + to_hex(rnd.data() + 4, 32);
  set->mutable_entries().push_back({id, scope, sha256_hex(token), now, std::string(name)});
  if (auto st = save_tokens(file, *set); !st) return st.error();
  return token;
}

Status revoke_token(const std::filesystem::path& file, std::string_view id) {
  auto set = load_tokens(file);
  if (!set) return set.error();
  auto& v = set->mutable_entries();
  const auto before = v.size();
  std::erase_if(v, [&](const TokenEntry& e) { return e.id == id; });
  if (v.size() == before)
    return make_error(ErrorCode::kNotFound,
                      "token id '" + std::string(id) + "' not in " + file.string());
  return save_tokens(file, *set);
}

}  // namespace css::api

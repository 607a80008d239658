// Store URL parsing (store_url.hpp).
#include "css/store/store_url.hpp"

#include <cctype>

namespace css::store {
namespace {

Error bad_url(std::string_view url, const std::string& what) {
  return make_error(ErrorCode::kInvalidArgument, "store URL '" + redact_url(url) + "': " + what);
}

// The scheme of "scheme://…", or empty when the text has none (a bare path).
std::string_view scheme_of(std::string_view url) {
  const auto colon = url.find("://");
  if (colon == std::string_view::npos || colon == 0) return {};
  const std::string_view s = url.substr(0, colon);
  if (!std::isalpha(static_cast<unsigned char>(s[0]))) return {};
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '.' || c == '-'))
      return {};
  return s;
}

Result<StoreUrl> sqlite_url(std::string_view url, std::string_view path) {
  if (path.empty()) return bad_url(url, "no database path (e.g. sqlite://data/citysafe.db)");
  if (path.find_first_of("?#") != std::string_view::npos)
    return bad_url(url, "SQLite URLs take no '?' or '#' parameters");
  if (path.back() == '/') return bad_url(url, "names a directory, not a database file");
  StoreUrl out;
  out.backend = Backend::kSqlite;
  out.path = std::string(path);
  out.redacted = redact_url(url);
  return out;
}

}  // namespace

std::string redact_url(std::string_view url) {
  std::string out(url.substr(0, kMaxStoreUrlChars));
  const auto start = out.find("://");
  if (start != std::string::npos) {
    const auto auth_begin = start + 3;
    const auto auth_end = out.find_first_of("/?#", auth_begin);
    const auto at = out.rfind('@', auth_end == std::string::npos ? out.size() : auth_end);
    if (at != std::string::npos && at >= auth_begin) {
      const auto colon = out.find(':', auth_begin);
      if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  // libpq also takes password=… as a query parameter.
  for (auto p = out.find("password="); p != std::string::npos; p = out.find("password=", p + 1)) {
    const auto end = out.find('&', p);
    out.replace(p + 9, (end == std::string::npos ? out.size() : end) - p - 9, "***");
  }
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  return out;
}

Result<StoreUrl> parse_store_url(std::string_view url) {
  if (url.empty()) return make_error(ErrorCode::kInvalidArgument, "store URL is empty");
  if (url.size() > kMaxStoreUrlChars)
    return bad_url(url, "longer than " + std::to_string(kMaxStoreUrlChars) + " characters");
  for (char c : url)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      return bad_url(url, "contains a control character");
  const std::string_view scheme = scheme_of(url);
  if (scheme.empty()) {
    if (url.starts_with("sqlite:") || url.starts_with("postgres"))
      return bad_url(url, "expected '//' after the scheme (sqlite://PATH, postgresql://HOST/DB)");
    return sqlite_url(url, url);  // a bare path
  }
  const std::string_view rest = url.substr(scheme.size() + 3);
  if (scheme == "sqlite") return sqlite_url(url, rest);
  if (scheme == "postgresql" || scheme == "postgres") {
    StoreUrl out;
    out.backend = Backend::kPostgres;
    out.conninfo = std::string(url);
    out.redacted = redact_url(url);
    return out;
  }
  return bad_url(url, "unknown scheme '" + std::string(scheme) +
                          "' (expected sqlite://PATH or postgresql://HOST/DB)");
}

}  // namespace css::store

// Parameters, text repair, errors and the prepared-statement cache of the PostgreSQL backend
// (pg_store.hpp).
#include <charconv>
#include <cstdio>

#include "pg_store.hpp"

namespace css::store::pg {
namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0.
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  if (c < 0x80) return c == 0 ? 0 : 1;
  std::size_t n = 0;
  unsigned lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  if (b(i + 1) < lo || b(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if (b(i + k) < 0x80 || b(i + k) > 0xBF) return 0;
  return n;
}

}  // namespace

std::string pg_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_length(s, i);
    if (n == 0) {
      out += '?';
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

std::string number_text(double v) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

void Params::add(double v) {
  values_.emplace_back(number_text(v));
}
void Params::add(std::int64_t v) {
  values_.emplace_back(std::to_string(v));
}
void Params::add(std::string_view text) {
  values_.emplace_back(pg_text(text));
}
void Params::add(const std::optional<double>& v) {
  if (v)
    add(*v);
  else
    values_.emplace_back(std::nullopt);
}
void Params::add_bytes(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\\x";
  out.reserve(2 + 2 * bytes.size());
  for (char c : bytes) {
    const auto u = static_cast<unsigned char>(c);
    out += kHex[u >> 4];
    out += kHex[u & 15];
  }
  values_.emplace_back(std::move(out));
}
void Params::add_raw(std::string text) {
  values_.emplace_back(std::move(text));
}

std::vector<const char*> Params::pointers() const {
  std::vector<const char*> out;
  out.reserve(values_.size());
  for (const auto& v : values_) out.push_back(v ? v->c_str() : nullptr);
  return out;
}

Error current_error(const std::string& url, std::string_view what) {
  std::string msg;
  ErrorCode code = ErrorCode::kIo;
  try {
    throw;
  } catch (const pqxx::sql_error& e) {
    msg = e.what();
    if (!e.sqlstate().empty()) msg += " (SQLSTATE " + e.sqlstate() + ")";
    if (e.sqlstate() == "3D000") code = ErrorCode::kNotFound;
  } catch (const StoreFault& e) {
    msg = e.what();
    code = e.code();
  } catch (const pqxx::broken_connection& e) {
    msg = std::string("connection failed: ") + e.what();
    // libpq reports no SQLSTATE for a failed connection: "FATAL: database "x" does not exist".
    if (msg.find("database \"") != std::string::npos &&
        msg.find("\" does not exist") != std::string::npos)
      code = ErrorCode::kNotFound;
  } catch (const std::exception& e) {
    msg = e.what();
  } catch (...) {
    msg = "unknown error";
  }
  // libpq's messages span lines ("\nHINT: …"); errors here are one line.
  for (char& c : msg)
    if (c == '\n' || c == '\r') c = ' ';
  while (!msg.empty() && msg.back() == ' ') msg.pop_back();
  return make_error(code, "store URL '" + url + "': " + std::string(what) + ": " + msg);
}

bool retryable_current() {
  try {
    throw;
  } catch (const pqxx::deadlock_detected&) {
    return true;
  } catch (const pqxx::serialization_failure&) {
    return true;
  } catch (...) {
    return false;
  }
}

PgStore::PgStore(std::unique_ptr<pqxx::connection> conn, std::string redacted_url)
    : conn_(std::move(conn)), url_(std::move(redacted_url)) {}

PgStore::~PgStore() = default;

pqxx::result PgStore::run(pqxx::transaction_base& tx, const std::string& sql,
                          const Params& params) {
  auto it = prepared_.find(sql);
  if (it == prepared_.end()) {
    const std::string name = "css" + std::to_string(prepared_.size());
    conn_->prepare(name, sql);
    it = prepared_.emplace(sql, name).first;
  }
  const std::vector<const char*> values = params.pointers();
  return tx.exec_prepared(it->second, pqxx::prepare::make_dynamic_params(values));
}

}  // namespace css::store::pg

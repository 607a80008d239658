// Query parameter checks: everything a client sends is refused with a 400 naming the
// parameter before any store call (the store checks again; this is the API's promise).
#include <charconv>
#include <cmath>
#include <cstdio>

#include "impl.hpp"

namespace css::api {

namespace {
// Well-formed UTF-8 (no overlongs, no surrogates, ≤ U+10FFFF) without control characters.
bool clean_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f) return false;
    if (c < 0x80) {
      ++i;
      continue;
    }
    int n = 0;
    std::uint32_t cp = 0;
    if ((c & 0xe0) == 0xc0) {
      n = 1;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      n = 2;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + static_cast<std::size_t>(n) >= s.size()) return false;
    for (int k = 1; k <= n; ++k) {
      const auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3f);
    }
    static constexpr std::uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += static_cast<std::size_t>(n) + 1;
  }
  return true;
}

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

std::optional<std::string> check_value(const Param& p, const std::string& v) {
  if (v.size() > p.max_chars) return "longer than " + std::to_string(p.max_chars) + " bytes";
  if (!clean_utf8(v)) return "not valid UTF-8 text (or has control characters)";
  if (p.type == "string") {
    if (p.choices.empty()) return std::nullopt;
    for (const auto& c : p.choices)
      if (c == v) return std::nullopt;
    std::string all;
    for (const auto& c : p.choices) all += (all.empty() ? "" : ", ") + c;
    return "'" + v + "' is not one of " + all;
  }
  double x = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
  if (v.empty() || ec != std::errc{} || end != v.data() + v.size() || !std::isfinite(x))
    return "'" + v + "' is not a " + p.type;
  if (p.type == "integer" && x != std::floor(x)) return "'" + v + "' is not an integer";
  if (p.minimum && x < *p.minimum) return v + " is below the minimum " + fmt(*p.minimum);
  if (p.maximum && x > *p.maximum) return v + " is above the maximum " + fmt(*p.maximum);
  return std::nullopt;
}
}  // namespace

std::optional<double> Query::number(const std::string& name) const {
  const std::string* v = get(name);
  if (!v) return std::nullopt;
  double x = 0;
  std::from_chars(v->data(), v->data() + v->size(), x);
  return x;
}

http::Response bad_parameter(const std::string& name, const std::string& why) {
  return http::Response::error(400, "bad_parameter", name + ": " + why);
}

Result<Query> check_query(const http::Request& request, const std::vector<Param>& params) {
  auto pairs = http::parse_query(request.query);
  if (!pairs) return pairs.error();
  Query q;
  for (auto& [name, value] : *pairs) {
    if (name == "access_token") continue;  // consumed by the auth check
    const Param* p = nullptr;
    for (const Param& c : params)
      if (c.name == name) p = &c;
    const std::string shown = clean_utf8(name) && name.size() <= 64 ? name : "(unprintable)";
    if (!p) {
      std::string known;
      for (const Param& c : params) known += (known.empty() ? "" : ", ") + c.name;
      return make_error(ErrorCode::kInvalidArgument, shown + ": unknown parameter (known: " +
                                                         (known.empty() ? "none" : known) + ")");
    }
    if (q.values.count(name))
      return make_error(ErrorCode::kInvalidArgument, name + ": given more than once");
    if (auto why = check_value(*p, value))
      return make_error(ErrorCode::kInvalidArgument, name + ": " + *why);
    q.values.emplace(std::move(name), std::move(value));
  }
  return q;
}

http::Response store_error(const Error& e, const std::string& param) {
  if (e.code == ErrorCode::kInvalidArgument)
    return http::Response::error(400, "bad_parameter",
                                 param.empty() ? e.message : param + ": " + e.message);
  return http::Response::error(500, "store_error", e.message);
}

}  // namespace css::api

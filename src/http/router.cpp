#include "css/http/router.hpp"

#include <cctype>
#include <cstdio>
#include <exception>

namespace css::http {

const char* to_string(Method m) {
  switch (m) {
    case Method::kGet:
      return "GET";
    case Method::kHead:
      return "HEAD";
    case Method::kPost:
      return "POST";
    case Method::kPut:
      return "PUT";
    case Method::kDelete:
      return "DELETE";
    case Method::kPatch:
      return "PATCH";
    case Method::kOptions:
      return "OPTIONS";
    case Method::kOther:
      break;
  }
  return "OTHER";
}

std::string Request::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k.size() != name.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < k.size() && same; ++i)
      same = std::tolower(static_cast<unsigned char>(k[i])) ==
             std::tolower(static_cast<unsigned char>(name[i]));
    if (same) return v;
  }
  return "";
}

std::string json_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out;
}

Response Response::json(int status, std::string body) {
  return Response{status, "application/json", std::move(body), {}, nullptr, nullptr};
}

Response Response::text(int status, std::string body, std::string content_type) {
  return Response{status, std::move(content_type), std::move(body), {}, nullptr, nullptr};
}

Response Response::error(int status, std::string_view error, std::string_view detail) {
  return json(status, "{\"error\":\"" + json_escape(error) + "\",\"detail\":\"" +
                          json_escape(detail) + "\"}\n");
}

namespace {
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<std::string> percent_decode(std::string_view s, std::string_view what) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] != '%') {
      out += s[i];
    } else {
      const int hi = i + 2 < s.size() ? hex_value(s[i + 1]) : -1;
      const int lo = i + 2 < s.size() ? hex_value(s[i + 2]) : -1;
      if (hi < 0 || lo < 0)
        return make_error(ErrorCode::kInvalidArgument,
                          std::string(what) + ": bad %-escape in the query");
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    }
  }
  return out;
}
}  // namespace

Result<std::vector<std::pair<std::string, std::string>>> parse_query(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view part = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (part.empty()) continue;
    const std::size_t eq = part.find('=');
    auto name = percent_decode(part.substr(0, eq), part.substr(0, eq));
    if (!name) return name.error();
    auto value = percent_decode(eq == std::string_view::npos ? "" : part.substr(eq + 1), *name);
    if (!value) return value.error();
    out.emplace_back(std::move(*name), std::move(*value));
  }
  return out;
}

bool Router::add(Route route) {
  for (const Route& r : routes_)
    if (r.method == route.method && r.path == route.path) return false;
  routes_.push_back(std::move(route));
  return true;
}

Response Router::dispatch(const Request& request) const {
  std::string allow;
  for (const Route& r : routes_) {
    if (r.path != request.path) continue;
    if (r.method == request.method) {
      try {
        return r.handler(request);
      } catch (const std::exception& e) {
        return Response::error(500, "internal", std::string(request.path) + ": " + e.what());
      } catch (...) {
        return Response::error(500, "internal", request.path + ": unknown error");
      }
    }
    allow += (allow.empty() ? "" : ", ") + std::string(to_string(r.method));
  }
  if (!allow.empty()) {
    Response res = Response::error(405, "method_not_allowed",
                                   std::string(to_string(request.method)) + " " + request.path +
                                       " is not allowed; allowed: " + allow);
    res.headers.emplace_back("Allow", allow);
    return res;
  }
  return Response::error(404, "not_found", "no route for " + request.path);
}

}  // namespace css::http

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
  return Response{status, "application/json", std::move(body), {}};
}

Response Response::text(int status, std::string body, std::string content_type) {
  return Response{status, std::move(content_type), std::move(body), {}};
}

Response Response::error(int status, std::string_view error, std::string_view detail) {
  return json(status, "{\"error\":\"" + json_escape(error) + "\",\"detail\":\"" +
                          json_escape(detail) + "\"}\n");
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

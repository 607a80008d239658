// The route table of our HTTP servers: the edge health endpoint now, the API of issue 18
// later ("one HTTP library for the API and the edge health endpoint"). The Router is the
// single source of truth: routes() lists every {method, path, summary, content type} so an
// OpenAPI generator can walk it; dispatch() is the only way a request reaches a handler.
//
// Contract:
//  - Paths match exactly (no patterns yet; the query string is split off and passed along).
//  - A path that exists under another method answers 405 with an Allow header; an unknown
//    path answers 404. Errors are JSON: {"error": "<kind>", "detail": "<human text>"}.
//  - Handlers run on the server's one I/O thread: they must be quick and must not block.
//    A handler that throws answers 500 (the exception never reaches the server loop).
//  - No Beast/Asio type appears here.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace css::http {

enum class Method { kGet, kHead, kPost, kPut, kDelete, kPatch, kOther };
const char* to_string(Method m);

struct Request {
  Method method = Method::kGet;
  std::string target;  // as sent: "/health?x=1"
  std::string path;    // "/health"
  std::string query;   // "x=1" (no '?'); empty if none
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // The first header named `name` (case-insensitive), or "" if absent.
  std::string header(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (Allow, ...)

  static Response json(int status, std::string body);
  static Response text(int status, std::string body, std::string content_type = "text/plain");
  // {"error": error, "detail": detail}, both JSON-escaped.
  static Response error(int status, std::string_view error, std::string_view detail);
};

using Handler = std::function<Response(const Request&)>;

struct Route {
  Method method = Method::kGet;
  std::string path;                               // exact, starts with '/'
  std::string summary;                            // one line, for docs and OpenAPI
  std::string content_type = "application/json";  // of a 200 answer, for docs and OpenAPI
  Handler handler;
};

class Router {
 public:
  // Adds a route; a second route with the same method and path replaces nothing and is
  // refused (returns false) so the table stays unambiguous.
  bool add(Route route);
  const std::vector<Route>& routes() const { return routes_; }
  Response dispatch(const Request& request) const;

 private:
  std::vector<Route> routes_;
};

// JSON string escaping (RFC 8259 §7), for handlers that build small bodies by hand.
std::string json_escape(std::string_view s);

}  // namespace css::http

// The route table of our HTTP servers: the edge health endpoint now, the API of issue 18
// later ("one HTTP library for the API and the edge health endpoint"). The Router is the
// single source of truth: routes() lists every {method, path, summary, content type} so an
// OpenAPI generator can walk it; dispatch() is the only way a request reaches a handler.
//
// Contract:
//  - Paths match exactly (no patterns yet; the query string is split off and passed along).
//  - A path that exists under another method answers 405 with an Allow header; an unknown
//    path answers 404. Errors are JSON: {"error": "<kind>", "detail": "<human text>"}.
//  - Handlers run on the server's I/O threads (one, or several at once when
//    ServerOptions::threads > 1: then they must be thread-safe). They must be quick and must
//    not block. A handler that throws answers 500 (the exception never reaches the server loop).
//    dispatch() itself only reads the route table, so it may run on several threads at once.
//  - No Beast/Asio type appears here.
//  - A Response may carry a Stream (Server-Sent Events): the server sends the headers, then
//    calls Stream::next every Stream::interval on an I/O thread and writes what it returns,
//    until next returns nullopt or the client goes away (the connection then closes).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "css/core/result.hpp"

namespace css::http {

enum class Method { kGet, kHead, kPost, kPut, kDelete, kPatch, kOptions, kOther };
const char* to_string(Method m);

struct Request {
  Method method = Method::kGet;
  std::string target;  // as sent: "/health?x=1"
  std::string path;    // "/health"
  std::string query;   // "x=1" (no '?'); empty if none
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string remote;  // the peer's IP address as text ("" when unknown: fuzzing, tests)
  // The first header named `name` (case-insensitive), or "" if absent.
  std::string header(std::string_view name) const;
};

// A streaming body: `next` returns the bytes to send now ("" = nothing yet) or nullopt to end.
// It runs on an I/O thread (never twice at once for one stream), so it must be quick.
struct Stream {
  std::chrono::milliseconds interval{250};
  std::function<std::optional<std::string>()> next;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (Allow, ...)
  std::shared_ptr<Stream> stream;  // set: body is a stream (no Content-Length; closes at end)
  // Set: sent instead of `body`, without a copy (a cached answer that many requests share).
  std::shared_ptr<const std::string> shared_body;

  const std::string& payload() const { return shared_body ? *shared_body : body; }

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

// Splits a query string ("a=1&b=x%20y") into decoded (name, value) pairs in order; '+' is a
// space. A malformed %-escape is kInvalidArgument starting "<name>: ". Decoded bytes are not
// checked for UTF-8: callers validate the values they use.
Result<std::vector<std::pair<std::string, std::string>>> parse_query(std::string_view query);

// JSON string escaping (RFC 8259 §7), for handlers that build small bodies by hand.
std::string json_escape(std::string_view s);

}  // namespace css::http

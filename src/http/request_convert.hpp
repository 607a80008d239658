// Private to css::http: Beast messages <-> our Request/Response, shared by the server and
// the request fuzz target (parse_request runs Beast's parser over raw bytes).
#pragma once

#include <boost/beast/http.hpp>
#include <string_view>

#include "css/core/result.hpp"
#include "css/http/router.hpp"

namespace css::http::detail {

Request to_request(const boost::beast::http::request<boost::beast::http::string_body>& req);
// Takes the body over (moves it): answers are built once and sent once.
boost::beast::http::response<boost::beast::http::string_body> to_beast(Response&& r, bool head,
                                                                       bool keep_alive);
// The status line and headers of an answer with a `content_length`-byte body, ending in the
// blank line: what the server writes before the body (its own serialisation, so that a
// shared body goes out without being copied into a Beast message). No Content-Length for
// 1xx, 204 and 304 (they have no body); "Connection: close" unless keep_alive.
std::string response_head(const Response& r, std::size_t content_length, bool keep_alive);
bool has_no_body(int status);  // 1xx, 204, 304
// Parses one complete request from `raw` with the server's limits (fuzzing, tests).
Result<Request> parse_request(std::string_view raw, std::size_t max_header_bytes,
                              std::size_t max_body_bytes);

}  // namespace css::http::detail

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
// Parses one complete request from `raw` with the server's limits (fuzzing, tests).
Result<Request> parse_request(std::string_view raw, std::size_t max_header_bytes,
                              std::size_t max_body_bytes);

}  // namespace css::http::detail

#include "request_convert.hpp"

#include <boost/asio/buffer.hpp>

namespace css::http::detail {

namespace bhttp = boost::beast::http;

namespace {
Method to_method(bhttp::verb v) {
  switch (v) {
    case bhttp::verb::get:
      return Method::kGet;
    case bhttp::verb::head:
      return Method::kHead;
    case bhttp::verb::post:
      return Method::kPost;
    case bhttp::verb::put:
      return Method::kPut;
    case bhttp::verb::delete_:
      return Method::kDelete;
    case bhttp::verb::patch:
      return Method::kPatch;
    case bhttp::verb::options:
      return Method::kOptions;
    default:
      return Method::kOther;
  }
}
}  // namespace

Request to_request(const bhttp::request<bhttp::string_body>& req) {
  Request r;
  r.method = to_method(req.method());
  // HEAD is answered as GET without a body (RFC 9110 §9.3.2).
  r.target = std::string(req.target());
  const std::size_t q = r.target.find('?');
  r.path = r.target.substr(0, q);
  if (q != std::string::npos) r.query = r.target.substr(q + 1);
  r.body = req.body();
  for (const auto& f : req)
    r.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  if (r.method == Method::kHead) r.method = Method::kGet;
  return r;
}

bhttp::response<bhttp::string_body> to_beast(Response&& r, bool head, bool keep_alive) {
  bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(r.status), 11};
  res.set(bhttp::field::server, "citysafe");
  res.set(bhttp::field::content_type, r.content_type);
  res.set(bhttp::field::cache_control, "no-store");
  for (const auto& [k, v] : r.headers) res.set(k, v);
  res.keep_alive(keep_alive);
  // Not a ?: — its common type is a const copy, so the body would be copied, never moved.
  if (r.shared_body)
    res.body() = *r.shared_body;
  else
    res.body() = std::move(r.body);
  res.prepare_payload();
  if (head) res.body().clear();  // Content-Length stays that of the GET answer
  return res;
}

bool has_no_body(int status) {
  return status < 200 || status == 204 || status == 304;
}

std::string response_head(const Response& r, std::size_t content_length, bool keep_alive) {
  std::string h;
  h.reserve(192);
  h += "HTTP/1.1 ";
  h += std::to_string(r.status);
  h += ' ';
  const auto reason = bhttp::obsolete_reason(static_cast<bhttp::status>(r.status));
  h.append(reason.data(), reason.size());
  h += "\r\nServer: citysafe\r\nContent-Type: ";
  h += r.content_type;
  h += "\r\nCache-Control: no-store\r\n";
  for (const auto& [k, v] : r.headers) {
    h += k;
    h += ": ";
    h += v;
    h += "\r\n";
  }
  if (!keep_alive) h += "Connection: close\r\n";
  if (!has_no_body(r.status)) {
    h += "Content-Length: ";
    h += std::to_string(content_length);
    h += "\r\n";
  }
  h += "\r\n";
  return h;
}

Result<Request> parse_request(std::string_view raw, std::size_t max_header_bytes,
                              std::size_t max_body_bytes) {
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(max_header_bytes));
  parser.body_limit(max_body_bytes);
  parser.eager(true);
  boost::beast::error_code ec;
  std::size_t used = 0;
  while (used < raw.size() && !parser.is_done()) {
    const std::size_t n = parser.put(boost::asio::buffer(raw.data() + used, raw.size() - used), ec);
    if (ec == bhttp::error::need_more) break;
    if (ec) return make_error(ErrorCode::kParse, "HTTP request: " + ec.message());
    if (n == 0) break;
    used += n;
  }
  if (!parser.is_done()) {
    // put_eof requires some bytes already taken (Beast asserts got_some()).
    if (!parser.got_some()) return make_error(ErrorCode::kParse, "HTTP request: incomplete");
    parser.put_eof(ec);
    if (ec || !parser.is_done()) return make_error(ErrorCode::kParse, "HTTP request: incomplete");
  }
  return to_request(parser.get());
}

}  // namespace css::http::detail

// Blocking GET with a deadline: async Beast operations on a private io_context, run for at
// most `timeout` (a synchronous Beast read has no timeout of its own).
#include <utility>  // before Boost 1.74 Asio: its awaitable.hpp uses std::exchange unincluded

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "css/http/client.hpp"

namespace css::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {
constexpr std::size_t kMaxBodyBytes = 1 << 20;
}

namespace {
Result<ClientResponse> exchange(bhttp::verb verb, std::string_view url, std::string_view body,
                                std::string_view content_type, std::chrono::milliseconds timeout) {
  auto parsed = parse_url(url);
  if (!parsed) return parsed.error();
  const Url& u = *parsed;
  const std::string where = std::string(bhttp::to_string(verb)) + " " + std::string(url);

  asio::io_context io;
  tcp::resolver resolver(io);
  beast::tcp_stream stream(io);
  beast::flat_buffer buffer;
  bhttp::request<bhttp::string_body> req{verb, u.target, 11};
  req.set(bhttp::field::host, u.host);
  req.set(bhttp::field::connection, "close");
  if (verb != bhttp::verb::get) {
    req.set(bhttp::field::content_type, std::string(content_type));
    req.body() = std::string(body);
    req.prepare_payload();
  }
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(kMaxBodyBytes);
  beast::error_code result = asio::error::timed_out;
  bool done = false;

  stream.expires_after(timeout);
  resolver.async_resolve(
      u.host, std::to_string(u.port), [&](beast::error_code ec, tcp::resolver::results_type eps) {
        if (ec) {
          result = ec;
          done = true;
          return;
        }
        stream.async_connect(eps, [&](beast::error_code ec2, const tcp::endpoint&) {
          if (ec2) {
            result = ec2;
            done = true;
            return;
          }
          bhttp::async_write(stream, req, [&](beast::error_code ec3, std::size_t) {
            if (ec3) {
              result = ec3;
              done = true;
              return;
            }
            bhttp::async_read(stream, buffer, parser, [&](beast::error_code ec4, std::size_t) {
              result = ec4;
              done = true;
            });
          });
        });
      });
  io.run_for(timeout);
  // The stream's own deadline and run_for's are the same instant: whichever fires first, the
  // answer is the same "no answer within" (under a slow build the stream's used to win).
  if (!done || result == beast::error::timeout) {
    // The deadline passed with work pending: cancel it and drain the handlers (bounded: the
    // cancelled operations complete at once) so nothing outlives this frame's locals.
    resolver.cancel();
    beast::error_code ignored;
    stream.socket().close(ignored);
    io.restart();
    io.run_for(std::chrono::seconds(1));
    return make_error(ErrorCode::kIo,
                      where + ": no answer within " + std::to_string(timeout.count()) + " ms");
  }
  if (result) return make_error(ErrorCode::kIo, where + ": " + result.message());
  return ClientResponse{static_cast<int>(parser.get().result_int()), parser.get().body()};
}
}  // namespace

Result<ClientResponse> get(std::string_view url, std::chrono::milliseconds timeout) {
  return exchange(bhttp::verb::get, url, {}, {}, timeout);
}

Result<ClientResponse> post(std::string_view url, std::string_view body,
                            std::string_view content_type, std::chrono::milliseconds timeout) {
  return exchange(bhttp::verb::post, url, body, content_type, timeout);
}

}  // namespace css::http

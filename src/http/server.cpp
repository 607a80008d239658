// The Beast side of css::http::Server: acceptor + one session per connection, all on one
// io_context run by ServerOptions::threads threads (Beast's "advanced server" pattern reduced
// to HTTP/1.1). Each session lives on its own strand, so its handlers never run at once even
// though different sessions run on different threads. A Session is the same code over a plain
// TCP stream or over TLS on top of it (ServerOptions::tls): only the handshake, the SSE writes
// and the close differ.
#include "css/http/server.hpp"

#include <array>
#include <atomic>
#include <utility>  // before Boost 1.74 Asio: its awaitable.hpp uses std::exchange unincluded

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>
#include <thread>
#include <type_traits>
#include <vector>

#include "request_convert.hpp"
#include "tls.hpp"

namespace css::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

// Member order matters: io is destroyed after everything a pending Session touches in its
// destructor (connections), and the acceptor before io.
struct Server::Impl {
  Router router;
  ServerOptions options;
  std::atomic<std::size_t> connections{0};
  std::atomic<bool> stopped{false};
  std::unique_ptr<asio::ssl::context> tls;  // set: every connection is TLS
  std::unique_ptr<asio::io_context> io;
  std::optional<tcp::acceptor> acceptor;
  std::vector<std::thread> threads;
  void accept();
};

namespace {

// Asio's TLS stream itself, not Beast's ssl_stream: the latter's write coalescing stalled on
// a gather write of a small head and a body over 16 KiB (Boost 1.74; the Tls tests cover it).
using TlsStream = asio::ssl::stream<beast::tcp_stream>;
constexpr std::size_t kTlsRecordBytes = 16 * 1024;

template <class S>
class Session : public std::enable_shared_from_this<Session<S>> {
  static constexpr bool kTls = std::is_same_v<S, TlsStream>;

 public:
  // The peer's address is formatted once per connection, not once per request.
  template <class... StreamArgs>
  explicit Session(Server::Impl& server, StreamArgs&&... args)
      : stream_(std::forward<StreamArgs>(args)...), server_(server) {
    beast::error_code ec;
    const auto peer = tcp_layer().socket().remote_endpoint(ec);
    if (!ec) remote_ = peer.address().to_string();
  }
  ~Session() { --server_.connections; }

  // TLS: the handshake first, bounded by io_timeout like a read; a peer that speaks plain
  // HTTP, sends garbage or stalls fails it and is closed without an answer.
  void start() {
    if constexpr (kTls) {
      tcp_layer().expires_after(server_.options.io_timeout);
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (ec) return self->close_socket();
                                self->handshaken_ = true;
                                self->read();
                              });
    } else {
      read();
    }
  }

  void read() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_.options.max_header_bytes));
    parser_->body_limit(server_.options.max_body_bytes);
    tcp_layer().expires_after(server_.options.io_timeout);
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                        self->on_read(ec);
                      });
  }

 private:
  void on_read(beast::error_code ec) {
    if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
        ec == asio::error::eof || is_tls_failure(ec))
      return close();
    if (ec == bhttp::error::body_limit)
      return reply(Response::error(413, "payload_too_large",
                                   "request body over " +
                                       std::to_string(server_.options.max_body_bytes) + " bytes"),
                   false, true);
    if (ec == bhttp::error::header_limit)
      return reply(Response::error(431, "header_too_large",
                                   "request header over " +
                                       std::to_string(server_.options.max_header_bytes) + " bytes"),
                   false, true);
    if (ec) return reply(Response::error(400, "bad_request", ec.message()), false, true);
    const auto& req = parser_->get();
    Request request = detail::to_request(req);
    request.remote = remote_;
    Response response = server_.router.dispatch(request);
    if (response.stream && response.stream->next) return start_stream(response);
    reply(std::move(response), req.method() == bhttp::verb::head, !req.keep_alive());
  }

  // Server-Sent Events and other open-ended bodies: headers without a Content-Length, then
  // whatever Stream::next yields, polled on a timer; the connection closes when it ends.
  void start_stream(const Response& r) {
    stream_src_ = r.stream;
    auto head =
        std::make_shared<std::string>("HTTP/1.1 " + std::to_string(r.status) +
                                      " OK\r\nServer: citysafe\r\nContent-Type: " + r.content_type +
                                      "\r\nCache-Control: no-store\r\nConnection: close\r\n");
    for (const auto& [k, v] : r.headers) *head += k + ": " + v + "\r\n";
    *head += "\r\n";
    tcp_layer().expires_never();
    write_chunk(head);
  }

  void write_chunk(const std::shared_ptr<std::string>& bytes) {
    asio::async_write(raw_writer(), asio::buffer(*bytes),
                      [self = this->shared_from_this(), bytes](beast::error_code ec, std::size_t) {
                        if (ec || self->server_.stopped) return self->close();
                        self->schedule_next();
                      });
  }

  void schedule_next() {
    timer_.expires_after(stream_src_->interval);
    timer_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
      if (ec || self->server_.stopped) return self->close();
      std::optional<std::string> more = self->stream_src_->next();
      if (!more) return self->close();
      if (more->empty()) return self->schedule_next();
      self->write_chunk(std::make_shared<std::string>(std::move(*more)));
    });
  }

  // Head and body go out in one gather write; the body (own or shared) is not copied. Over
  // TLS a body that fits one record (16 KiB) is appended to the head instead, so a small
  // answer is one record and one packet rather than two.
  void reply(Response r, bool head, bool close_after) {
    out_ = std::move(r);
    const std::string& body = out_.payload();
    head_ = detail::response_head(out_, body.size(), !close_after);
    const bool send_body = !head && !detail::has_no_body(out_.status);
    std::array<asio::const_buffer, 2> bytes{asio::buffer(head_),
                                            send_body ? asio::buffer(body) : asio::const_buffer{}};
    if constexpr (kTls) {
      if (send_body && body.size() <= kTlsRecordBytes) {
        head_ += body;
        bytes = {asio::buffer(head_), asio::const_buffer{}};
      }
    }
    tcp_layer().expires_after(server_.options.io_timeout);
    asio::async_write(
        stream_, bytes,
        [self = this->shared_from_this(), close_after](beast::error_code ec, std::size_t) {
          self->out_ = Response{};  // frees a large body before the next read
          if (ec || close_after) return self->close();
          self->read();
        });
  }

  // TLS sends close_notify first (clients reading to the end of an SSE stream or of a
  // "Connection: close" answer otherwise see a truncation), bounded by io_timeout.
  void close() {
    if constexpr (kTls) {
      if (handshaken_ && !closing_) {
        closing_ = true;
        tcp_layer().expires_after(server_.options.io_timeout);
        return stream_.async_shutdown(
            [self = this->shared_from_this()](beast::error_code) { self->close_socket(); });
      }
    }
    close_socket();
  }

  void close_socket() {
    beast::error_code ignored;
    tcp_layer().socket().shutdown(tcp::socket::shutdown_send, ignored);
    tcp_layer().socket().close(ignored);
  }

  beast::tcp_stream& tcp_layer() { return beast::get_lowest_layer(stream_); }
  // SSE chunks bypass the tcp_stream's timer (they have none); TLS must still encrypt them.
  auto& raw_writer() {
    if constexpr (kTls)
      return stream_;
    else
      return stream_.socket();
  }
  // A TLS record that is not one (plain HTTP, garbage) or a peer gone without close_notify.
  static bool is_tls_failure(const beast::error_code& ec) {
    if constexpr (kTls)
      return ec.category() == asio::error::get_ssl_category() ||
             ec == asio::ssl::error::stream_truncated;
    else
      return false;
  }

  S stream_;
  asio::steady_timer timer_{stream_.get_executor()};
  bool handshaken_ = false;
  bool closing_ = false;
  std::shared_ptr<Stream> stream_src_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  Response out_;      // the answer being written (owns its body until the write ends)
  std::string head_;  // its status line and headers
  Server::Impl& server_;
  std::string remote_;
};

}  // namespace

void Server::Impl::accept() {
  // Each connection gets its own strand: its reads, writes, timers and stream polls are
  // serialised while other connections run on the other I/O threads.
  acceptor->async_accept(asio::make_strand(*io), [this](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor->is_open()) return;
    if (!ec) {
      if (connections.load() >= options.max_connections) {
        beast::error_code ignored;
        socket.close(ignored);
      } else {
        ++connections;
        // An answer is one gather write: send it now rather than wait for the peer's ACK.
        beast::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        if (tls)
          std::make_shared<Session<TlsStream>>(*this, std::move(socket), *tls)->start();
        else
          std::make_shared<Session<beast::tcp_stream>>(*this, std::move(socket))->start();
      }
    }
    accept();
  });
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() {
  stop();
}

std::uint16_t Server::port() const {
  beast::error_code ec;
  const auto ep = impl_->acceptor->local_endpoint(ec);
  return ec ? 0 : ep.port();
}

Result<std::unique_ptr<Server>> Server::start(Router router, ServerOptions options) {
  auto impl = std::make_unique<Impl>();
  if (options.threads == 0) options.threads = std::max(1u, std::thread::hardware_concurrency());
  if (options.tls.enabled()) {
    auto tls = detail::make_tls_context(options.tls);
    if (!tls) return tls.error();
    impl->tls = std::move(*tls);
  }
  impl->io = std::make_unique<asio::io_context>(static_cast<int>(options.threads));
  impl->acceptor.emplace(*impl->io);
  const std::string where = options.address + ":" + std::to_string(options.port);
  beast::error_code ec;
  const auto addr = asio::ip::make_address(options.address, ec);
  if (ec)
    return make_error(ErrorCode::kInvalidArgument,
                      "HTTP bind address '" + options.address + "' is not an IP address");
  const tcp::endpoint ep(addr, options.port);
  impl->acceptor->open(ep.protocol(), ec);
  if (!ec) impl->acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor->bind(ep, ec);
  if (!ec) impl->acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return make_error(ErrorCode::kIo, "HTTP server on " + where + ": " + ec.message());
  impl->router = std::move(router);
  impl->options = std::move(options);
  impl->accept();
  Impl* raw = impl.get();
  for (std::size_t i = 0; i < raw->options.threads; ++i)
    raw->threads.emplace_back([raw] { raw->io->run(); });
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

void Server::stop() {
  if (!impl_ || impl_->stopped.exchange(true)) return;
  asio::post(*impl_->io, [impl = impl_.get()] {
    beast::error_code ignored;
    impl->acceptor->close(ignored);
    impl->io->stop();
  });
  for (std::thread& t : impl_->threads)
    if (t.joinable()) t.join();
}

}  // namespace css::http

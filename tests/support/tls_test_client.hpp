// Test support for the HTTPS server tests: TLS material made by deploy/certs/make-certs.sh
// (openssl only, as the broker fixtures do) in a temp dir, and a blocking Beast TLS client that
// verifies the server against that CA. Every step has a timeout, so a server that stalls
// fails the test instead of hanging it. Header-only; link Boost + OpenSSL.
#pragma once

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <system_error>

namespace css::testing {

// A CA, a server certificate for localhost/127.0.0.1 and one client certificate ("other":
// a valid key that matches a different certificate), under a fresh temp dir removed at the end.
class TlsMaterial {
 public:
  TlsMaterial() {
    char tmpl[] = "/tmp/css-tls-XXXXXX";
    if (const char* d = ::mkdtemp(tmpl)) dir_ = d;
    const char* src = std::getenv("CSS_SOURCE_DIR");
    const std::string script =
        std::string(src ? src : CSS_SOURCE_DIR) + "/deploy/certs/make-certs.sh";
    const std::string cmd = "/bin/bash '" + script + "' '" + dir_.string() +
                            "' --days 2 --device other >/dev/null 2>&1";
    ok_ = !dir_.empty() && std::system(cmd.c_str()) == 0;
  }
  ~TlsMaterial() {
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }
  TlsMaterial(const TlsMaterial&) = delete;
  TlsMaterial& operator=(const TlsMaterial&) = delete;

  bool ok() const { return ok_; }
  const std::filesystem::path& dir() const { return dir_; }
  std::string ca() const { return (dir_ / "ca.pem").string(); }
  std::string cert() const { return (dir_ / "server.pem").string(); }
  std::string key() const { return (dir_ / "server.key").string(); }
  std::string other_key() const { return (dir_ / "clients/other.key").string(); }

 private:
  std::filesystem::path dir_;
  bool ok_ = false;
};

// One TLS connection to 127.0.0.1:port, the server verified against `ca_file` for the name
// "localhost". Each step is an async operation run to completion under the tcp_stream's
// timeout (Asio's blocking calls would ignore a socket timeout). error() says why a step
// failed ("" if none).
class TlsClient {
 public:
  TlsClient(std::uint16_t port, const std::string& ca_file, int timeout_ms = 3000,
            std::optional<int> max_version = std::nullopt)
      : ctx_(boost::asio::ssl::context::tls_client), stream_(io_, ctx_), timeout_(timeout_ms) {
    namespace ssl = boost::asio::ssl;
    boost::system::error_code ec;
    ctx_.load_verify_file(ca_file, ec);
    if (ec) {
      fail("CA file", ec);
      return;
    }
    if (max_version) {
      // On the SSL object: it was made from the context before these lines ran.
      SSL_set_security_level(stream_.native_handle(), 0);  // let old versions be offered
      SSL_set_min_proto_version(stream_.native_handle(), 0);
      SSL_set_max_proto_version(stream_.native_handle(), *max_version);
    }
    stream_.set_verify_mode(ssl::verify_peer);
    stream_.set_verify_callback(ssl::host_name_verification("localhost"));
    SSL_set_tlsext_host_name(stream_.native_handle(), "localhost");
    const boost::asio::ip::tcp::endpoint ep{boost::asio::ip::make_address("127.0.0.1"), port};
    ec = run([&](auto done) { tcp().async_connect(ep, [done](auto e) { done(e); }); });
    if (ec) {
      fail("connect", ec);
      return;
    }
    ec = run([&](auto done) { stream_.async_handshake(ssl::stream_base::client, done); });
    if (ec) {
      fail("handshake", ec);
      return;
    }
    connected_ = true;
  }

  bool connected() const { return connected_; }
  const std::string& error() const { return error_; }

  struct Answer {
    int status = 0;
    std::string body;
    boost::beast::http::fields fields;
    std::string header(const std::string& name) const {
      const auto it = fields.find(name);
      return it == fields.end() ? "" : std::string(it->value());
    }
  };

  // One GET on this connection (keep-alive), with a bearer token if given; nullopt (and
  // error()) if it failed.
  std::optional<Answer> get(const std::string& target, const std::string& bearer = "") {
    namespace http = boost::beast::http;
    http::request<http::empty_body> req{http::verb::get, target, 11};
    req.set(http::field::host, "localhost");
    if (!bearer.empty()) req.set(http::field::authorization, "Bearer " + bearer);
    auto ec = run([&](auto done) { http::async_write(stream_, req, ignore_size(done)); });
    if (ec) {
      fail("write", ec);
      return std::nullopt;
    }
    http::response<http::string_body> res;
    ec = run([&](auto done) { http::async_read(stream_, buffer_, res, ignore_size(done)); });
    if (ec) {
      fail("read", ec);
      return std::nullopt;
    }
    Answer a;
    a.status = static_cast<int>(res.result_int());
    a.body = res.body();
    a.fields = res.base();
    return a;
  }

  // For open-ended bodies (Server-Sent Events): send_get, then read_until the raw decrypted
  // bytes contain `needle`, the peer closes or a read times out; it returns all bytes so far.
  bool send_get(const std::string& target, const std::string& bearer = "") {
    std::string req = "GET " + target + " HTTP/1.1\r\nHost: localhost\r\n";
    if (!bearer.empty()) req += "Authorization: Bearer " + bearer + "\r\n";
    req += "\r\n";
    const auto ec = run([&](auto done) {
      boost::asio::async_write(stream_, boost::asio::buffer(req), ignore_size(done));
    });
    if (ec) fail("write", ec);
    return !ec;
  }
  const std::string& read_until(const std::string& needle) {
    char buf[4096];
    for (int i = 0; i < 1000 && raw_.find(needle) == std::string::npos; ++i) {
      std::size_t n = 0;
      const auto ec = run([&](auto done) {
        stream_.async_read_some(boost::asio::buffer(buf),
                                [done, &n](auto e, std::size_t got) { n = got, done(e); });
      });
      if (ec) {
        fail("read", ec);
        break;
      }
      raw_.append(buf, n);
    }
    return raw_;
  }
  std::string get_until(const std::string& target, const std::string& needle) {
    return send_get(target) ? read_until(needle) : "";
  }

 private:
  boost::beast::tcp_stream& tcp() { return boost::beast::get_lowest_layer(stream_); }

  template <class Done>
  static auto ignore_size(Done done) {
    return [done](const boost::system::error_code& e, std::size_t) { done(e); };
  }

  // Starts one operation, runs the io_context until it completes or the timeout closes it.
  template <class Start>
  boost::system::error_code run(Start start) {
    boost::system::error_code result = boost::asio::error::would_block;
    tcp().expires_after(std::chrono::milliseconds(timeout_));
    start([&result](const boost::system::error_code& e) { result = e; });
    io_.restart();
    io_.run();
    return result;
  }

  void fail(const char* step, const boost::system::error_code& ec) {
    error_ = std::string(step) + ": " + ec.message();
  }

  boost::asio::io_context io_;
  boost::asio::ssl::context ctx_;
  boost::beast::ssl_stream<boost::beast::tcp_stream> stream_;
  boost::beast::flat_buffer buffer_;
  std::string raw_;  // what read_until has read
  int timeout_;
  bool connected_ = false;
  std::string error_;
};

}  // namespace css::testing

// A small HTTP/1.1 server (over Boost.Beast, hidden here): ServerOptions::threads I/O threads
// (1 by default), keep-alive, the Router's handlers, size limits and timeouts. Used by the edge
// health endpoint (issue 15), ingest's health endpoint and the API of issue 18.
//
// Contract:
//  - start() binds `address:port` (default 127.0.0.1; port 0 = an ephemeral port, read it back
//    with port()), then serves on its own thread until stop() or destruction. start() and
//    stop() may be called from any thread; stop() is idempotent and joins the I/O thread.
//  - A request whose headers exceed max_header_bytes answers 431, whose body exceeds
//    max_body_bytes answers 413, a malformed one answers 400; all JSON
//    {"error","detail"}, and the connection is closed after. A connection idle or slow for
//    longer than io_timeout is closed. At most max_connections are served at once; more are
//    closed on accept.
//  - The Router is copied into the server: routes cannot change while it runs.
//  - TLS (optional): with ServerOptions::tls set, the port speaks HTTPS only (TLS 1.2 or 1.3,
//    no plain HTTP): same routes, same limits. A client that sends plain HTTP or garbage, or
//    stops mid-handshake, is closed (the handshake has io_timeout too); others are unaffected.
//  - Errors: an address that does not parse or a port in use is an Error naming it; a TLS
//    file that is missing, unreadable or not PEM, or a key that does not match the
//    certificate, is kInvalidArgument "<cert_name or key_name>: '<path>': <what is wrong>".
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "css/core/result.hpp"
#include "css/http/router.hpp"

namespace css::http {

// A PEM certificate chain (leaf first, then intermediates) and its unencrypted PEM private
// key. Both empty = plain HTTP; one without the other is an error. The names are how errors
// call the two files (a flag or a setting, e.g. "api.tls_cert").
struct TlsFiles {
  std::string cert_file;
  std::string key_file;
  std::string cert_name = "TLS certificate";
  std::string key_name = "TLS key";
  bool enabled() const { return !cert_file.empty() || !key_file.empty(); }
};

// Loads and checks the files as start() would (readable, PEM, key matches certificate),
// without binding anything: for a command to reject bad flags before it opens its inputs.
Status check_tls(const TlsFiles& files);

struct ServerOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;
  std::size_t max_header_bytes = 8 * 1024;
  std::size_t max_body_bytes = 64 * 1024;
  std::chrono::milliseconds io_timeout{10000};
  std::size_t max_connections = 64;
  std::size_t threads = 1;  // I/O threads; 0 = std::thread::hardware_concurrency()
  TlsFiles tls;             // empty: plain HTTP
};

// "HOST:PORT" as --health and --metrics take it (port 0 = any free port) → ServerOptions
// with that address and port. Otherwise kInvalidArgument: "<flag>: expected HOST:PORT (e.g.
// <example>; port 0 = any free port), got '<listen>'". The address itself is checked by start().
Result<ServerOptions> listen_options(std::string_view listen, std::string_view flag,
                                     std::string_view example);

class Server {
 public:
  static Result<std::unique_ptr<Server>> start(Router router, ServerOptions options = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  std::uint16_t port() const;
  void stop();

  struct Impl;

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace css::http

// The settings table of `citysafe serve` (api.*), declared once here: listed by `citysafe
// config`, documented in docs/configuration.md (generated), read from a TOML [api] section
// (--config), --set api.NAME=VALUE and serve's own flags, which stand for these settings.
// ServeOptions holds what the table fills; its defaults are the table's (a test keeps them
// equal). Static storage.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "css/api/api.hpp"
#include "css/core/config.hpp"
#include "css/core/result.hpp"
#include "css/http/server.hpp"

namespace css::api {

std::span<const SettingSpec> api_settings();

// Everything the table sets: the API's own options and the HTTP server's.
struct ServeOptions {
  ApiOptions api;                     // rate_per_s, rate_burst, answer_cache_bytes, ...
  std::string bind = "127.0.0.1";     // api.bind
  std::uint16_t port = 8080;          // api.port
  std::string tls_cert;               // api.tls_cert: PEM chain; with tls_key, HTTPS only
  std::string tls_key;                // api.tls_key: its PEM private key
  std::size_t max_body = 16 * 1024;   // api.max_body (bytes)
  std::size_t max_connections = 256;  // api.max_connections
  std::size_t threads = 0;            // api.threads (0: one per core)
  std::string city;                   // api.city: a name in cities/ or a .toml; empty: none
  ServeOptions() { api.tokens_file = "data/api-tokens"; }
};

// From a Config over api_settings() (ranges already checked by the table).
ServeOptions serve_options_from(const Config& config);

// The HTTP server options of `serve` (address, port, TLS files, body and connection limits,
// threads). TLS errors name the settings api.tls_cert / api.tls_key.
http::ServerOptions server_options(const ServeOptions& options);

}  // namespace css::api

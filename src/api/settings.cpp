// The api.* settings table (settings.hpp).
#include "css/api/settings.hpp"

#include <array>

namespace css::api {
namespace {

using T = SettingType;

constexpr std::array kApiSettings = {
    SettingSpec{.name = "api.bind",
                .type = T::kString,
                .default_value = "127.0.0.1",
                .unit = "",
                .doc = "Address to listen on (0.0.0.0 = every interface: set api.tls_cert and "
                       "api.tls_key, or put a TLS proxy in front)."},
    SettingSpec{.name = "api.port",
                .type = T::kInt,
                .default_value = "8080",
                .unit = "",
                .doc = "TCP port (0 = any free port, printed in the log).",
                .min = 0,
                .max = 65535},
    SettingSpec{.name = "api.tls_cert",
                .type = T::kString,
                .default_value = "",
                .unit = "",
                .doc = "PEM certificate chain (leaf first): with api.tls_key the port serves "
                       "HTTPS only, TLS 1.2+ (empty: plain HTTP)."},
    SettingSpec{.name = "api.tls_key",
                .type = T::kString,
                .default_value = "",
                .unit = "",
                .doc = "Unencrypted PEM private key of api.tls_cert."},
    SettingSpec{.name = "api.tokens",
                .type = T::kString,
                .default_value = "data/api-tokens",
                .unit = "",
                .doc = "Hashed token file (`citysafe token`)."},
    SettingSpec{.name = "api.allow_anonymous_read",
                .type = T::kBool,
                .default_value = "false",
                .unit = "",
                .doc = "Let requests without a token read everything (logged loudly at start)."},
    SettingSpec{.name = "api.rate_limit",
                .type = T::kDouble,
                .default_value = "200",
                .unit = "req/s",
                .doc = "Requests per second per client IP, sustained (0 = off).",
                .min = 0,
                .max = 1e6},
    SettingSpec{.name = "api.burst",
                .type = T::kDouble,
                .default_value = "400",
                .unit = "requests",
                .doc = "Requests per client IP allowed in a burst.",
                .min = 1,
                .max = 1e6},
    SettingSpec{.name = "api.heartbeat_allowance_s",
                .type = T::kDouble,
                .default_value = "90",
                .unit = "s",
                .doc = "Silence before a device is marked offline and alerted (nodes send a "
                       "heartbeat every 30 s by default).",
                .min = 1,
                .max = 86400.0 * 30},
    SettingSpec{.name = "api.answer_cache_mb",
                .type = T::kInt,
                .default_value = "16",
                .unit = "MiB",
                .doc = "Memory for repeated /api/v1/events pages while the SQLite store is "
                       "unchanged (any commit empties it; 0 = off; PostgreSQL: never cached).",
                .min = 0,
                .max = 4096},
    SettingSpec{.name = "api.threads",
                .type = T::kInt,
                .default_value = "0",
                .unit = "",
                .doc = "I/O threads answering requests (0 = one per core); each holds its own "
                       "store connection while it answers.",
                .min = 0,
                .max = 256},
    SettingSpec{.name = "api.max_body",
                .type = T::kInt,
                .default_value = "16384",
                .unit = "bytes",
                .doc = "Largest request body (larger: 413).",
                .min = 0,
                .max = 1 << 24},
    SettingSpec{.name = "api.max_connections",
                .type = T::kInt,
                .default_value = "256",
                .unit = "",
                .doc = "Connections served at once (SSE clients count).",
                .min = 1,
                .max = 100000},
    SettingSpec{.name = "api.city",
                .type = T::kString,
                .default_value = "",
                .unit = "",
                .doc = "City for /api/v1/hotspots and /flows: a name in cities/ or a .toml file "
                       "(empty: those routes answer 503)."},
    SettingSpec{.name = "api.tile_url",
                .type = T::kString,
                .default_value = "",
                .unit = "",
                .doc = "Map tile URL template for the dashboard, e.g. "
                       "http://tiles.local/{z}/{x}/{y}.png (empty: a plain background)."},
    SettingSpec{.name = "api.alert_webhook",
                .type = T::kString,
                .default_value = "",
                .unit = "",
                .doc = "http://HOST[:PORT]/PATH to POST each fleet alert to as JSON (empty: "
                       "none)."},
};

std::size_t size_of(const Config& c, std::string_view name) {
  return static_cast<std::size_t>(c.get_int(name));
}

}  // namespace

std::span<const SettingSpec> api_settings() {
  return kApiSettings;
}

ServeOptions serve_options_from(const Config& c) {
  ServeOptions o;
  o.bind = c.get_string("api.bind");
  o.port = static_cast<std::uint16_t>(c.get_int("api.port"));
  o.tls_cert = c.get_string("api.tls_cert");
  o.tls_key = c.get_string("api.tls_key");
  o.api.tokens_file = c.get_string("api.tokens");
  o.api.allow_anonymous_read = c.get_bool("api.allow_anonymous_read");
  o.api.rate_per_s = c.get_double("api.rate_limit");
  o.api.rate_burst = c.get_double("api.burst");
  o.api.heartbeat_allowance_s = c.get_double("api.heartbeat_allowance_s");
  o.api.answer_cache_bytes = size_of(c, "api.answer_cache_mb") << 20;
  o.threads = size_of(c, "api.threads");
  o.max_body = size_of(c, "api.max_body");
  o.max_connections = size_of(c, "api.max_connections");
  o.city = c.get_string("api.city");
  o.api.tile_url = c.get_string("api.tile_url");
  o.api.alert_webhook = c.get_string("api.alert_webhook");
  return o;
}

http::ServerOptions server_options(const ServeOptions& o) {
  http::ServerOptions so;
  so.address = o.bind;
  so.port = o.port;
  so.max_body_bytes = o.max_body;
  so.max_connections = o.max_connections;
  so.threads = o.threads;
  so.tls.cert_file = o.tls_cert;
  so.tls.key_file = o.tls_key;
  so.tls.cert_name = "api.tls_cert";  // a command maps these to its flags (name_flag)
  so.tls.key_name = "api.tls_key";
  return so;
}

}  // namespace css::api

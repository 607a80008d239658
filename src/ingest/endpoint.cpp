// /metrics and /health of `citysafe ingest` (css/ingest/endpoint.hpp).
#include "css/ingest/endpoint.hpp"

#include <charconv>

#include "css/http/router.hpp"

namespace css::ingest {

Result<std::unique_ptr<http::Server>> serve_metrics(const std::string& listen,
                                                    const IngestMetrics& metrics) {
  const auto colon = listen.rfind(':');
  unsigned port = 0;
  const char* end = listen.data() + listen.size();
  const auto parsed = colon == std::string::npos
                          ? std::from_chars_result{listen.data(), std::errc::invalid_argument}
                          : std::from_chars(listen.data() + colon + 1, end, port);
  if (colon == 0 || parsed.ec != std::errc{} || parsed.ptr != end || port > 65535) {
    return make_error(ErrorCode::kInvalidArgument,
                      "--metrics: expected HOST:PORT (e.g. 127.0.0.1:9108; port 0 = any free "
                      "port), got '" +
                          listen + "'");
  }
  http::Router router;
  router.add({.method = http::Method::kGet,
              .path = "/metrics",
              .summary = "Ingest counters in the Prometheus text format",
              .content_type = "text/plain; version=0.0.4",
              .handler = [&metrics](const http::Request&) {
                return http::Response::text(200, to_prometheus(metrics),
                                            "text/plain; version=0.0.4");
              }});
  router.add({.method = http::Method::kGet,
              .path = "/health",
              .summary = "ok (200) while connected and committing, degraded (503) otherwise",
              .content_type = "application/json",
              .handler = [&metrics](const http::Request&) {
                const bool ok = metrics.broker_connected.load() && metrics.subscribed.load() &&
                                metrics.store_ok.load();
                return http::Response::json(ok ? 200 : 503, health_json(metrics));
              }});
  return http::Server::start(std::move(router), {.address = listen.substr(0, colon),
                                                 .port = static_cast<std::uint16_t>(port)});
}

}  // namespace css::ingest

// /metrics and /health of `citysafe ingest` (css/ingest/endpoint.hpp).
#include "css/ingest/endpoint.hpp"

#include "css/http/router.hpp"

namespace css::ingest {

Result<std::unique_ptr<http::Server>> serve_metrics(const std::string& listen,
                                                    const IngestMetrics& metrics) {
  auto options = http::listen_options(listen, "--metrics", "127.0.0.1:9108");
  if (!options) return options.error();
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
  return http::Server::start(std::move(router), *options);
}

}  // namespace css::ingest

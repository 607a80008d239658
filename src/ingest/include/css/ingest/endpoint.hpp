// The ingest process's HTTP endpoint on css::http: GET /metrics (Prometheus text of
// IngestMetrics) and GET /health (JSON; 200 while connected to the broker and the last commit
// succeeded, 503 otherwise). `listen` is "HOST:PORT" (port 0 = any free port, read it back
// from the server); a malformed one is kInvalidArgument naming --metrics.
#pragma once

#include <memory>
#include <string>

#include "css/core/result.hpp"
#include "css/http/server.hpp"
#include "css/ingest/metrics.hpp"

namespace css::ingest {

// `metrics` must outlive the server.
Result<std::unique_ptr<http::Server>> serve_metrics(const std::string& listen,
                                                    const IngestMetrics& metrics);

}  // namespace css::ingest

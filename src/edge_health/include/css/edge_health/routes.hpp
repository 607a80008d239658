// The edge health endpoint: GET /health (JSON) and GET /metrics (Prometheus text exposition
// format 0.0.4) on a css::http::Router. docs/health.md lists every field and metric.
//
// Contract: the handlers read `state` and `probe` (both thread-safe) and must outlive the
// server they are registered on (they are held by reference). /health answers 200 when
// status is "ok" or "degraded" and 503 when "failing", so a plain HTTP check sees it too.
#pragma once

#include <string>

#include "css/edge_health/health_state.hpp"
#include "css/edge_health/system_stats.hpp"
#include "css/http/router.hpp"

namespace css::edge_health {

std::string health_json(const HealthSnapshot& h, const SystemStats& sys);
std::string metrics_text(const HealthSnapshot& h, const SystemStats& sys);

void add_health_routes(http::Router& router, const HealthState& state, SystemProbe& probe);

}  // namespace css::edge_health

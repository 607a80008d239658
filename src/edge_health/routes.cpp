#include "css/edge_health/routes.hpp"

#include <cmath>
#include <cstdio>

namespace css::edge_health {
namespace {

// A number for JSON: one decimal, or null for an unknown (-1) figure.
std::string num(double v) {
  if (v < 0 || !std::isfinite(v)) return "null";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

// One metric family: HELP and TYPE lines, then the sample (exposition format 0.0.4:
// https://prometheus.io/docs/instrumenting/exposition_formats/).
void family(std::string& out, const char* name, const char* type, const char* help,
            const std::string& value) {
  out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" +
         name + " " + value + "\n";
}

std::string u(std::uint64_t v) {
  return std::to_string(v);
}
std::string g(double v) {  // gauges: NaN for unknown, as Prometheus spells it
  if (v < 0 || !std::isfinite(v)) return "NaN";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

}  // namespace

std::string health_json(const HealthSnapshot& h, const SystemStats& sys) {
  return std::string("{\"status\":\"") + to_string(h.status) +
         "\",\"uptime_s\":" + num(h.uptime_s) + ",\"cpu_pct\":" + num(sys.cpu_pct) +
         ",\"mem_pct\":" + num(sys.mem_pct) + ",\"disk_pct\":" + num(sys.disk_pct) +
         ",\"broker_connected\":" + (h.broker_connected ? "true" : "false") +
         ",\"spool_depth\":" + u(h.spool_depth) + ",\"spool_bytes\":" + u(h.spool_bytes) +
         ",\"last_inference_age_s\":" + num(h.last_inference_age_s) + ",\"model\":\"" +
         http::json_escape(h.model) + "\"}\n";
}

std::string metrics_text(const HealthSnapshot& h, const SystemStats& sys) {
  std::string out;
  const Counters& c = h.counters;
  family(out, "citysafe_samples_total", "counter", "Sensor samples read.", u(c.samples));
  family(out, "citysafe_windows_total", "counter", "Windows inferred.", u(c.windows));
  family(out, "citysafe_events_total", "counter", "Events detected.", u(c.events));
  family(out, "citysafe_publishes_total", "counter", "MQTT publishes sent.", u(c.publishes));
  family(out, "citysafe_pubacks_total", "counter", "MQTT PUBACKs received.", u(c.pubacks));
  family(out, "citysafe_spool_drops_total", "counter", "Spool records dropped at the cap.",
         u(c.spool_drops));
  family(out, "citysafe_reconnects_total", "counter", "MQTT reconnects.", u(c.reconnects));
  family(out, "citysafe_spool_depth", "gauge", "Records waiting in the spool.", u(h.spool_depth));
  family(out, "citysafe_spool_bytes", "gauge", "Bytes held by the spool.", u(h.spool_bytes));
  family(out, "citysafe_broker_connected", "gauge", "1 if the MQTT broker is connected.",
         h.broker_connected ? "1" : "0");
  family(out, "citysafe_uptime_seconds", "gauge", "Seconds since the runtime started.",
         g(h.uptime_s));
  family(out, "citysafe_last_inference_age_seconds", "gauge",
         "Seconds since the last inference (NaN: none yet).", g(h.last_inference_age_s));
  family(out, "citysafe_health_status", "gauge", "0 ok, 1 degraded, 2 failing.",
         u(static_cast<std::uint64_t>(h.status)));
  family(out, "citysafe_process_cpu_percent", "gauge", "Process CPU, % of one core.",
         g(sys.cpu_pct));
  family(out, "citysafe_memory_used_percent", "gauge", "System memory in use, %.", g(sys.mem_pct));
  family(out, "citysafe_disk_used_percent", "gauge", "Spool filesystem in use, %.",
         g(sys.disk_pct));
  return out;
}

void add_health_routes(http::Router& router, const HealthState& state, SystemProbe& probe) {
  router.add({http::Method::kGet, "/health", "Edge runtime health (status, load, uplink, model)",
              "application/json", [&state, &probe](const http::Request&) {
                const HealthSnapshot h = state.snapshot();
                return http::Response::json(h.status == HealthStatus::kFailing ? 503 : 200,
                                            health_json(h, probe.sample()));
              }});
  router.add({http::Method::kGet, "/metrics", "Prometheus metrics of the edge runtime",
              "text/plain; version=0.0.4", [&state, &probe](const http::Request&) {
                return http::Response::text(200, metrics_text(state.snapshot(), probe.sample()),
                                            "text/plain; version=0.0.4; charset=utf-8");
              }});
}

}  // namespace css::edge_health

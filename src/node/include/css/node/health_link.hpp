// HealthLink: serves the node's /health and /metrics (css::edge_health over css::http) from
// the runtime's RuntimeStats, and pings the systemd watchdog while inference progresses.
//
// Contract: start() binds the HTTP server (address:port; port 0 = ephemeral, see port()) and a
// thread that, once a second, copies RuntimeStats into the HealthState (counters as deltas,
// gauges as values) and sends WATCHDOG=1 only when the last inference is younger than
// failing_after_s, so a hung pipeline stops the pings and systemd restarts the node. READY=1 is
// sent once the endpoint serves. `stats` must outlive the link; the destructor stops both.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "css/core/result.hpp"
#include "css/edge_health/health_state.hpp"
#include "css/edge_health/system_stats.hpp"
#include "css/edge_health/systemd_notify.hpp"
#include "css/http/server.hpp"
#include "css/node/stats.hpp"

namespace css::node {

class HealthLink {
 public:
  // listen: "HOST:PORT" (e.g. 127.0.0.1:8081; port 0 = any free port).
  static Result<std::unique_ptr<HealthLink>> start(const std::string& listen,
                                                   const RuntimeStats& stats,
                                                   const std::filesystem::path& spool_dir,
                                                   const std::string& model_name);
  ~HealthLink();
  HealthLink(const HealthLink&) = delete;
  HealthLink& operator=(const HealthLink&) = delete;
  std::uint16_t port() const { return server_->port(); }

 private:
  HealthLink(const RuntimeStats& stats, const std::filesystem::path& spool_dir);
  void sync();
  void loop();

  const RuntimeStats& stats_;
  edge_health::HealthState health_;
  edge_health::SystemProbe probe_;
  edge_health::SystemdNotifier notify_;
  std::unique_ptr<http::Server> server_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::uint64_t samples_ = 0, events_ = 0, publishes_ = 0, pubacks_ = 0, spool_drops_ = 0;
  double last_inference_ = 0.0;
};

}  // namespace css::node

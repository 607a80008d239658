#include "css/node/health_link.hpp"

#include <chrono>
#include <ctime>

#include "css/edge_health/routes.hpp"

namespace css::node {

namespace {

double wall_now_s() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

HealthLink::HealthLink(const RuntimeStats& stats, const std::filesystem::path& spool_dir)
    : stats_(stats), probe_(spool_dir) {}

Result<std::unique_ptr<HealthLink>> HealthLink::start(const std::string& listen,
                                                      const RuntimeStats& stats,
                                                      const std::filesystem::path& spool_dir,
                                                      const std::string& model_name) {
  auto options = http::listen_options(listen, "--health", "127.0.0.1:8081");
  if (!options) return options.error();
  std::unique_ptr<HealthLink> link(new HealthLink(stats, spool_dir));
  link->health_.set_model(model_name);
  http::Router router;
  edge_health::add_health_routes(router, link->health_, link->probe_);
  auto server = http::Server::start(std::move(router), *options);
  if (!server) return server.error();
  link->server_ = std::move(*server);
  link->sync();
  (void)link->notify_.ready();
  link->thread_ = std::thread([l = link.get()] { l->loop(); });
  return link;
}

HealthLink::~HealthLink() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  (void)notify_.stopping();
  if (server_) server_->stop();
}

void HealthLink::sync() {
  const auto delta = [](const std::atomic<std::uint64_t>& now, std::uint64_t& seen) {
    const std::uint64_t v = now.load();
    const std::uint64_t d = v >= seen ? v - seen : 0;
    seen = v;
    return d;
  };
  health_.add_samples(delta(stats_.samples, samples_));
  health_.add_events(delta(stats_.events, events_));
  health_.add_publishes(delta(stats_.publishes, publishes_));
  health_.add_pubacks(delta(stats_.pubacks, pubacks_));
  health_.set_broker_connected(stats_.broker_connected.load());
  health_.set_spool(stats_.spool_depth.load(), stats_.spool_bytes.load());
  health_.add_spool_drops(delta(stats_.spool_drops, spool_drops_));
  const double last = stats_.last_inference_unix_s.load();
  if (last > 0.0 && last != last_inference_) {
    last_inference_ = last;
    const auto age = std::chrono::duration<double>(std::max(0.0, wall_now_s() - last));
    health_.mark_inference(edge_health::Clock::now() -
                           std::chrono::duration_cast<edge_health::Clock::duration>(age));
  }
}

void HealthLink::loop() {
  auto next_ping = edge_health::Clock::now();
  while (!stop_) {
    for (int i = 0; i < 10 && !stop_; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    sync();
    const auto now = edge_health::Clock::now();
    if (now >= next_ping && health_.snapshot(now).status != edge_health::HealthStatus::kFailing) {
      (void)notify_.watchdog();  // only while inference progresses: a hung loop stops the pings
      next_ping = now + notify_.watchdog_interval();
    }
  }
}

}  // namespace css::node

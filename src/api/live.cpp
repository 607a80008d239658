// The live feed behind /api/v1/stream: new events polled from the store, fleet alerts from
// device statuses, kept in a small ring that every SSE client reads from by sequence number.
#include <nlohmann/json.hpp>

#include <chrono>

#include "css/core/event.hpp"
#include "css/http/client.hpp"
#include "css/store/cursor.hpp"
#include "impl.hpp"

namespace css::api {

namespace {
constexpr std::size_t kRingSize = 2000;
constexpr std::size_t kAlertsKept = 200;
constexpr std::size_t kOutboxMax = 1000;
}  // namespace

LiveFeed::LiveFeed(std::unique_ptr<store::EventStore> store, const ApiOptions& options)
    : store_(std::move(store)), options_(options) {
  if (!options_.alert_webhook.empty())
    worker_ = std::thread([this] {
      std::unique_lock lock(out_mu_);
      for (;;) {
        cv_.wait(lock, [this] { return stopping_ || !outbox_.empty(); });
        if (stopping_) return;
        std::string body = std::move(outbox_.front());
        outbox_.pop_front();
        lock.unlock();
        auto r =
            http::post(options_.alert_webhook, body, "application/json", std::chrono::seconds(5));
        if (!r)
          options_.log("alert webhook: " + r.error().message);
        else if (r->status >= 300)
          options_.log("alert webhook " + options_.alert_webhook + " answered " +
                       std::to_string(r->status));
        lock.lock();
      }
    });
}

LiveFeed::~LiveFeed() {
  {
    std::lock_guard lock(out_mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void LiveFeed::push(const std::string& event_name, const std::string& json) {
  ++seq_;
  ring_.emplace_back(
      seq_, "id: " + std::to_string(seq_) + "\nevent: " + event_name + "\ndata: " + json + "\n\n");
  if (ring_.size() > kRingSize) ring_.pop_front();
}

// One poller at a time: a tick that finds another thread polling skips (that poll serves it).
void LiveFeed::tick() {
  std::unique_lock poller(poll_mu_, std::try_to_lock);
  if (!poller.owns_lock()) return;
  const double now = options_.clock();
  if ((now - last_poll_) * 1000.0 < static_cast<double>(options_.poll_interval.count())) return;
  last_poll_ = now;
  poll_events();
  poll_fleet(now);
}

// The first poll only finds where "now" is (the newest stored event): the stream carries what
// arrives after the server started, not history (the dashboard reads /api/v1/events for that).
void LiveFeed::poll_events() {
  store::EventQuery q;
  q.limit = primed_ ? 500 : 1;
  q.newest_first = !primed_;
  q.after = cursor_;
  auto page = store_->events(q);
  if (!page) {
    options_.log("live feed: " + page.error().message);
    return;
  }
  if (!page->events.empty()) {
    const Event& last = page->events.back();
    cursor_ = store::encode_cursor({last.timestamp, last.id});
  }
  if (primed_) {
    std::lock_guard lock(mu_);
    for (const Event& e : page->events) push("event", to_json(e));
  }
  primed_ = true;
}

bool LiveFeed::offline(const store::DeviceStatus& s, double now) const {
  return !s.online || now - s.last_seen > options_.heartbeat_allowance_s;
}

void LiveFeed::poll_fleet(double now) {
  auto statuses = store_->device_statuses();
  if (!statuses) {
    options_.log("fleet check: " + statuses.error().message);
    return;
  }
  std::lock_guard lock(mu_);
  for (const auto& s : *statuses) {
    const bool off = offline(s, now);
    auto it = offline_.find(s.device);
    const bool known = it != offline_.end();
    if (known && it->second == off) continue;
    offline_[s.device] = off;
    if (!known && !off) continue;  // first sight of a healthy device: nothing to say
    nlohmann::ordered_json a = {
        {"type", off ? "device_offline" : "device_online"},
        {"device", s.device},
        {"time", now},
        {"last_seen", s.last_seen},
        {"reason",
         !off ? "status heard again"
         : !s.online
             ? "last will: the broker reported the connection lost"
             : "silent for " + std::to_string(static_cast<long long>(now - s.last_seen)) +
                   " s (allowance " +
                   std::to_string(static_cast<long long>(options_.heartbeat_allowance_s)) + " s)"}};
    const std::string text =
        a.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    options_.log("alert: " + text);
    push("alert", text);
    alerts_.push_back(text);
    if (alerts_.size() > kAlertsKept) alerts_.pop_front();
    if (!options_.alert_webhook.empty()) send_webhook(text);
  }
}

void LiveFeed::send_webhook(std::string json) {
  {
    std::lock_guard lock(out_mu_);
    if (outbox_.size() >= kOutboxMax) outbox_.pop_front();
    outbox_.push_back(std::move(json));
  }
  cv_.notify_one();
}

std::uint64_t LiveFeed::last_seq() const {
  std::lock_guard lock(mu_);
  return seq_;
}

std::string LiveFeed::since(std::uint64_t& after) {
  std::lock_guard lock(mu_);
  std::string out;
  for (const auto& [seq, text] : ring_)
    if (seq > after) out += text;
  after = seq_;
  return out;
}

std::vector<std::string> LiveFeed::recent_alerts() const {
  std::lock_guard lock(mu_);
  return {alerts_.begin(), alerts_.end()};
}

std::size_t LiveFeed::offline_count() const {
  std::lock_guard lock(mu_);
  std::size_t n = 0;
  for (const auto& [d, off] : offline_) n += off;
  return n;
}

}  // namespace css::api

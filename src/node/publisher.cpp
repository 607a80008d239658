// The publisher thread: queue → spool → MQTT, acks back into the spool (publisher.hpp).
#include "css/node/publisher.hpp"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <utility>

namespace css::node {
namespace {

using Clock = std::chrono::steady_clock;

struct Item {
  bool is_event = false;
  Event event;
  spool::Kind kind = spool::Kind::kEvent;
  std::string topic, payload;
};

struct InFlight {
  spool::Seq seq = 0;
  spool::Kind kind = spool::Kind::kEvent;
  std::string topic;
  Clock::time_point sent;
};

constexpr auto kInflightExpiry = std::chrono::seconds(30);

std::span<const std::byte> as_bytes(const std::string& s) {
  return std::as_bytes(std::span<const char>(s.data(), s.size()));
}

}  // namespace

std::string topic_for(std::string_view kind, std::string_view device) {
  return "citysafesense/" + std::string(kind) + "/" + std::string(device);
}

struct Publisher::Impl {
  PublisherOptions opts;
  Log& log;
  RuntimeStats& stats;
  std::optional<spool::Spool> spool;
  std::unique_ptr<mqtt::Client> client;
  std::string status_topic;

  std::mutex mu;
  std::condition_variable cv;
  std::deque<Item> queue;
  std::deque<std::pair<mqtt::MessageId, int>> acks;
  bool reconnected = false, stopping = false;
  Clock::time_point drain_deadline;
  std::thread thread;

  // Owned by the publisher thread only.
  std::map<mqtt::MessageId, InFlight> inflight;
  std::set<spool::Seq> sent;
  spool::Seq cursor = 0;
  Clock::time_point next_heartbeat = Clock::now();

  Impl(PublisherOptions o, Log& l, RuntimeStats& s) : opts(std::move(o)), log(l), stats(s) {}

  void notify(const std::function<void()>& change) {
    {
      const std::lock_guard lock(mu);
      change();
    }
    cv.notify_all();
  }

  void append(Item& item) {
    if (item.is_event) {
      item.event.seq = spool->next_seq();
      if (auto st = validate_event(item.event); !st) {
        log.warn("event not published, invalid: " + st.error().message);
        return;
      }
      item.topic = opts.events_topic;
      item.payload = to_json(item.event);
    }
    const std::string record = item.topic + "\n" + item.payload;
    auto seq = spool->append(item.kind, as_bytes(record));
    if (seq && item.is_event)
      log.info("Event spooled (seq " + std::to_string(*seq) + ", " +
               std::string(to_string(item.event.event)) + ")");
    if (!seq) {
      ++stats.spool_errors;
      log.warn("spool append failed (" + seq.error().message + "); publishing without a copy");
      if (client->connected())
        (void)client->publish(item.topic, item.payload, mqtt::Qos::kAtLeastOnce);
    }
  }

  void handle_ack(mqtt::MessageId mid, int reason) {
    const auto it = inflight.find(mid);
    if (it == inflight.end()) return;  // a status message, or expired
    const InFlight f = it->second;
    inflight.erase(it);
    sent.erase(f.seq);
    if (reason >= 0x80) {
      ++stats.refused;
      log.warn("broker refused seq " + std::to_string(f.seq) + " on " + f.topic + ": reason " +
               std::to_string(reason) + " (kept in the spool)");
      return;
    }
    if (auto st = spool->ack(f.seq); !st) {
      ++stats.spool_errors;
      log.warn("spool ack failed: " + st.error().message);
    }
    ++stats.pubacks;
    if (f.kind == spool::Kind::kEvent)
      log.mqtt("Published event to " + f.topic + " (seq " + std::to_string(f.seq) + ")");
  }

  // Depth, bytes on disk and drops for /health and /metrics; a drop is logged when it happens.
  void publish_spool_gauges() {
    stats.spool_depth = spool->depth();
    stats.spool_bytes = spool->disk_bytes();
    const auto& dropped = spool->counters().dropped;
    const std::uint64_t before = stats.spool_drops.exchange(dropped.total());
    if (dropped.total() > before)
      log.warn("spool over its cap: dropped " + std::to_string(dropped.total() - before) +
               " record(s), oldest first (" + std::to_string(dropped.flow) +
               " flow/telemetry and " + std::to_string(dropped.event) + " events so far)");
  }

  void publish_status(const char* payload) {
    if (client->connected())
      (void)client->publish(status_topic, payload, mqtt::Qos::kAtLeastOnce, true);
  }

  void expire_inflight() {
    const auto now = Clock::now();
    for (auto it = inflight.begin(); it != inflight.end();) {
      if (now - it->second.sent > kInflightExpiry) {
        sent.erase(it->second.seq);
        it = inflight.erase(it);
        cursor = 0;
      } else {
        ++it;
      }
    }
  }

  // Publishes pending records after `cursor` while the window has room.
  void pump() {
    for (int round = 0; round < 64 && client->connected(); ++round) {
      if (inflight.size() >= opts.max_inflight) return;
      auto batch = spool->next_batch(opts.max_inflight - inflight.size(), cursor);
      if (!batch) {
        ++stats.spool_errors;
        log.warn("spool read failed: " + batch.error().message);
        return;
      }
      if (batch->empty()) return;
      for (const auto& rec : *batch)
        if (!publish_record(rec)) return;
    }
  }

  bool publish_record(const spool::Record& rec) {
    if (sent.count(rec.seq) != 0) {
      cursor = rec.seq;
      return true;
    }
    const std::string_view text(reinterpret_cast<const char*>(rec.payload.data()),
                                rec.payload.size());
    const auto nl = text.find('\n');
    if (nl == std::string_view::npos || nl == 0) {
      log.warn("spool record seq " + std::to_string(rec.seq) + " has no topic; released");
      (void)spool->ack(rec.seq);
      cursor = rec.seq;
      return true;
    }
    const std::string topic(text.substr(0, nl));
    auto mid = client->publish(topic, text.substr(nl + 1), mqtt::Qos::kAtLeastOnce);
    if (!mid) return false;  // disconnected: replay from here after the reconnect
    inflight[*mid] = InFlight{rec.seq, rec.kind, topic, Clock::now()};
    sent.insert(rec.seq);
    cursor = rec.seq;
    ++stats.publishes;
    return true;
  }

  void run() {
    if (auto st = client->connect(); !st)
      log.warn("no broker yet (" + st.error().message + "); retrying in the background");
    for (;;) {
      std::deque<Item> items;
      std::deque<std::pair<mqtt::MessageId, int>> got;
      bool reconnect = false, stop = false;
      Clock::time_point deadline;
      {
        std::unique_lock lock(mu);
        cv.wait_for(lock, std::chrono::milliseconds(100),
                    [&] { return !queue.empty() || !acks.empty() || reconnected || stopping; });
        items.swap(queue);
        got.swap(acks);
        std::swap(reconnect, reconnected);
        stop = stopping;
        deadline = drain_deadline;
      }
      for (auto& item : items) append(item);
      for (const auto& [mid, reason] : got) handle_ack(mid, reason);
      const auto now = Clock::now();
      if (reconnect) {
        cursor = 0;
        next_heartbeat = now;
      }
      if (now >= next_heartbeat && client->connected()) {
        publish_status("online");
        next_heartbeat =
            now + std::chrono::milliseconds(static_cast<long>(opts.heartbeat_s * 1000));
      }
      expire_inflight();
      pump();
      publish_spool_gauges();
      if (stop && (spool->depth() == 0 || now >= deadline)) break;
    }
    if (client->connected()) {
      if (auto mid = client->publish(status_topic, "offline", mqtt::Qos::kAtLeastOnce, true); mid)
        (void)client->wait_for_ack(*mid, 2000);
    }
    client->disconnect();
    stats.broker_connected = false;
    (void)spool->sync();
  }
};

Result<std::unique_ptr<Publisher>> Publisher::start(PublisherOptions options, Log& log,
                                                    RuntimeStats& stats) {
  // A missing certificate would only show as a background retry loop: refuse it up front.
  for (const auto& [flag, file] : {std::pair{"--tls-cert", options.mqtt.ca_file},
                                   std::pair{"--client-cert", options.mqtt.cert_file},
                                   std::pair{"--client-key", options.mqtt.key_file}}) {
    std::error_code ec;
    if (!file.empty() && !std::filesystem::is_regular_file(file, ec))
      return make_error(ErrorCode::kNotFound, std::string(flag) + ": cannot read '" + file + "'");
  }
  if (options.mqtt.ca_file.empty())
    return make_error(ErrorCode::kInvalidArgument, "--tls-cert: a CA file is required (TLS only)");
  auto impl = std::make_unique<Impl>(std::move(options), log, stats);
  auto sp = spool::Spool::open(impl->opts.spool_dir, impl->opts.spool);
  if (!sp) return make_error(sp.error().code, "--spool: " + sp.error().message);
  impl->spool.emplace(std::move(*sp));
  impl->publish_spool_gauges();
  log.mqtt("Spool " + impl->opts.spool_dir.string() + ": " + std::to_string(impl->spool->depth()) +
           " pending, next seq " + std::to_string(impl->spool->next_seq()));
  impl->status_topic = topic_for("status", impl->opts.device);
  auto mo = impl->opts.mqtt;
  mo.will = mqtt::LastWill{impl->status_topic, "offline", mqtt::Qos::kAtLeastOnce, true};
  mo.keep_trying = true;
  Impl* p = impl.get();
  mqtt::Callbacks cb;
  cb.on_puback = [p](mqtt::MessageId mid, int reason) {
    p->notify([&] { p->acks.emplace_back(mid, reason); });
  };
  cb.on_connected = [p](const mqtt::BrokerAddress& b) {
    p->stats.broker_connected = true;
    p->log.mqtt("Connected to " + b.to_string());
    p->notify([&] { p->reconnected = true; });
  };
  cb.on_disconnected = [p](const std::string& why) {
    p->stats.broker_connected = false;
    p->log.warn("MQTT disconnected: " + why);
  };
  impl->client = std::make_unique<mqtt::Client>(std::move(mo), std::move(cb));
  impl->thread = std::thread([p] { p->run(); });
  return std::unique_ptr<Publisher>(new Publisher(std::move(impl)));
}

Publisher::Publisher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Publisher::~Publisher() {
  stop(0);
}

void Publisher::submit_event(Event event) {
  Item item;
  item.is_event = true;
  item.event = std::move(event);
  item.kind = spool::Kind::kEvent;
  bool full = false;
  impl_->notify([&] {
    full = impl_->queue.size() >= impl_->opts.max_queue;
    if (!full) impl_->queue.push_back(std::move(item));
  });
  if (full) impl_->log.warn("publisher queue full: an event was dropped");
}

void Publisher::submit(spool::Kind kind, std::string topic, std::string payload) {
  bool full = false;
  impl_->notify([&] {
    full = impl_->queue.size() >= impl_->opts.max_queue;
    if (!full) impl_->queue.push_back(Item{false, {}, kind, std::move(topic), std::move(payload)});
  });
  if (full) impl_->log.warn("publisher queue full: a message was dropped");
}

void Publisher::stop(std::uint32_t drain_ms) {
  if (!impl_ || !impl_->thread.joinable()) return;
  impl_->notify([&] {
    impl_->stopping = true;
    impl_->drain_deadline = Clock::now() + std::chrono::milliseconds(drain_ms);
  });
  impl_->thread.join();
}

}  // namespace css::node

// Client's public calls. They run on the caller's thread and talk to the network thread only
// through Impl's locked state (see client_impl.hpp).
#include <chrono>
#include <climits>

#include "client_impl.hpp"
#include "css/mqtt/reason.hpp"

namespace css::mqtt {
namespace {

Error io_error(std::string message) {
  return make_error(ErrorCode::kIo, std::move(message));
}

Error from_callback(const char* what) {
  return make_error(ErrorCode::kInvalidArgument, std::string("mqtt: ") + what +
                                                     " called from a Client callback would wait " +
                                                     "on its own network thread");
}

}  // namespace

const char* to_string(Failure failure) {
  switch (failure) {
    case Failure::kNone:
      return "none";
    case Failure::kConfig:
      return "config";
    case Failure::kDns:
      return "dns";
    case Failure::kRefused:
      return "refused";
    case Failure::kUnreachable:
      return "unreachable";
    case Failure::kTls:
      return "tls";
    case Failure::kAuth:
      return "auth";
    case Failure::kBrokerRefused:
      return "broker-refused";
    case Failure::kTimeout:
      return "timeout";
    case Failure::kConnectionLost:
      return "connection-lost";
  }
  return "unknown";
}

Client::Client(Options options, Callbacks callbacks)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(callbacks))) {}

Client::~Client() {
  disconnect();
}

Status Client::connect() {
  Impl& s = *impl_;
  if (s.on_network_thread()) return from_callback("connect()");
  if (s.mosq == nullptr) {
    if (auto ok = s.setup(); !ok) {
      const std::lock_guard lock(s.mu);
      s.last_error = {Failure::kConfig, ok.error().message};
      return ok;
    }
  }
  std::unique_lock lock(s.mu);
  if (!s.running) {
    if (s.thread.joinable()) s.thread.join();  // a finished earlier run
    s.stop = false;
    s.round_failed = false;
    s.round_errors.clear();
    s.running = true;
    s.thread = std::thread([&s] {
      s.net_thread = std::this_thread::get_id();
      s.run();
    });
  }
  // Bounded: each failed attempt ends within connect_timeout_ms (+ the TLS/CONNACK wait of the
  // same length), each wait within backoff.max_ms; a round is one attempt per broker.
  const auto per_broker =
      std::chrono::milliseconds(2ull * s.opt.connect_timeout_ms + s.opt.backoff.max_ms + 1000);
  const auto limit = per_broker * static_cast<long>(s.opt.brokers.size());
  s.cv.wait_for(lock, limit, [&s] { return s.connected || s.round_failed || !s.running; });
  if (s.connected) return Ok{};
  std::string message = "mqtt: could not connect to any broker:";
  for (const auto& e : s.round_errors) message += " [" + e + "]";
  if (s.round_errors.empty())
    message += " [no answer within " + std::to_string(limit.count()) + " ms]";
  if (!s.opt.keep_trying) {
    s.stop = true;
    lock.unlock();
    s.cv.notify_all();
    if (s.thread.joinable()) s.thread.join();
  }
  return io_error(message);
}

void Client::disconnect() {
  Impl& s = *impl_;
  {
    const std::lock_guard lock(s.mu);
    s.stop = true;
  }
  s.cv.notify_all();
  if (!s.on_network_thread() && s.thread.joinable()) s.thread.join();
}

bool Client::connected() const {
  const std::lock_guard lock(impl_->mu);
  return impl_->connected;
}

std::optional<BrokerAddress> Client::current_broker() const {
  const std::lock_guard lock(impl_->mu);
  if (!impl_->connected || !impl_->broker_index) return std::nullopt;
  return impl_->opt.brokers[*impl_->broker_index];
}

std::uint64_t Client::connection_count() const {
  const std::lock_guard lock(impl_->mu);
  return impl_->connections;
}

ConnectionError Client::last_error() const {
  const std::lock_guard lock(impl_->mu);
  return impl_->last_error;
}

Result<MessageId> Client::publish(std::string_view topic, std::string_view payload, Qos qos,
                                  bool retain) {
  Impl& s = *impl_;
  const std::string t(topic);
  if (!connected()) return io_error("mqtt: cannot publish to '" + t + "': not connected");
  if (payload.size() > static_cast<std::size_t>(INT_MAX)) {
    return make_error(ErrorCode::kInvalidArgument, "mqtt: payload for '" + t + "' is too large");
  }
  int mid = 0;
  const std::lock_guard api(s.api_mu);
  const std::lock_guard acks(s.acks_mu);  // the PUBACK callback waits for the entry below
  const int rc = mosquitto_publish_v5(s.mosq, &mid, t.c_str(), static_cast<int>(payload.size()),
                                      payload.data(), static_cast<int>(qos), retain, nullptr);
  if (rc != MOSQ_ERR_SUCCESS) {
    const auto code = rc == MOSQ_ERR_NO_CONN || rc == MOSQ_ERR_CONN_LOST
                          ? ErrorCode::kIo
                          : ErrorCode::kInvalidArgument;
    return make_error(code, "mqtt: publish to '" + t + "' failed: " + mosquitto_strerror(rc));
  }
  s.acks[mid] = -1;
  return MessageId{mid};
}

Status Client::wait_for_ack(MessageId mid, std::uint32_t timeout_ms) {
  Impl& s = *impl_;
  if (s.on_network_thread()) return from_callback("wait_for_ack()");
  std::unique_lock lock(s.acks_mu);
  auto it = s.acks.find(mid);
  if (it == s.acks.end()) {
    return make_error(ErrorCode::kNotFound, "mqtt: no publish with message id " +
                                                std::to_string(mid) + " is awaiting an ack");
  }
  const bool got = s.acks_cv.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] {
    return s.acks.at(mid) >= 0;  // entries are only erased here, under this lock
  });
  if (!got) {
    return io_error("mqtt: no PUBACK for message " + std::to_string(mid) + " within " +
                    std::to_string(timeout_ms) + " ms");
  }
  const int reason = s.acks.at(mid);
  s.acks.erase(mid);
  if (is_failure(reason)) {
    return io_error("mqtt: broker refused message " + std::to_string(mid) + ": reason " +
                    std::to_string(reason) + " " + reason_name(reason));
  }
  return Ok{};
}

Status Client::subscribe(std::string_view topic_filter, Qos qos) {
  Impl& s = *impl_;
  const std::string filter(topic_filter);
  if (s.on_network_thread()) return from_callback("subscribe()");
  if (!connected()) return io_error("mqtt: cannot subscribe to '" + filter + "': not connected");
  int mid = 0;
  {
    const std::lock_guard api(s.api_mu);
    const std::lock_guard acks(s.acks_mu);
    const int rc =
        mosquitto_subscribe_v5(s.mosq, &mid, filter.c_str(), static_cast<int>(qos), 0, nullptr);
    if (rc != MOSQ_ERR_SUCCESS) {
      return make_error(ErrorCode::kInvalidArgument,
                        "mqtt: subscribe to '" + filter + "' failed: " + mosquitto_strerror(rc));
    }
    s.subacks[mid] = -1;
  }
  std::unique_lock lock(s.acks_mu);
  const bool got = s.acks_cv.wait_for(lock, std::chrono::milliseconds(s.opt.operation_timeout_ms),
                                      [&] { return s.subacks.at(mid) >= 0; });
  const int reason = got ? s.subacks.at(mid) : -1;
  s.subacks.erase(mid);
  lock.unlock();
  if (!got) return io_error("mqtt: no SUBACK for '" + filter + "' in time");
  if (is_failure(reason)) {
    return io_error("mqtt: broker refused subscription '" + filter + "': reason " +
                    std::to_string(reason) + " " + reason_name(reason));
  }
  const std::lock_guard state(s.mu);
  s.subscriptions.emplace_back(filter, static_cast<int>(qos));
  return Ok{};
}

void Client::release_batch(std::uint64_t id) {
  Impl& s = *impl_;
  {
    const std::lock_guard lock(s.hold_mu);
    if (id == 0 || id != s.hold_batch) return;
    s.hold_batch = 0;
    s.held_count = 0;
  }
  s.hold_cv.notify_all();
}

}  // namespace css::mqtt

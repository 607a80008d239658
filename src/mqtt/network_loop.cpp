// The network thread: connect attempts over the broker list, the libmosquitto loop while
// connected, reconnection with full-jitter backoff, and the clean DISCONNECT on stop.
#include <cerrno>
#include <chrono>
#include <cstring>

#include "client_impl.hpp"
#include "css/mqtt/reason.hpp"
#include "tcp_probe.hpp"

namespace css::mqtt {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kLoopSliceMs = 50;           // how often the thread looks at `stop`
constexpr int kDisconnectFlushLoops = 20;  // up to ~1 s to send DISCONNECT on stop

}  // namespace

bool Client::Impl::stopping() const {
  const std::lock_guard lock(mu);
  return stop;
}

bool Client::Impl::sleep_ms(std::uint32_t ms) {
  std::unique_lock lock(mu);
  return !cv.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stop; });
}

ConnectionError Client::Impl::describe(int rc, const BrokerAddress& broker) const {
  const int saved_errno = errno;  // for MOSQ_ERR_ERRNO, before anything else can change it
  const std::string who = "broker " + broker.to_string() + ": ";
  std::string detail;
  {
    const std::lock_guard lock(log_mu);
    detail = lib_error;
  }
  const std::string tail = detail.empty() ? "" : " (" + detail + ")";
  switch (rc) {
    case MOSQ_ERR_EAI:
      return {Failure::kDns, who + "cannot resolve '" + broker.host + "'"};
    case MOSQ_ERR_TLS:
    case MOSQ_ERR_TLS_HANDSHAKE:
      return {Failure::kTls, who + "TLS handshake failed; check ca_file '" + opt.ca_file +
                                 "' and that the server certificate names '" + broker.host + "'" +
                                 tail};
    case MOSQ_ERR_ERRNO:
      if (saved_errno == ECONNREFUSED) return {Failure::kRefused, who + "connection refused"};
      return {Failure::kConnectionLost, who + std::strerror(saved_errno) + tail};
    case MOSQ_ERR_AUTH:
    case MOSQ_ERR_CONN_REFUSED:
      return {Failure::kAuth, who + "connection refused by the broker" + tail};
    default:
      return {Failure::kConnectionLost, who + mosquitto_strerror(rc) + tail};
  }
}

// One attempt on brokers[index]: bounded TCP check, CONNECT, then the loop until CONNACK.
// On success runs the connection until it drops or stop, and returns kNone.
ConnectionError Client::Impl::attempt(std::size_t index) {
  const BrokerAddress& broker = opt.brokers[index];
  if (auto probe = detail::tcp_probe(broker, opt.connect_timeout_ms);
      probe.kind != Failure::kNone) {
    return probe;
  }
  {
    const std::lock_guard lock(mu);
    connack_reason = -1;
  }
  {
    const std::lock_guard lock(log_mu);
    lib_error.clear();
  }
  const auto deadline = Clock::now() + std::chrono::milliseconds(opt.connect_timeout_ms);
  int rc = MOSQ_ERR_SUCCESS;
  {
    const std::lock_guard lock(api_mu);
    rc = mosquitto_connect_bind_v5(mosq, broker.host.c_str(), broker.port, opt.keepalive_s, nullptr,
                                   connect_props);
  }
  if (rc != MOSQ_ERR_SUCCESS) return describe(rc, broker);
  while (true) {  // bounded by `deadline`
    rc = mosquitto_loop(mosq, kLoopSliceMs, 1);
    int reason = -1;
    {
      const std::lock_guard lock(mu);
      if (stop) return {Failure::kConnectionLost, "broker " + broker.to_string() + ": stopped"};
      reason = connack_reason;
    }
    if (reason == kReasonSuccess) break;
    if (reason > 0) {
      const Failure kind = reason == kReasonBadUserNameOrPassword || reason == kReasonNotAuthorized
                               ? Failure::kAuth
                               : Failure::kBrokerRefused;
      const std::string hint = kind == Failure::kAuth ? ": check the user name and password" : "";
      return {kind, "broker " + broker.to_string() + " refused the connection: reason " +
                        std::to_string(reason) + " " + reason_name(reason) + hint + " (user '" +
                        opt.username + "', client id '" + opt.client_id + "')"};
    }
    if (rc != MOSQ_ERR_SUCCESS) return describe(rc, broker);
    if (Clock::now() >= deadline) {
      return {Failure::kTimeout, "broker " + broker.to_string() + ": no CONNACK within " +
                                     std::to_string(opt.connect_timeout_ms) + " ms"};
    }
  }
  stay_connected(index);
  return {};
}

void Client::Impl::resubscribe() {
  std::vector<std::pair<std::string, int>> subs;
  {
    const std::lock_guard lock(mu);
    subs = subscriptions;
  }
  for (const auto& [filter, qos] : subs) {
    const std::lock_guard lock(api_mu);
    mosquitto_subscribe_v5(mosq, nullptr, filter.c_str(), qos, 0, nullptr);
  }
}

void Client::Impl::stay_connected(std::size_t index) {
  const BrokerAddress& broker = opt.brokers[index];
  {
    const std::lock_guard lock(mu);
    connected = true;
    broker_index = index;
    ++connections;
    round_errors.clear();
  }
  cv.notify_all();
  resubscribe();
  if (cb.on_connected) cb.on_connected(broker);
  int rc = MOSQ_ERR_SUCCESS;
  while (!stopping()) {  // runs for the life of the connection; stop is checked every slice
    rc = mosquitto_loop(mosq, kLoopSliceMs, 1);
    if (rc != MOSQ_ERR_SUCCESS) break;
  }
  {
    const std::lock_guard lock(mu);
    connected = false;
  }
  std::string why = "disconnected by the client";
  if (rc == MOSQ_ERR_SUCCESS) {  // stop: a clean DISCONNECT, so the broker drops the will
    {
      const std::lock_guard lock(api_mu);
      mosquitto_disconnect_v5(mosq, kReasonSuccess, nullptr);
    }
    for (int i = 0; i < kDisconnectFlushLoops; ++i) {
      if (mosquitto_loop(mosq, kLoopSliceMs, 1) != MOSQ_ERR_SUCCESS) break;
    }
  } else {
    ConnectionError lost = describe(rc, broker);
    lost.kind = Failure::kConnectionLost;
    why = lost.message;
    const std::lock_guard lock(mu);
    last_error = std::move(lost);
  }
  if (cb.on_disconnected) cb.on_disconnected(why);
}

void Client::Impl::run() {
  const std::size_t n = opt.brokers.size();
  std::size_t index = 0;
  std::size_t failures_in_round = 0;
  bool ever_connected = false;
  while (!stopping()) {  // ends on stop, or after a failed first round without keep_trying
    ConnectionError err = attempt(index);
    if (stopping()) break;
    if (err.kind == Failure::kNone) {  // was connected, and lost it: same broker first
      ever_connected = true;
      failures_in_round = 0;
      backoff.reset();
    } else {
      index = (index + 1) % n;
      ++failures_in_round;
      bool give_up = false;
      {
        const std::lock_guard lock(mu);
        if (!ever_connected && round_errors.size() < n) round_errors.push_back(err.message);
        last_error = std::move(err);
        if (failures_in_round >= n) {
          round_failed = true;
          failures_in_round = 0;
          give_up = !ever_connected && !opt.keep_trying;
        }
      }
      cv.notify_all();
      if (give_up) break;
    }
    if (!sleep_ms(backoff.next_delay_ms())) break;
  }
  const std::lock_guard lock(mu);
  running = false;
  cv.notify_all();
}

}  // namespace css::mqtt

// The network thread: connect attempts over the broker list, the libmosquitto loop while
// connected, reconnection with full-jitter backoff, and the clean DISCONNECT on stop.
#include <poll.h>

#include <algorithm>
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
  {  // PUBACKs queued on an earlier connection died with it: the broker redelivers those
    const std::lock_guard lock(hold_mu);
    held_count = 0;
    hold_batch = 0;
  }
  hold_cv.notify_all();
  const auto deadline = Clock::now() + std::chrono::milliseconds(opt.connect_timeout_ms);
  int rc = MOSQ_ERR_SUCCESS;
  {
    const std::lock_guard lock(api_mu);
    rc = mosquitto_connect_bind_v5(mosq, broker.host.c_str(), broker.port, opt.keepalive_s, nullptr,
                                   connect_props);
  }
  if (rc != MOSQ_ERR_SUCCESS) return describe(rc, broker);
  while (true) {  // bounded by `deadline`
    rc = opt.hold_acks_max_batch > 0 ? handshake_step() : mosquitto_loop(mosq, kLoopSliceMs, 1);
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
  if (opt.hold_acks_max_batch > 0) {
    rc = held_connection();
  } else {
    while (!stopping()) {  // runs for the life of the connection; stop is checked every slice
      rc = mosquitto_loop(mosq, kLoopSliceMs, 1);
      if (rc != MOSQ_ERR_SUCCESS) break;
    }
  }
  {
    const std::lock_guard lock(mu);
    connected = false;
  }
  std::string why = "disconnected by the client";
  if (rc == MOSQ_ERR_SUCCESS && holding()) {
    // Stop with unreleased messages: a DISCONNECT would flush their PUBACKs after it. Leave
    // silently instead; the socket closes with the client and the broker redelivers them.
    why = "stopped with unreleased messages (the broker will redeliver them)";
  } else if (rc == MOSQ_ERR_SUCCESS) {  // stop: a clean DISCONNECT, so the broker drops the will
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

// Held acknowledgements, before CONNACK: mosquitto_loop() would write the PUBACKs of messages
// a resumed session sends right behind the CONNACK. Nothing needing a PUBACK can arrive before
// the CONNACK, so writing first and reading after is safe; the read's PUBACKs stay queued.
int Client::Impl::handshake_step() {
  const int sock = mosquitto_socket(mosq);
  bool connack = false;
  {
    const std::lock_guard lock(mu);
    connack = connack_reason >= 0;
  }
  if (!connack && mosquitto_want_write(mosq)) {
    if (int rc = mosquitto_loop_write(mosq, 1); rc != MOSQ_ERR_SUCCESS) return rc;
  }
  pollfd p{sock, POLLIN, 0};
  if (::poll(&p, 1, kLoopSliceMs) < 0 && errno != EINTR) return MOSQ_ERR_ERRNO;
  if (int rc = mosquitto_loop_read(mosq, 1); rc != MOSQ_ERR_SUCCESS) return rc;
  return MOSQ_ERR_SUCCESS;
}

bool Client::Impl::holding() {
  const std::lock_guard lock(hold_mu);
  return held_count > 0;
}

bool Client::Impl::await_release() {
  std::unique_lock lock(hold_mu);
  if (hold_batch == 0) return true;
  return hold_cv.wait_for(lock, std::chrono::milliseconds(kLoopSliceMs),
                          [this] { return hold_batch == 0; });
}

int Client::Impl::read_burst(int sock) {
  for (std::size_t i = 0; i < opt.hold_acks_max_batch; ++i) {
    // Non-blocking socket: with nothing to read this returns MOSQ_ERR_SUCCESS at once. It
    // also drains what TLS already decrypted, which poll() cannot see.
    if (int rc = mosquitto_loop_read(mosq, 1); rc != MOSQ_ERR_SUCCESS) return rc;
    {
      const std::lock_guard lock(hold_mu);
      if (held_count >= opt.hold_acks_max_batch) break;
    }
    pollfd p{sock, POLLIN, 0};
    if (::poll(&p, 1, 0) <= 0) break;
  }
  return MOSQ_ERR_SUCCESS;
}

void Client::Impl::maybe_close_batch() {
  std::uint64_t id = 0;
  {
    const std::lock_guard lock(hold_mu);
    if (held_count == 0 || hold_batch != 0) return;
    const auto linger = std::chrono::milliseconds(opt.hold_acks_linger_ms);
    if (held_count < opt.hold_acks_max_batch && Clock::now() - held_since < linger) return;
    id = hold_batch = ++batch_seq;
  }
  if (cb.on_batch_closed) cb.on_batch_closed(id);
}

// The connection loop of held acknowledgements (client.hpp): while a delivered message is not
// released nothing is written; a closed batch stops reading too until release_batch.
int Client::Impl::held_connection() {
  const int sock = mosquitto_socket(mosq);
  int rc = MOSQ_ERR_SUCCESS;
  while (rc == MOSQ_ERR_SUCCESS && !stopping()) {
    if (!await_release()) continue;
    int timeout_ms = kLoopSliceMs;
    short events = POLLIN;
    {
      const std::lock_guard lock(hold_mu);
      if (held_count == 0 && mosquitto_want_write(mosq)) events |= POLLOUT;
      if (held_count > 0) {  // lingering: read until the batch is due
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            held_since + std::chrono::milliseconds(opt.hold_acks_linger_ms) - Clock::now());
        timeout_ms = static_cast<int>(std::clamp<long long>(left.count(), 0, kLoopSliceMs));
      }
    }
    if (events & POLLOUT) {
      if (rc = mosquitto_loop_write(mosq, 1); rc != MOSQ_ERR_SUCCESS) break;
      if (!mosquitto_want_write(mosq)) events = POLLIN;
    }
    pollfd p{sock, events, 0};
    if (::poll(&p, 1, timeout_ms) < 0 && errno != EINTR) return MOSQ_ERR_ERRNO;
    if (rc = read_burst(sock); rc != MOSQ_ERR_SUCCESS) break;
    {
      const std::lock_guard lock(hold_mu);
      if (held_count == 0) rc = mosquitto_loop_misc(mosq);  // keepalive may queue a PINGREQ
    }
    maybe_close_batch();
  }
  return rc;
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

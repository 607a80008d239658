// Private: the state behind css::mqtt::Client, shared by client.cpp (public calls),
// session.cpp (libmosquitto set-up and callbacks) and network_loop.cpp (the network thread).
//
// Locks (never two at once except api_mu -> acks_mu, always in that order):
//   mu      connection state, subscriptions, last error; the network thread waits on cv.
//   api_mu  calls that create libmosquitto state (connect vs publish/subscribe).
//   acks_mu PUBACK/SUBACK bookkeeping: held across mosquitto_publish/subscribe so a callback
//           (which takes it too) always finds the pending entry it answers.
//   log_mu  the last libmosquitto error line (its log callback may run inside any call).
#pragma once

#include <mosquitto.h>
#include <mqtt_protocol.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "css/mqtt/client.hpp"

namespace css::mqtt {

struct Client::Impl {
  Impl(Options options, Callbacks callbacks);
  ~Impl();

  Options opt;
  Callbacks cb;
  Backoff backoff;
  mosquitto* mosq = nullptr;
  mosquitto_property* connect_props = nullptr;  // session expiry, sent on every CONNECT
  std::thread thread;
  std::thread::id net_thread;  // written before the thread runs user code

  mutable std::mutex mu;
  std::condition_variable cv;
  bool stop = false;
  bool running = false;
  bool connected = false;
  bool round_failed = false;  // every broker failed once since connect() began
  std::optional<std::size_t> broker_index;
  std::uint64_t connections = 0;
  ConnectionError last_error;
  std::vector<std::string> round_errors;
  int connack_reason = -1;  // of the current attempt; -1 = no CONNACK yet
  std::vector<std::pair<std::string, int>> subscriptions;  // filter, qos

  std::mutex api_mu;

  std::mutex acks_mu;
  std::condition_variable acks_cv;
  std::unordered_map<int, int> acks;     // publish mid -> reason, -1 while pending
  std::unordered_map<int, int> subacks;  // subscribe mid -> reason, -1 while pending

  mutable std::mutex log_mu;
  std::string lib_error;

  // Held acknowledgements (Options::hold_acks_max_batch > 0). held_count: messages delivered
  // and not released; hold_batch: the closed batch awaiting release_batch (0 = none).
  std::mutex hold_mu;
  std::condition_variable hold_cv;
  std::size_t held_count = 0;
  std::uint64_t hold_batch = 0;
  std::uint64_t batch_seq = 0;
  std::chrono::steady_clock::time_point held_since;

  // session.cpp
  Status setup();  // once: mosquitto_new, TLS, credentials, will, callbacks
  // network_loop.cpp (network thread only)
  void run();
  ConnectionError attempt(std::size_t index);
  void stay_connected(std::size_t index);
  void resubscribe();
  int held_connection();     // the connection loop with held acknowledgements
  int handshake_step();      // its CONNECT/CONNACK phase (no PUBACK written)
  bool await_release();      // false while a closed batch is not yet released
  int read_burst(int sock);  // reads what the socket holds, up to the batch size
  void maybe_close_batch();
  bool holding();  // a delivered message is not released
  bool stopping() const;
  bool sleep_ms(std::uint32_t ms);  // false when asked to stop meanwhile
  ConnectionError describe(int mosq_rc, const BrokerAddress& broker) const;

  bool on_network_thread() const { return std::this_thread::get_id() == net_thread; }
};

}  // namespace css::mqtt

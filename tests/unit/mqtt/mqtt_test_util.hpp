// Helpers for the broker tests: client options for a fixture broker, a thread-safe inbox
// that callbacks fill, and a bounded wait for a condition.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "css/mqtt/client.hpp"
#include "mosquitto_broker.hpp"

namespace css::mqtt {
// gtest prints a Failure by name.
inline void PrintTo(Failure f, std::ostream* os) {
  *os << to_string(f);
}
}  // namespace css::mqtt

namespace css::mqtt::test {

inline std::unique_ptr<testing::MosquittoBroker> start_broker(
    testing::MosquittoBroker::Config config = {}) {
  auto b = testing::MosquittoBroker::start(std::move(config));
  if (!b) ADD_FAILURE() << b.error().message;
  return b ? std::move(*b) : nullptr;
}

inline Options options_for(const testing::MosquittoBroker& broker, const std::string& user,
                           const std::string& password, const std::string& client_id) {
  Options o;
  o.client_id = client_id;
  o.brokers = {*parse_broker_address(broker.address())};
  o.ca_file = broker.ca_file().string();
  o.username = user;
  o.password = password;
  o.connect_timeout_ms = 3000;
  o.backoff = {100, 1000};
  return o;
}

// Messages received by a callback, waited for from the test thread.
class Inbox {
 public:
  std::function<void(const Message&)> sink() {
    return [this](const Message& m) {
      {
        const std::lock_guard lock(mu_);
        messages_.push_back(m);
      }
      cv_.notify_all();
    };
  }
  bool wait_for_count(std::size_t n, int timeout_ms) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                        [&] { return messages_.size() >= n; });
  }
  std::vector<Message> all() const {
    const std::lock_guard lock(mu_);
    return messages_;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Message> messages_;
};

// Polls `done` every 20 ms for at most timeout_ms.
inline bool eventually(const std::function<bool()>& done, int timeout_ms) {
  for (int waited = 0; waited <= timeout_ms; waited += 20) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

}  // namespace css::mqtt::test

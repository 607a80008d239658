// The ingest worker (css/ingest/worker.hpp): queue on the network thread, validate and commit
// on the caller's thread (batch_commit.hpp, shared with the AMQP source), release the batch's
// acknowledgements after the commit.
#include "css/ingest/worker.hpp"

#include "batch_commit.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace css::ingest {

using Clock = std::chrono::steady_clock;

std::array<std::string, 4> subscription_filters(std::string_view group, std::string_view root) {
  std::array<std::string, 4> out;
  for (std::size_t i = 0; i < kTopicKindNames.size(); ++i) {
    out[i] = "$share/" + std::string(group) + "/" + std::string(root) + "/" +
             std::string(kTopicKindNames[i]) + "/+";
  }
  return out;
}

struct Worker::State {
  WorkerOptions opt;
  IngestMetrics& m;
  LogFn log;
  detail::BatchCommitter committer;

  std::mutex mu;
  std::condition_variable cv;
  std::vector<detail::Incoming> pending;  // delivered, not yet committed
  std::uint64_t closed = 0;               // the batch id the client waits to have released
  bool draining = false;
  std::unique_ptr<mqtt::Client> client;

  State(WorkerOptions o, store::EventStore& s, IngestMetrics& metrics, LogFn l)
      : opt(std::move(o)), m(metrics), log(std::move(l)), committer(opt.topic_root, s, m, log) {}

  void say(const std::string& line) const {
    if (log) log(line);
  }
  void consume(const std::atomic<bool>& stop, Status& outcome);
  Status drain();
};

void Worker::State::consume(const std::atomic<bool>& stop, Status& outcome) {
  while (true) {
    std::vector<detail::Incoming> msgs;
    std::uint64_t id = 0;
    {
      std::unique_lock lock(mu);
      cv.wait_for(lock, std::chrono::milliseconds(100), [&] { return closed != 0 || draining; });
      if (draining) return;
      if (closed == 0) continue;
      msgs.swap(pending);
      id = std::exchange(closed, 0);
    }
    if (auto st = committer.commit_until_ok(msgs, stop); !st) {
      outcome = st;
      return;
    }
    client->release_batch(id);
  }
}

// At stop: commit the batch that is closed or closing (at most two), release it, return.
Status Worker::State::drain() {
  const std::atomic<bool> give_up{true};
  const auto deadline = Clock::now() + std::chrono::milliseconds(opt.drain_timeout_ms);
  for (int round = 0; round < 2; ++round) {
    std::vector<detail::Incoming> msgs;
    std::uint64_t id = 0;
    {
      std::unique_lock lock(mu);
      if (pending.empty()) return Ok{};
      cv.wait_until(lock, deadline, [&] { return closed != 0; });
      if (closed == 0) return Ok{};  // still lingering: left unacknowledged, redelivered later
      msgs.swap(pending);
      id = std::exchange(closed, 0);
    }
    if (auto st = committer.commit_until_ok(msgs, give_up); !st) return st;
    client->release_batch(id);
  }
  return Ok{};
}

Worker::Worker(WorkerOptions options, store::EventStore& store, IngestMetrics& metrics, LogFn log)
    : state_(std::make_unique<State>(std::move(options), store, metrics, std::move(log))) {}

Worker::~Worker() = default;

Status check_options(const WorkerOptions& o) {
  if (o.max_batch == 0 || o.max_batch > 65535)
    return make_error(ErrorCode::kInvalidArgument, "ingest: max_batch must be in [1, 65535]");
  const auto one_level = [](std::string_view what, const std::string& v) -> Status {
    if (!v.empty() && v.find_first_of(std::string_view("/+# \0", 5)) == std::string::npos)
      return Ok{};
    return make_error(ErrorCode::kInvalidArgument,
                      "ingest: " + std::string(what) + " '" + v +
                          "': expected one MQTT topic level (no '/', '+', '#' or spaces)");
  };
  if (auto st = one_level("group", o.group); !st) return st;
  return one_level("topic root", o.topic_root);
}

Status Worker::run(const std::atomic<bool>& stop) {
  State& s = *state_;
  if (auto st = check_options(s.opt); !st) return st;
  mqtt::Options o = s.opt.mqtt;
  o.clean_start = false;
  o.session_expiry_s = s.opt.session_expiry_s;
  o.hold_acks_max_batch = s.opt.max_batch;
  o.hold_acks_linger_ms = s.opt.max_batch_delay_ms;
  // Twice the batch in flight: while one batch commits (reading paused), the broker has already
  // sent the next into the socket buffers.
  o.receive_maximum = static_cast<std::uint16_t>(std::min<std::size_t>(65535, 2 * s.opt.max_batch));
  // A resumed session's backlog is delivered before the SUBACKs: give them time.
  o.operation_timeout_ms = std::max<std::uint32_t>(o.operation_timeout_ms, 30000);
  mqtt::Callbacks cb;
  cb.on_message = [&s](const mqtt::Message& msg) {
    ++s.m.received;
    const std::lock_guard lock(s.mu);
    s.pending.push_back(msg);
  };
  cb.on_batch_closed = [&s](std::uint64_t id) {
    {
      const std::lock_guard lock(s.mu);
      s.closed = id;
    }
    s.cv.notify_all();
  };
  cb.on_connected = [&s](const mqtt::BrokerAddress& b) {
    s.m.broker_connected = true;
    s.say("connected to " + b.to_string());
  };
  cb.on_disconnected = [&s](const std::string& why) {
    s.m.broker_connected = false;
    s.say("disconnected: " + why);
  };
  s.client = std::make_unique<mqtt::Client>(std::move(o), std::move(cb));
  // The consumer runs before we subscribe: a resumed session delivers at once, and the
  // SUBSCRIBE leaves only once that first batch is released.
  Status consumed = Ok{};
  std::thread consumer([&] { s.consume(stop, consumed); });
  Status st = s.client->connect();
  for (const auto& filter : subscription_filters(s.opt.group, s.opt.topic_root)) {
    if (!st) break;
    st = s.client->subscribe(filter, mqtt::Qos::kAtLeastOnce);
  }
  s.m.subscribed = st.ok();
  while (st && !stop) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  {
    const std::lock_guard lock(s.mu);
    s.draining = true;
  }
  s.cv.notify_all();
  consumer.join();
  Status drained = consumed ? s.drain() : consumed;
  s.client->disconnect();
  if (!st) return st;
  return drained;
}

}  // namespace css::ingest

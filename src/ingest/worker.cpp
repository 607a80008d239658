// The ingest worker (css/ingest/worker.hpp): queue on the network thread, validate and commit
// on the caller's thread, release the batch's acknowledgements after the commit.
#include "css/ingest/worker.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace css::ingest {
namespace {

using Clock = std::chrono::steady_clock;

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// What one commit stored, for the metrics.
struct Committed {
  store::AppendResult result;
  std::array<std::uint64_t, kReasonCount> dead{};
  double lag_max = 0.0, lag_sum = 0.0;
};

void count_dead(Committed& c, const store::Batch& b) {
  for (const auto& d : b.dead_letters) {
    for (std::size_t i = 0; i < kReasonCount; ++i) {
      if (reason_code(static_cast<Reason>(i)) == d.reason_code) ++c.dead[i];
    }
  }
}

void add(store::AppendResult& into, const store::AppendResult& r) {
  into.events_stored += r.events_stored;
  into.events_duplicate += r.events_duplicate;
  into.flows_stored += r.flows_stored;
  into.flows_duplicate += r.flows_duplicate;
  into.telemetry_stored += r.telemetry_stored;
  into.telemetry_duplicate += r.telemetry_duplicate;
  into.statuses_updated += r.statuses_updated;
  into.statuses_stale += r.statuses_stale;
  into.dead_letters_stored += r.dead_letters_stored;
}

}  // namespace

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
  store::EventStore& store;
  IngestMetrics& m;
  LogFn log;

  std::mutex mu;
  std::condition_variable cv;
  std::vector<mqtt::Message> pending;  // delivered, not yet committed
  std::uint64_t closed = 0;            // the batch id the client waits to have released
  bool draining = false;
  std::unique_ptr<mqtt::Client> client;

  State(WorkerOptions o, store::EventStore& s, IngestMetrics& metrics, LogFn l)
      : opt(std::move(o)), store(s), m(metrics), log(std::move(l)) {}

  void say(const std::string& line) const {
    if (log) log(line);
  }
  Result<Committed> commit(const std::vector<mqtt::Message>& msgs);
  Result<Committed> commit_one_by_one(const std::vector<mqtt::Message>& msgs, double now);
  void record(const Committed& c, std::size_t n_messages);
  Status commit_until_ok(const std::vector<mqtt::Message>& msgs, const std::atomic<bool>& give_up);
  void consume(const std::atomic<bool>& stop, Status& outcome);
  Status drain();
};

Result<Committed> Worker::State::commit(const std::vector<mqtt::Message>& msgs) {
  const double now = unix_now();
  store::Batch b;
  b.received_at = now;
  for (const auto& msg : msgs)
    add_to_batch(b, classify(msg.topic, msg.payload, now, opt.topic_root), msg.topic, msg.payload,
                 now);
  auto r = store.append(b);
  if (!r && r.error().code == ErrorCode::kInvalidArgument) return commit_one_by_one(msgs, now);
  if (!r) return r.error();
  Committed c;
  c.result = *r;
  count_dead(c, b);
  for (const auto& e : b.events) {
    c.lag_max = std::max(c.lag_max, now - e.timestamp);
    c.lag_sum += now - e.timestamp;
  }
  return c;
}

// The store refused a batch we validated (its checks and ours disagree): store what it takes,
// one message per transaction, and dead-letter the rest as store_rejected. Never a lost event.
Result<Committed> Worker::State::commit_one_by_one(const std::vector<mqtt::Message>& msgs,
                                                   double now) {
  Committed c;
  for (const auto& msg : msgs) {
    store::Batch b;
    b.received_at = now;
    add_to_batch(b, classify(msg.topic, msg.payload, now, opt.topic_root), msg.topic, msg.payload,
                 now);
    auto r = store.append(b);
    if (!r && r.error().code == ErrorCode::kInvalidArgument) {
      b = store::Batch{};
      b.received_at = now;
      b.dead_letters.push_back(
          dead_letter({Reason::kStoreRejected, r.error().message}, msg.topic, msg.payload, now));
      r = store.append(b);
    }
    if (!r) return r.error();
    add(c.result, *r);
    count_dead(c, b);
    for (const auto& e : b.events) c.lag_sum += now - e.timestamp;
  }
  return c;
}

void Worker::State::record(const Committed& c, std::size_t) {
  const auto& r = c.result;
  m.stored += r.events_stored + r.flows_stored + r.telemetry_stored + r.statuses_updated;
  m.events_stored += r.events_stored;
  m.duplicates += r.events_duplicate + r.flows_duplicate + r.telemetry_duplicate;
  for (std::size_t i = 0; i < kReasonCount; ++i) m.dead_letters[i] += c.dead[i];
  m.lag_seconds = c.lag_max;
  m.lag_seconds_sum.store(m.lag_seconds_sum.load() + c.lag_sum);  // one writer: this thread
  m.last_commit_unix = unix_now();
  ++m.batches;
  m.store_ok = true;
}

// Retries a failing store (locked, full disk, restarted server) with a growing pause; the
// messages stay unacknowledged meanwhile, so the broker keeps them.
Status Worker::State::commit_until_ok(const std::vector<mqtt::Message>& msgs,
                                      const std::atomic<bool>& give_up) {
  std::uint32_t pause_ms = 100;
  while (true) {
    auto c = commit(msgs);
    if (c) {
      record(*c, msgs.size());
      return Ok{};
    }
    ++m.store_errors;
    m.store_ok = false;
    say("store: " + c.error().message + " (batch of " + std::to_string(msgs.size()) +
        " kept unacknowledged, retrying)");
    if (give_up) return c.error();
    std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms));
    pause_ms = std::min<std::uint32_t>(pause_ms * 2, 5000);
  }
}

void Worker::State::consume(const std::atomic<bool>& stop, Status& outcome) {
  while (true) {
    std::vector<mqtt::Message> msgs;
    std::uint64_t id = 0;
    {
      std::unique_lock lock(mu);
      cv.wait_for(lock, std::chrono::milliseconds(100), [&] { return closed != 0 || draining; });
      if (draining) return;
      if (closed == 0) continue;
      msgs.swap(pending);
      id = std::exchange(closed, 0);
    }
    if (auto st = commit_until_ok(msgs, stop); !st) {
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
    std::vector<mqtt::Message> msgs;
    std::uint64_t id = 0;
    {
      std::unique_lock lock(mu);
      if (pending.empty()) return Ok{};
      cv.wait_until(lock, deadline, [&] { return closed != 0; });
      if (closed == 0) return Ok{};  // still lingering: left unacknowledged, redelivered later
      msgs.swap(pending);
      id = std::exchange(closed, 0);
    }
    if (auto st = commit_until_ok(msgs, give_up); !st) return st;
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

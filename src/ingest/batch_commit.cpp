// The shared batch -> store path (batch_commit.hpp).
#include "batch_commit.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

namespace css::ingest::detail {
namespace {

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
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

// What one commit stored, for the metrics.
struct BatchCommitter::Committed {
  store::AppendResult result;
  std::array<std::uint64_t, kReasonCount> dead{};
  double lag_max = 0.0, lag_sum = 0.0;

  void add_lag(const store::Batch& b, double now) {
    for (const auto& e : b.events) {
      lag_max = std::max(lag_max, now - e.timestamp);
      lag_sum += now - e.timestamp;
    }
  }
  void count_dead(const store::Batch& b) {
    for (const auto& d : b.dead_letters) {
      for (std::size_t i = 0; i < kReasonCount; ++i) {
        if (reason_code(static_cast<Reason>(i)) == d.reason_code) ++dead[i];
      }
    }
  }
};

Result<BatchCommitter::Committed> BatchCommitter::commit(const std::vector<Incoming>& msgs) {
  const double now = unix_now();
  store::Batch b;
  b.received_at = now;
  for (const auto& msg : msgs)
    add_to_batch(b, classify(msg.topic, msg.payload, now, root_), msg.topic, msg.payload, now);
  auto r = store_.append(b);
  if (!r && r.error().code == ErrorCode::kInvalidArgument) return commit_one_by_one(msgs, now);
  if (!r) return r.error();
  Committed c;
  c.result = *r;
  c.count_dead(b);
  c.add_lag(b, now);
  return c;
}

// The store refused a batch we validated (its checks and ours disagree): store what it takes,
// one message per transaction, and dead-letter the rest as store_rejected. Never a lost event.
Result<BatchCommitter::Committed> BatchCommitter::commit_one_by_one(
    const std::vector<Incoming>& msgs, double now) {
  Committed c;
  for (const auto& msg : msgs) {
    store::Batch b;
    b.received_at = now;
    add_to_batch(b, classify(msg.topic, msg.payload, now, root_), msg.topic, msg.payload, now);
    auto r = store_.append(b);
    if (!r && r.error().code == ErrorCode::kInvalidArgument) {
      b = store::Batch{};
      b.received_at = now;
      b.dead_letters.push_back(
          dead_letter({Reason::kStoreRejected, r.error().message}, msg.topic, msg.payload, now));
      r = store_.append(b);
    }
    if (!r) return r.error();
    add(c.result, *r);
    c.count_dead(b);
    c.add_lag(b, now);
  }
  return c;
}

void BatchCommitter::record(const Committed& c) {
  const auto& r = c.result;
  m_.stored += r.events_stored + r.flows_stored + r.telemetry_stored + r.statuses_updated;
  m_.events_stored += r.events_stored;
  m_.duplicates += r.events_duplicate + r.flows_duplicate + r.telemetry_duplicate;
  for (std::size_t i = 0; i < kReasonCount; ++i) m_.dead_letters[i] += c.dead[i];
  m_.lag_seconds = c.lag_max;
  m_.lag_seconds_sum.store(m_.lag_seconds_sum.load() + c.lag_sum);  // one writer: this thread
  m_.last_commit_unix = unix_now();
  ++m_.batches;
  m_.store_ok = true;
}

Status BatchCommitter::commit_until_ok(const std::vector<Incoming>& msgs,
                                       const std::atomic<bool>& give_up) {
  std::uint32_t pause_ms = 100;
  while (true) {
    auto c = commit(msgs);
    if (c) {
      record(*c);
      return Ok{};
    }
    ++m_.store_errors;
    m_.store_ok = false;
    say("store: " + c.error().message + " (batch of " + std::to_string(msgs.size()) +
        " kept unacknowledged, retrying)");
    if (give_up) return c.error();
    std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms));
    pause_ms = std::min<std::uint32_t>(pause_ms * 2, 5000);
  }
}

}  // namespace css::ingest::detail

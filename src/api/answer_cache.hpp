// AnswerCache: exact, shared answers to repeated queries over a store that can tell when it
// changed (EventStore::change_counter: SQLite's PRAGMA data_version). Private to css::api.
//
// Why it is exact: a global generation number moves whenever any pooled connection sees a
// commit it had not seen (or is used for the first time); an answer is stored under the
// generation read BEFORE its query ran and served only while the generation is unchanged.
// A commit that lands after an answer's query is seen by the next request on every
// connection (data_version differs), which moves the generation before that request looks
// the answer up — so no request is ever served an answer older than a commit that returned
// before it started (the EventStore query contract). Backends without a change counter
// (PostgreSQL) are never cached.
//
// Thread-safe: the generation is atomic, the map is under one mutex; bodies are immutable
// shared strings sent without a copy. Memory is bounded by max_bytes (the map is dropped
// when a new answer would pass it, and whenever the generation moves).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "css/core/result.hpp"
#include "css/store/event_store.hpp"

namespace css::api {

class AnswerCache {
 public:
  explicit AnswerCache(std::size_t max_bytes) : max_bytes_(max_bytes) {}

  // Reads the connection's change counter and moves the generation if it differs from
  // `seen` (the value this connection last reported; updated). Returns the generation an
  // answer computed now must carry, or nullopt when this store cannot be cached (or the cache
  // is off: max_bytes 0).
  Result<std::optional<std::uint64_t>> observe(store::EventStore& store,
                                               std::optional<std::uint64_t>& seen);
  // The answer stored under `key` at `generation`, or null.
  std::shared_ptr<const std::string> find(const std::string& key, std::uint64_t generation);
  // Keeps `body` unless the generation has moved since `generation` was read.
  void put(const std::string& key, std::uint64_t generation,
           std::shared_ptr<const std::string> body);

  std::uint64_t hits() const { return hits_.load(std::memory_order_relaxed); }
  std::uint64_t misses() const { return misses_.load(std::memory_order_relaxed); }

 private:
  const std::size_t max_bytes_;
  std::atomic<std::uint64_t> generation_{0};
  std::atomic<std::uint64_t> hits_{0}, misses_{0};
  std::mutex mu_;  // guards map_, map_generation_, bytes_
  std::unordered_map<std::string, std::shared_ptr<const std::string>> map_;
  std::uint64_t map_generation_ = 0;
  std::size_t bytes_ = 0;
};

}  // namespace css::api

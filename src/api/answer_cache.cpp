#include "answer_cache.hpp"

namespace css::api {

Result<std::optional<std::uint64_t>> AnswerCache::observe(store::EventStore& store,
                                                          std::optional<std::uint64_t>& seen) {
  if (max_bytes_ == 0) return std::optional<std::uint64_t>{};
  auto counter = store.change_counter();
  if (!counter) return counter.error();
  if (!*counter) return std::optional<std::uint64_t>{};
  // A connection's first answer says nothing about what it missed: treat it as a change.
  if (!seen || *seen != **counter) {
    generation_.fetch_add(1, std::memory_order_acq_rel);
    seen = **counter;
  }
  return std::optional<std::uint64_t>(generation_.load(std::memory_order_acquire));
}

std::shared_ptr<const std::string> AnswerCache::find(const std::string& key,
                                                     std::uint64_t generation) {
  std::lock_guard lock(mu_);
  if (map_generation_ == generation) {
    if (const auto it = map_.find(key); it != map_.end()) {
      hits_.fetch_add(1, std::memory_order_relaxed);
      return it->second;
    }
  }
  misses_.fetch_add(1, std::memory_order_relaxed);
  return nullptr;
}

void AnswerCache::put(const std::string& key, std::uint64_t generation,
                      std::shared_ptr<const std::string> body) {
  const std::size_t size = key.size() + body->size();
  if (size > max_bytes_) return;
  std::lock_guard lock(mu_);
  // Answers of an older generation are never served again: keep only the newest.
  if (generation != generation_.load(std::memory_order_acquire)) return;
  if (generation != map_generation_ || bytes_ + size > max_bytes_) {
    map_.clear();
    bytes_ = 0;
    map_generation_ = generation;
  }
  if (map_.emplace(key, std::move(body)).second) bytes_ += size;
}

}  // namespace css::api

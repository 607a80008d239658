#include "css/nn/planner.hpp"

namespace css::nn {

int ArenaPlanner::add(std::size_t bytes, int first_use, int last_use) {
  if (count_ == kMaxBuffers) return -1;
  size_[count_] = static_cast<std::uint32_t>((bytes + kAlign - 1) / kAlign * kAlign);
  first_[count_] = static_cast<std::int16_t>(first_use);
  last_[count_] = static_cast<std::int16_t>(last_use < first_use ? first_use : last_use);
  offset_[count_] = 0;
  return static_cast<int>(count_++);
}

std::size_t ArenaPlanner::naive_bytes() const {
  std::size_t sum = 0;
  for (std::size_t i = 0; i < count_; ++i) sum += size_[i];
  return sum;
}

void ArenaPlanner::plan() {
  std::size_t order[kMaxBuffers];
  for (std::size_t i = 0; i < count_; ++i) order[i] = i;
  // Stable insertion sort, largest first (ties keep creation order -> deterministic plans).
  for (std::size_t i = 1; i < count_; ++i) {
    const std::size_t v = order[i];
    std::size_t j = i;
    for (; j > 0 && size_[order[j - 1]] < size_[v]; --j) order[j] = order[j - 1];
    order[j] = v;
  }
  total_ = 0;
  for (std::size_t k = 0; k < count_; ++k) {
    const std::size_t b = order[k];
    std::uint32_t candidate = 0;
    for (bool moved = true; moved;) {
      moved = false;
      for (std::size_t q = 0; q < k; ++q) {
        const std::size_t o = order[q];
        const bool live_together = first_[o] <= last_[b] && first_[b] <= last_[o];
        const bool overlap = candidate < offset_[o] + size_[o] && offset_[o] < candidate + size_[b];
        if (live_together && overlap && size_[b] > 0 && size_[o] > 0) {
          candidate = offset_[o] + size_[o];
          moved = true;
        }
      }
    }
    offset_[b] = candidate;
    if (candidate + size_[b] > total_) total_ = candidate + size_[b];
  }
}

}  // namespace css::nn

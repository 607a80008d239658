// ArenaPlanner: assigns arena offsets to buffers with known lifetimes (op index ranges,
// inclusive). Greedy by size (largest first), each placed at the lowest offset that does not
// overlap any already-placed buffer whose lifetime intersects (first-fit) — the scheme of
// TFLM's GreedyMemoryPlanner, our own code. Fixed capacity, no allocation.
#pragma once

#include <cstddef>
#include <cstdint>

#include "css/nn/format.hpp"

namespace css::nn {

class ArenaPlanner {
 public:
  static constexpr std::size_t kMaxBuffers = format::kMaxOps + 8;  // tensors + scratch
  static constexpr std::size_t kAlign = 4;  // floats / int32 must stay aligned (Cortex-M4 VLDR)

  // Returns the buffer id, or -1 when the planner is full. Sizes are rounded up to kAlign.
  int add(std::size_t bytes, int first_use, int last_use);
  void plan();
  std::size_t offset(int id) const { return offset_[id]; }
  std::size_t size(int id) const { return size_[id]; }
  int first_use(int id) const { return first_[id]; }
  int last_use(int id) const { return last_[id]; }
  std::size_t count() const { return count_; }
  std::size_t total_bytes() const { return total_; }  // valid after plan()
  std::size_t naive_bytes() const;                    // sum of all sizes (no sharing)

 private:
  std::size_t count_ = 0;
  std::size_t total_ = 0;
  // Compact on purpose: init() keeps a planner on the (MCU) stack.
  std::uint32_t size_[kMaxBuffers] = {};
  std::uint32_t offset_[kMaxBuffers] = {};
  std::int16_t first_[kMaxBuffers] = {};
  std::int16_t last_[kMaxBuffers] = {};
};

}  // namespace css::nn

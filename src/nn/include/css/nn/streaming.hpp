// Streaming: int8 inference one sample at a time in a caller-owned arena (no heap).
//
// Every sequence tensor keeps a ring buffer just long enough for its consumers: a conv needs
// (kernel-1)*dilation + 1 steps of its input, the pool needs window + 1 (running sum: add the
// newest row, subtract the row that leaves the window), an add needs only the current step.
// After reset() the rings hold each tensor's zero point, which is exactly window mode's causal
// padding, so after n pushes the output equals Interpreter::run_window() on all n samples
// (n >= window), and — because older samples fall out of the receptive field — on the last
// min(n, model.context_length()) samples. Bit-exact, int8 only. See docs/engine.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "css/nn/interpreter.hpp"
#include "css/nn/model.hpp"
#include "css/nn/planner.hpp"
#include "css/nn/status.hpp"

namespace css::nn {
namespace detail {
struct KernelTable;
}

class Streaming {
 public:
  // The plan depends on the kernel path (SIMD paths pack weights into the arena); pass the
  // same kernels/isa to required_arena_bytes(), plan() and init().
  static std::size_t required_arena_bytes(const Model& model,
                                          KernelSet kernels = KernelSet::kOptimized,
                                          Isa isa = Isa::kAuto);

  // arena: 4-byte aligned, >= required_arena_bytes(). Calls reset(). kBadParam when `isa` is
  // not available on this CPU/build.
  Status init(const Model& model, std::span<std::uint8_t> arena,
              KernelSet kernels = KernelSet::kOptimized, Isa isa = Isa::kAuto);
  // One raw sample ([input_channels], normalised inside). probs gets the class probabilities
  // over the last `window` samples; *ready is false until `window` samples have been pushed
  // (probs are then still written, computed over the zero-padded history).
  Status push(std::span<const float> sample, std::span<float> probs, bool* ready);
  void reset();  // forget the history: the next push is t = 0
  std::uint64_t samples_seen() const { return seen_; }
  std::span<const std::int8_t> logits_q() const { return {logits_q_, model_->num_classes()}; }
  // The arena plan init() uses (for tests and tools): buffer ids 0..num_tensors()-2 are the
  // tensors' rings, then the kernel scratch, the pool's running sums and (SIMD paths) the
  // packed weights followed by a cache of the decoded ops. A path with a whole-network step
  // kernel that supports the model (AVX-512 VNNI, tensors of <= 16 channels) plans one buffer
  // instead: its rings, sums and packed program.
  static Status plan(const Model& model, ArenaPlanner& out,
                     KernelSet kernels = KernelSet::kOptimized, Isa isa = Isa::kAuto);

 private:
  static Status ring_lengths(const Model& model, std::uint16_t* ring_len);
  static std::size_t op_cache_bytes(const Model& model);
  void fill_op_cache();
  std::uint16_t channels(std::size_t tensor) const;
  const std::int8_t* row(std::size_t tensor, std::uint32_t back) const;
  std::int32_t tensor_zp(std::size_t tensor) const;
  bool quantize_sample(const float* x, std::int8_t* q) const;
  std::int8_t* current_row(std::size_t tensor);
  std::size_t sums_id() const { return model_->num_tensors(); }  // gather scratch is one before

  const Model* model_ = nullptr;
  std::uint8_t* arena_ = nullptr;
  KernelSet kernels_ = KernelSet::kOptimized;
  const detail::KernelTable* table_ = nullptr;
  std::uint32_t norm_off_ = 0;  // input mean/std floats in the packed region (SIMD quantize)
  bool simd_quantize_ = false;
  bool step_ = false;        // the table's whole-network step runs push() (its region: buffer 0)
  std::uint64_t fused_ = 0;  // bit i: conv op i also runs op i + 1 (an Add), one call
  std::uint32_t op_cache_off_ = 0;  // SIMD paths: decoded ops in the arena (0: none)
  std::uint32_t channels_off_ = 0;  // SIMD paths: channels of every tensor in the arena
  std::uint32_t packed_off_[format::kMaxOps] = {};        // by op index (optimised only)
  std::uint32_t offset_[ArenaPlanner::kMaxBuffers] = {};  // by planner buffer id
  std::uint16_t ring_len_[format::kMaxOps + 1] = {};
  std::uint16_t channels_[format::kMaxOps + 1] = {};  // row bytes of every tensor (row())
  const std::uint8_t* payload_ = nullptr;             // the model's payload and op records:
  std::uint32_t ops_off_ = 0;                         // push() decodes them (decode_op)
  std::uint32_t norm_off_in_payload_ = 0;             // input mean/std floats
  QuantParams input_quant_;
  std::uint16_t pos_[format::kMaxOps + 1] = {};
  std::uint64_t seen_ = 0;
  std::int8_t logits_q_[format::kMaxClasses] = {};
};

}  // namespace css::nn

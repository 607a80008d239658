// Interpreter: window mode. Runs a parsed Model on a whole input sequence in a caller-owned
// arena; no heap, no exceptions. The Model (and the bytes it views) and the arena must outlive
// the Interpreter.
//
// Semantics (docs/engine.md): every layer's input is causally zero-padded before t = 0 (zero
// in the real domain = the tensor's zero point in int8). run_window() takes `steps` raw
// feature rows ([steps][input_channels], normalisation is applied inside), window <= steps <=
// max_steps, runs every op over all steps and pools over the LAST `window` outputs.
// With steps >= model.context_length() the result equals Streaming after the same samples.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "css/nn/isa.hpp"
#include "css/nn/model.hpp"
#include "css/nn/planner.hpp"
#include "css/nn/status.hpp"

namespace css::nn {
namespace detail {
struct KernelTable;
}

enum class Precision : std::uint8_t { kFloat, kInt8 };
enum class KernelSet : std::uint8_t { kReference, kOptimized };

struct RunConfig {
  Precision precision = Precision::kInt8;
  KernelSet kernels = KernelSet::kOptimized;  // int8 only; float always uses the reference
  std::uint32_t max_steps = 0;                // 0 = model.window()
  Isa isa = Isa::kAuto;  // optimised int8 only: instruction-set path (isa.hpp); kAuto = best
};

// Multiply-accumulates of one inference over `steps` time steps (conv + dense).
std::uint64_t count_macs(const Model& model, std::uint32_t steps);

class Interpreter {
 public:
  // Called after each op in float mode with the op's output tensor (for calibration/debug).
  using Observer = void (*)(void* ctx, std::size_t tensor, std::span<const float> values);

  // Exact bytes init() needs for this config (0 if the config is invalid for the model).
  static std::size_t required_arena_bytes(const Model& model, const RunConfig& config);

  // arena must be 4-byte aligned and at least required_arena_bytes() long.
  Status init(const Model& model, std::span<std::uint8_t> arena, const RunConfig& config);
  Status run_window(std::span<const float> input, std::span<float> probs);
  // int8 logits (softmax input) of the last int8 run.
  std::span<const std::int8_t> logits_q() const { return {logits_q_, model_->num_classes()}; }
  void set_observer(Observer fn, void* ctx) {
    observer_ = fn;
    observer_ctx_ = ctx;
  }
  // The arena plan init() uses (for tests and tools): buffer ids 0..num_tensors()-2 are the
  // tensors, then int8 scratch (zero-point row, kernel scratch, pool sums) and, for SIMD
  // paths, the packed weights (written by init, live for the whole run). On a path with plane
  // kernels (AVX-512) the sequence tensors are sized as planes (docs/engine.md).
  // kBadParam when config.isa is not available on this CPU/build.
  static Status plan(const Model& model, const RunConfig& config, ArenaPlanner& out);

 private:
  Status run_int8(std::span<const float> input, std::uint32_t steps, std::span<float> probs);
  Status run_float(std::span<const float> input, std::uint32_t steps, std::span<float> probs);
  Status run_planes(std::span<const float> input, std::uint32_t steps, std::span<float> probs);
  void prepare_planes(const Model& m);
  template <typename T>
  T* buffer(std::size_t id) const {
    return reinterpret_cast<T*>(arena_ + offset_[id]);
  }

  const Model* model_ = nullptr;
  std::uint8_t* arena_ = nullptr;
  const detail::KernelTable* table_ = nullptr;
  RunConfig config_{};
  std::uint32_t norm_off_ = 0;  // input mean/std floats in the packed region (SIMD quantize)
  bool simd_quantize_ = false;
  bool planes_ = false;      // plane layout for sequence tensors (kernel_table.hpp)
  std::uint32_t pad_ = 0;    // plane mode: causal padding words in front of every plane
  std::uint64_t fused_ = 0;  // plane mode: bit i = conv op i runs op i + 1 (an Add) too
  std::uint32_t packed_off_[format::kMaxOps] = {};        // by op index (optimised int8 only)
  std::uint32_t offset_[ArenaPlanner::kMaxBuffers] = {};  // by planner buffer id
  std::int8_t logits_q_[format::kMaxClasses] = {};
  Observer observer_ = nullptr;
  void* observer_ctx_ = nullptr;
};

}  // namespace css::nn

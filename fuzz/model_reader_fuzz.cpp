// libFuzzer target: Model::parse on arbitrary bytes must never crash or hit UB; when a model
// parses, running it (window + streaming, int8 and float) must not either.
// Half of the inputs (last byte odd) get their payload SHA-256 fixed up first, so the fuzzer
// gets past the checksum and exercises the structural validation and the kernels.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "css/nn/interpreter.hpp"
#include "css/nn/model.hpp"
#include "css/nn/sha256.hpp"
#include "css/nn/streaming.hpp"

namespace {

using namespace css::nn;

constexpr std::size_t kMaxArena = 1u << 20;
alignas(16) std::uint8_t g_arena[kMaxArena];

void run_model(const Model& m) {
  const std::size_t ch = m.input_channels();
  // At least the 3 streaming samples pushed below, whatever window the model claims.
  std::vector<float> x(std::max<std::size_t>(m.window(), 3) * ch);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i % 7) - 3.0f;
  std::vector<float> probs(m.num_classes());
  for (const Precision p : {Precision::kInt8, Precision::kFloat}) {
    for (const KernelSet k : {KernelSet::kReference, KernelSet::kOptimized}) {
      const RunConfig cfg{p, k, 0};
      const std::size_t need = Interpreter::required_arena_bytes(m, cfg);
      if (need == 0 || need > kMaxArena) continue;
      Interpreter in;
      if (in.init(m, {g_arena, need}, cfg) == Status::kOk) in.run_window(x, probs);
    }
  }
  const std::size_t need = Streaming::required_arena_bytes(m);
  if (need == 0 || need > kMaxArena) return;
  Streaming st;
  if (st.init(m, {g_arena, need}) != Status::kOk) return;
  for (std::size_t t = 0; t < 3; ++t) st.push({x.data() + t * ch, ch}, probs, nullptr);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::uint32_t> words(size / 4 + 1);  // 4-byte aligned copy
  auto* bytes = reinterpret_cast<std::uint8_t*>(words.data());
  if (size > 0) std::memcpy(bytes, data, size);
  if (size > 64 && (data[size - 1] & 1) != 0) {
    std::uint32_t file_size = 0;
    std::memcpy(&file_size, bytes + 8, 4);
    if (file_size >= 64 && file_size <= size) {
      const Sha256::Digest d = Sha256::hash({bytes + 64, file_size - 64});
      std::memcpy(bytes + 16, d.data(), d.size());
    }
  }
  Model m;
  ParseDetail detail;
  if (Model::parse({bytes, size}, m, &detail) == Status::kOk) run_model(m);
  return 0;
}

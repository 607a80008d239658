// Shared helpers for the nn tests: cached random models, aligned arenas, random inputs.
#pragma once

#if defined(__x86_64__)
#include <cpuid.h>
#endif

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "css/nn/format.hpp"
#include "css/nn/isa.hpp"
#include "css/nn/kernels.hpp"
#include "css/nn/model.hpp"
#include "css/nn/model_writer.hpp"
#include "css/nn/sha256.hpp"

namespace css::nn {
// Test names and failure messages show the path's name ("avx2"), not its byte value.
inline void PrintTo(Isa isa, std::ostream* os) {
  *os << isa_name(isa);
}
}  // namespace css::nn

namespace css::nn::test {

// A random conv layer's tensors and the ConvQ view of them (p points into the vectors, so
// a RandomConv must not be copied after p is set). Each test file draws its own values.
struct RandomConv {
  std::vector<std::int8_t> w;
  std::vector<std::int32_t> bias, mult, shift;
  kernels::ConvQ p;

  // Points p at the vectors (filled by the caller) and sets its shape.
  void bind(int in_ch, int out_ch, int kernel) {
    p.in_ch = in_ch;
    p.out_ch = out_ch;
    p.kernel = kernel;
    p.weights = w.data();
    p.bias_eff = bias.data();
    p.multiplier = mult.data();
    p.shift = shift.data();
  }
};

// Why the tests cannot run instruction-set path `isa` here, naming the missing CPU feature
// flags (as /proc/cpuinfo spells them) or the build; "" when they can. Tests GTEST_SKIP with
// it, so a path a machine cannot run shows in the output as skipped, never as fewer tests.
inline std::string isa_missing(Isa isa) {
  if (isa_available(isa)) return "";
#if defined(__x86_64__)
  std::string missing;
  const auto need = [&](bool has, const char* flag) {
    if (!has) missing += std::string(missing.empty() ? "" : " ") + flag;
  };
  if (isa == Isa::kAvx2) {
    need(__builtin_cpu_supports("avx2"), "avx2");
  } else if (isa == Isa::kAvxVnni) {
    need(__builtin_cpu_supports("avx2"), "avx2");
    unsigned a = 0, b = 0, c = 0, d = 0;  // CPUID 7.1 EAX bit 4 (clang 14 lacks "avxvnni")
    need(__get_cpuid_count(7, 1, &a, &b, &c, &d) != 0 && ((a >> 4) & 1u) != 0, "avx_vnni");
  } else if (isa == Isa::kAvx512Vnni) {
    need(__builtin_cpu_supports("avx512f"), "avx512f");
    need(__builtin_cpu_supports("avx512bw"), "avx512bw");
    need(__builtin_cpu_supports("avx512vl"), "avx512vl");
    need(__builtin_cpu_supports("avx512vnni"), "avx512_vnni");
  }
  if (missing.empty())  // the CPU has it: capped by the environment (isa.hpp)
    return std::string(isa_name(isa)) + " path not tested: CSS_NN_ISA=" +
           (std::getenv("CSS_NN_ISA") ? std::getenv("CSS_NN_ISA") : "") + " caps the paths";
  return std::string(isa_name(isa)) + " path not tested: this CPU lacks " + missing;
#else
  return std::string(isa_name(isa)) + " path not tested: x86-64 only, not in this build";
#endif
}

inline const std::vector<std::uint8_t>& default_model_bytes() {
  static const std::vector<std::uint8_t> bytes = build_default_random_model(42);
  return bytes;
}

inline const std::vector<std::uint8_t>& large_model_bytes() {
  static const std::vector<std::uint8_t> bytes =
      build_default_random_model(7, large_model_options());
  return bytes;
}

// A 4-byte aligned arena (std::vector<uint32_t> storage).
class Arena {
 public:
  explicit Arena(std::size_t bytes) : words_((bytes + 3) / 4 + 1) {}
  std::span<std::uint8_t> span(std::size_t bytes) {
    return {reinterpret_cast<std::uint8_t*>(words_.data()), bytes};
  }

 private:
  std::vector<std::uint32_t> words_;
};

// Raw feature rows around the model's normalisation (mean + std * N(0, 1)).
inline std::vector<float> random_input(const Model& m, std::size_t steps, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> n01(0.0f, 1.0f);
  std::vector<float> x(steps * m.input_channels());
  for (std::size_t i = 0; i < x.size(); ++i) {
    const std::size_t c = i % m.input_channels();
    x[i] = m.input_mean(c) + m.input_std(c) * n01(rng);
  }
  return x;
}

// Recomputes the payload checksum after a test edited the bytes.
inline void reseal(std::vector<std::uint8_t>& bytes) {
  const std::span<const std::uint8_t> payload(bytes.data() + format::kHeaderSize,
                                              bytes.size() - format::kHeaderSize);
  const Sha256::Digest d = Sha256::hash(payload);
  std::memcpy(bytes.data() + format::kHdrSha256, d.data(), d.size());
}

inline void put_u16(std::vector<std::uint8_t>& b, std::size_t at, std::uint16_t v) {
  b[at] = static_cast<std::uint8_t>(v);
  b[at + 1] = static_cast<std::uint8_t>(v >> 8);
}
inline void put_u32(std::vector<std::uint8_t>& b, std::size_t at, std::uint32_t v) {
  for (int k = 0; k < 4; ++k) b[at + k] = static_cast<std::uint8_t>(v >> (8 * k));
}

inline void put_i32(std::vector<std::uint8_t>& b, std::size_t at, std::int32_t v) {
  put_u32(b, at, static_cast<std::uint32_t>(v));
}
inline void put_f32(std::vector<std::uint8_t>& b, std::size_t at, float v) {
  std::uint32_t u = 0;
  std::memcpy(&u, &v, 4);
  put_u32(b, at, u);
}
inline std::uint32_t get_u32(const std::vector<std::uint8_t>& b, std::size_t at) {
  std::uint32_t v = 0;
  for (int k = 0; k < 4; ++k) v |= std::uint32_t{b[at + k]} << (8 * k);
  return v;
}

// Byte offset of op i's record within the file.
inline std::size_t op_record(const std::vector<std::uint8_t>& b, std::size_t i) {
  const std::size_t info = format::kHeaderSize;
  const std::uint32_t ops_off = std::uint32_t{b[info + format::kInfoOpsOff]} |
                                (std::uint32_t{b[info + format::kInfoOpsOff + 1]} << 8);
  return info + ops_off + i * format::kOpSize;
}

}  // namespace css::nn::test

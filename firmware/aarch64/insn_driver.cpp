// css_nn_insn_driver: runs the engine's int8 paths on a .csm model for instruction counting
// under `qemu-aarch64 -plugin libinsncount.so` (scripts/cross-check step 5, docs/engine.md).
// It uses the path the engine picks by itself on this build (Isa::kAuto; on aarch64 the
// portable table, whose conv kernels are the NEON twin src/nn/kernels/arm/kernels_opt_neon.cpp).
//
//   css_nn_insn_driver MODEL.csm info       model shape, MACs per window / per streaming step
//   css_nn_insn_driver MODEL.csm window K   K int8 window inferences on one fixed input
//   css_nn_insn_driver MODEL.csm stream N   N streaming pushes of a fixed signal
//
// Counts are taken as differences of two runs (window 2 minus window 1, stream 2W minus
// stream W), so loading, parsing and init cancel out. Inputs are deterministic, and every run
// prints a hash of the int8 logits so a kernel change that alters results is visible.
// Exit status: 0 ok, 2 bad arguments or model, 1 engine failure at run time.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>
#include <vector>

#include "css/nn/interpreter.hpp"
#include "css/nn/isa.hpp"
#include "css/nn/model.hpp"
#include "css/nn/status.hpp"
#include "css/nn/streaming.hpp"

namespace {

using css::nn::Model;

constexpr const char* kUsage = "usage: css_nn_insn_driver MODEL.csm info|window K|stream N";

bool read_file(const char* path, std::vector<std::uint8_t>& bytes) {
  std::FILE* f = std::fopen(path, "rb");
  if (f == nullptr) return false;
  std::uint8_t chunk[4096];
  std::size_t n = 0;
  while ((n = std::fread(chunk, 1, sizeof chunk, f)) > 0)
    bytes.insert(bytes.end(), chunk, chunk + n);
  const bool ok = std::ferror(f) == 0;
  std::fclose(f);
  return ok;
}

// A small-integer pattern per channel mapped into each channel's training range, so the
// normalised inputs have realistic size (the Cortex-M4 demo's signal shape).
float input_value(const Model& m, std::uint32_t t, std::size_t c) {
  const auto k = static_cast<std::int32_t>((t * 7U + c * 13U + (t / 16U) * 5U) % 41U) - 20;
  return m.input_mean(c) + static_cast<float>(k) / 8.0F * m.input_std(c);
}

std::uint32_t fnv1a(std::uint32_t h, std::span<const std::int8_t> values) {
  for (const std::int8_t v : values) h = (h ^ static_cast<std::uint8_t>(v)) * 16777619U;
  return h;
}

bool check(css::nn::Status status, const char* what) {
  if (status == css::nn::Status::kOk) return true;
  std::fprintf(stderr, "css_nn_insn_driver: %s failed: %s\n", what, css::nn::status_name(status));
  return false;
}

int run_window(const Model& m, std::uint32_t repeats) {
  const css::nn::RunConfig config{};  // int8, optimised kernels, the ISA the engine picks
  std::vector<std::uint8_t> arena(css::nn::Interpreter::required_arena_bytes(m, config));
  css::nn::Interpreter interpreter;
  if (!check(interpreter.init(m, arena, config), "interpreter init")) return 1;
  std::vector<float> input(std::size_t{m.window()} * m.input_channels());
  for (std::uint32_t t = 0; t < m.window(); ++t)
    for (std::size_t c = 0; c < m.input_channels(); ++c)
      input[t * m.input_channels() + c] = input_value(m, t, c);
  std::vector<float> probs(m.num_classes());
  std::uint32_t hash = 2166136261U;  // FNV-1a offset basis
  for (std::uint32_t r = 0; r < repeats; ++r) {
    if (!check(interpreter.run_window(input, probs), "run_window")) return 1;
    hash = fnv1a(hash, interpreter.logits_q());
  }
  std::printf("window runs %u logits_hash %08x\n", repeats, hash);
  return 0;
}

// The streaming input cycles through kStreamPeriod samples made once, so the per-sample count
// (a difference of two runs) holds the engine's push() and nothing of the signal's making.
constexpr std::uint32_t kStreamPeriod = 256;

int run_stream(const Model& m, std::uint32_t samples) {
  std::vector<std::uint8_t> arena(css::nn::Streaming::required_arena_bytes(m));
  css::nn::Streaming streaming;
  if (!check(streaming.init(m, arena), "streaming init")) return 1;
  const std::size_t ch = m.input_channels();
  std::vector<float> signal(kStreamPeriod * ch);
  for (std::uint32_t t = 0; t < kStreamPeriod; ++t)
    for (std::size_t c = 0; c < ch; ++c) signal[t * ch + c] = input_value(m, t, c);
  std::vector<float> probs(m.num_classes());
  std::uint32_t hash = 2166136261U;
  for (std::uint32_t t = 0; t < samples; ++t) {
    bool ready = false;
    const std::span<const float> sample(signal.data() + (t % kStreamPeriod) * ch, ch);
    if (!check(streaming.push(sample, probs, &ready), "push")) return 1;
    hash = fnv1a(hash, streaming.logits_q());
  }
  std::printf("stream samples %u logits_hash %08x\n", samples, hash);
  return 0;
}

// count_macs() counts conv and dense; with 0 steps it is the dense part alone.
void print_info(const Model& m) {
  const std::uint64_t dense = css::nn::count_macs(m, 0);
  std::printf("isa %s\n", css::nn::isa_name(css::nn::best_isa()));
  std::printf("model window %u channels %u classes %u ops %u rf %u\n", m.window(),
              unsigned{m.input_channels()}, unsigned{m.num_classes()}, unsigned{m.num_ops()},
              m.receptive_field());
  std::printf("macs window %llu window_conv %llu stream_step %llu\n",
              static_cast<unsigned long long>(css::nn::count_macs(m, m.window())),
              static_cast<unsigned long long>(css::nn::count_macs(m, m.window()) - dense),
              static_cast<unsigned long long>(css::nn::count_macs(m, 1)));
}

bool parse_count(const char* text, std::uint32_t* value) {
  char* end = nullptr;
  const unsigned long v = std::strtoul(text, &end, 10);
  if (end == text || *end != '\0' || v == 0 || v > 1000000UL) return false;
  *value = static_cast<std::uint32_t>(v);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "%s\n", kUsage);
    return 2;
  }
  std::vector<std::uint8_t> bytes;
  if (!read_file(argv[1], bytes)) {
    std::fprintf(stderr, "css_nn_insn_driver: cannot read model '%s'\n", argv[1]);
    return 2;
  }
  Model model;
  css::nn::ParseDetail detail;
  const css::nn::Status parsed = Model::parse(bytes, model, &detail);
  if (parsed != css::nn::Status::kOk) {
    std::fprintf(stderr, "css_nn_insn_driver: model '%s' rejected: %s (field %s, op %d)\n", argv[1],
                 css::nn::status_name(parsed), detail.field, detail.op);
    return 2;
  }
  const bool has_count = argc == 4;
  std::uint32_t count = 0;
  if (std::strcmp(argv[2], "info") == 0 && argc == 3) {
    print_info(model);
    return 0;
  }
  if (has_count && !parse_count(argv[3], &count)) {
    std::fprintf(stderr, "css_nn_insn_driver: count '%s' is not in 1..1000000 (%s)\n", argv[3],
                 kUsage);
    return 2;
  }
  if (has_count && std::strcmp(argv[2], "window") == 0) return run_window(model, count);
  if (has_count && std::strcmp(argv[2], "stream") == 0) return run_stream(model, count);
  std::fprintf(stderr, "css_nn_insn_driver: bad arguments (%s)\n", kUsage);
  return 2;
}

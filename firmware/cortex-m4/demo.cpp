// Firmware demo: parse the embedded model, run one window inference and a streaming run over
// the same fixed input, print int8 logits and probabilities. The host twin prints the very same
// lines (scripts/cross-check diffs them), so everything printed is integer-formatted: float
// printing differs between newlib and glibc, float arithmetic here does not (IEEE single, no
// contraction: both builds use -ffp-contract=off).
//
// Arguments (semihosting command line on the M4, argv on the host), used for instruction counts:
//   (none)        window + streaming + self-checks, the output scripts/cross-check diffs
//   window K      K window inferences, nothing else
//   stream N      N streaming pushes, nothing else
#include "demo.hpp"

#include <cstddef>
#include <cstdint>
#include <new>
#include <span>

#include "css/nn/interpreter.hpp"
#include "css/nn/isa.hpp"
#include "css/nn/model.hpp"
#include "css/nn/streaming.hpp"
#include "model_data.h"
#include "platform.hpp"
#include "print.hpp"

namespace css::fw {
namespace {

constexpr std::size_t kMaxChannels = 16;
constexpr std::size_t kMaxClasses = 16;
constexpr std::uint32_t kDefaultStreamSamples = 2 * CSS_MODEL_WINDOW;
// The microcontroller has only the portable kernel path (its M4 twin); the host twin must use
// the same path so the arena plan, and so every printed line, is the same on both.
constexpr nn::Isa kIsa = nn::Isa::kPortable;
constexpr nn::RunConfig kWindowConfig{nn::Precision::kInt8, nn::KernelSet::kOptimized, 0, kIsa};

// Arenas sized by the generator (exact required_arena_bytes of the embedded model).
alignas(8) std::uint8_t g_window_arena[CSS_MODEL_WINDOW_ARENA_BYTES];
alignas(8) std::uint8_t g_stream_arena[CSS_MODEL_STREAM_ARENA_BYTES];
// The engine objects have non-zero default member initialisers, so as plain globals they would
// sit in .data (a flash copy of ~5 KiB). Constructed in setup() into zeroed storage instead.
nn::Model g_model;
alignas(nn::Interpreter) std::uint8_t g_interpreter_storage[sizeof(nn::Interpreter)];
alignas(nn::Streaming) std::uint8_t g_streaming_storage[sizeof(nn::Streaming)];
nn::Interpreter* g_interpreter_ptr = nullptr;
nn::Streaming* g_streaming_ptr = nullptr;
nn::Interpreter& interpreter() {
  return *g_interpreter_ptr;
}
nn::Streaming& streaming() {
  return *g_streaming_ptr;
}

// Deterministic test signal: a small-integer pattern per channel mapped into each channel's
// training range (mean + k * std), so normalisation sees values of realistic size.
float input_value(std::uint32_t t, std::size_t c) {
  const auto k = static_cast<std::int32_t>((t * 7U + c * 13U + (t / 16U) * 5U) % 41U) - 20;
  return g_model.input_mean(c) + static_cast<float>(k) / 8.0F * g_model.input_std(c);
}

void fill_sample(std::uint32_t t, float* sample) {
  for (std::size_t c = 0; c < g_model.input_channels(); ++c) sample[c] = input_value(t, c);
}

// Window input [window][channels], generated in place, row by row (no second copy).
float g_window_input[CSS_MODEL_WINDOW * CSS_MODEL_INPUT_CHANNELS];

bool check(nn::Status status, const char* what) {
  if (status == nn::Status::kOk) return true;
  print_line3("FAIL: ", what, nn::status_name(status));
  return false;
}

void print_result(const char* tag, std::span<const std::int8_t> logits, const float* probs) {
  Printer p;
  p.text(tag).text(" logits_q");
  for (const std::int8_t v : logits) p.text(" ").integer(v);
  p.line();
  p.text(tag).text(" probs_e4");
  std::size_t best = 0;
  for (std::size_t i = 0; i < logits.size(); ++i) {
    p.text(" ").fixed_e4(probs[i]);
    if (probs[i] > probs[best]) best = i;
  }
  p.line();
  p.text(tag).text(" top ").text(g_model.class_name(best)).text(" ").fixed_e4(probs[best]).line();
}

bool run_window(std::uint32_t repeats, float* probs) {
  const std::size_t n = std::size_t{g_model.window()} * g_model.input_channels();
  for (std::uint32_t t = 0; t < g_model.window(); ++t)
    fill_sample(t, g_window_input + std::size_t{t} * g_model.input_channels());
  for (std::uint32_t r = 0; r < repeats; ++r) {
    if (!check(interpreter().run_window({g_window_input, n}, {probs, g_model.num_classes()}),
               "run_window"))
      return false;
  }
  return true;
}

// Pushes samples [0, count); returns an FNV-1a hash of every step's int8 logits so the whole
// run, not just its end, is compared between host and target.
bool run_stream(std::uint32_t count, float* probs, std::uint32_t* hash,
                std::int8_t* logits_at_window) {
  float sample[kMaxChannels];
  std::uint32_t h = 2166136261U;  // FNV-1a offset basis (Fowler/Noll/Vo)
  streaming().reset();
  for (std::uint32_t t = 0; t < count; ++t) {
    fill_sample(t, sample);
    bool ready = false;
    if (!check(streaming().push({sample, g_model.input_channels()}, {probs, g_model.num_classes()},
                                &ready),
               "push"))
      return false;
    for (const std::int8_t v : streaming().logits_q()) {
      h = (h ^ static_cast<std::uint8_t>(v)) * 16777619U;  // FNV prime
    }
    if (t + 1 == g_model.window() && logits_at_window != nullptr) {
      for (std::size_t i = 0; i < g_model.num_classes(); ++i)
        logits_at_window[i] = streaming().logits_q()[i];
    }
  }
  *hash = h;
  return true;
}

bool setup() {
  g_interpreter_ptr = new (g_interpreter_storage) nn::Interpreter();
  g_streaming_ptr = new (g_streaming_storage) nn::Streaming();
  nn::ParseDetail detail;
  if (!check(nn::Model::parse({css_model_data, CSS_MODEL_DATA_SIZE}, g_model, &detail),
             detail.field))
    return false;
  if (g_model.input_channels() > kMaxChannels || g_model.num_classes() > kMaxClasses ||
      g_model.window() != CSS_MODEL_WINDOW ||
      g_model.input_channels() != CSS_MODEL_INPUT_CHANNELS) {
    print_line3("FAIL: ", "model shape", " exceeds the demo's buffers");
    return false;
  }
  return check(interpreter().init(g_model, g_window_arena, kWindowConfig), "interpreter init") &&
         check(streaming().init(g_model, g_stream_arena, nn::KernelSet::kOptimized, kIsa),
               "streaming init");
}

int run_all() {
  Printer p;
  p.text("model bytes ").integer(CSS_MODEL_DATA_SIZE).text(" window ").integer(g_model.window());
  p.text(" channels ").integer(g_model.input_channels()).text(" classes ");
  p.integer(g_model.num_classes()).text(" ops ").integer(g_model.num_ops()).text(" rf ");
  p.integer(g_model.receptive_field()).line();
  p.text("sha256 ");
  for (const std::uint8_t b : g_model.checksum()) p.hex2(b);
  p.line();
  p.text("arena window ").integer(nn::Interpreter::required_arena_bytes(g_model, kWindowConfig));
  p.text(" stream ")
      .integer(nn::Streaming::required_arena_bytes(g_model, nn::KernelSet::kOptimized, kIsa))
      .line();
  p.text("macs window ").integer(nn::count_macs(g_model, g_model.window()));
  p.text(" stream_step ").integer(nn::count_macs(g_model, 1)).line();

  float probs[kMaxClasses] = {};
  if (!run_window(1, probs)) return 2;
  print_result("window", interpreter().logits_q(), probs);
  std::int8_t window_logits[kMaxClasses];
  for (std::size_t i = 0; i < g_model.num_classes(); ++i)
    window_logits[i] = interpreter().logits_q()[i];

  std::int8_t stream_at_window[kMaxClasses] = {};
  std::uint32_t hash = 0;
  if (!run_stream(kDefaultStreamSamples, probs, &hash, stream_at_window)) return 3;
  print_result("stream", streaming().logits_q(), probs);
  p.text("stream samples ").integer(kDefaultStreamSamples).text(" logits_hash ").hex8(hash).line();

  bool same = true;
  for (std::size_t i = 0; i < g_model.num_classes(); ++i)
    same = same && stream_at_window[i] == window_logits[i];
  p.text("stream_at_window_matches_window ").text(same ? "yes" : "NO").line();
  return same ? 0 : 4;
}

}  // namespace

int run_demo() {
  if (!setup()) return 1;
  char args[64];
  if (!platform_command_line(args, sizeof args)) return run_all();
  const Arguments a = parse_arguments(args);
  float probs[kMaxClasses] = {};
  std::uint32_t hash = 0;
  if (a.mode == Mode::kWindow) return run_window(a.count, probs) ? 0 : 2;
  if (a.mode == Mode::kStream) return run_stream(a.count, probs, &hash, nullptr) ? 0 : 3;
  print_line3("FAIL: ", "arguments: expected `window K` or `stream N`, got ", args);
  return 5;
}

}  // namespace css::fw

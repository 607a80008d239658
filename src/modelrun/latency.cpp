#include "css/modelrun/latency.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <random>

#include "css/nn/interpreter.hpp"
#include "css/nn/streaming.hpp"

namespace css::modelrun {
namespace {

using Clock = std::chrono::steady_clock;

// Raw feature rows around each channel's training mean, so activations look real.
std::vector<float> random_rows(const nn::Model& m, std::size_t rows, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> u(-2.0F, 2.0F);
  std::vector<float> x(rows * m.input_channels());
  for (std::size_t i = 0; i < x.size(); ++i) {
    const std::size_t c = i % m.input_channels();
    x[i] = m.input_mean(c) + u(rng) * m.input_std(c);
  }
  return x;
}

LatencyStats stats_of(std::string mode, std::vector<double>& us) {
  std::sort(us.begin(), us.end());
  auto at = [&](double q) {
    return us[static_cast<std::size_t>(q * static_cast<double>(us.size() - 1))];
  };
  return {std::move(mode), at(0.5), at(0.9), at(0.99), us.back(), us.size()};
}

template <typename F>
std::vector<double> time_calls(std::uint32_t n, F&& call) {
  for (std::uint32_t i = 0; i < n / 10 + 1; ++i) call(i);  // warm-up
  std::vector<double> us(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    const auto t0 = Clock::now();
    call(i);
    us[i] = std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
  }
  return us;
}

Result<LatencyStats> time_window(const nn::Model& m, const nn::RunConfig& cfg, std::string mode,
                                 const std::vector<float>& x, std::uint32_t n) {
  std::vector<std::uint32_t> arena_words(nn::Interpreter::required_arena_bytes(m, cfg) / 4 + 1);
  std::span<std::uint8_t> arena(reinterpret_cast<std::uint8_t*>(arena_words.data()),
                                arena_words.size() * 4);
  nn::Interpreter it;
  if (auto st = it.init(m, arena, cfg); st != nn::Status::kOk)
    return make_error(ErrorCode::kInvalidArgument, mode + ": init failed: " + nn::status_name(st));
  std::vector<float> probs(m.num_classes());
  nn::Status last = nn::Status::kOk;
  auto us = time_calls(n, [&](std::uint32_t) { last = it.run_window(x, probs); });
  if (last != nn::Status::kOk)
    return make_error(ErrorCode::kInvalidArgument, mode + ": " + nn::status_name(last));
  return stats_of(std::move(mode), us);
}

Result<LatencyStats> time_streaming(const nn::Model& m, const std::vector<float>& x,
                                    std::uint32_t n) {
  std::vector<std::uint32_t> arena_words(nn::Streaming::required_arena_bytes(m) / 4 + 1);
  std::span<std::uint8_t> arena(reinterpret_cast<std::uint8_t*>(arena_words.data()),
                                arena_words.size() * 4);
  nn::Streaming s;
  if (auto st = s.init(m, arena); st != nn::Status::kOk)
    return make_error(ErrorCode::kInvalidArgument,
                      std::string("streaming init failed: ") + nn::status_name(st));
  std::vector<float> probs(m.num_classes());
  const std::size_t rows = x.size() / m.input_channels();
  bool ready = false;
  auto us = time_calls(n, [&](std::uint32_t i) {
    const std::size_t r = i % rows;
    (void)s.push(std::span<const float>(x).subspan(r * m.input_channels(), m.input_channels()),
                 probs, &ready);
  });
  return stats_of("int8_streaming_sample", us);
}

}  // namespace

Result<std::vector<LatencyStats>> measure_latency(const nn::Model& m, const LatencyOptions& o) {
  if (o.iterations == 0) return make_error(ErrorCode::kInvalidArgument, "iterations: must be > 0");
  const auto x = random_rows(m, m.window(), o.seed);
  std::vector<LatencyStats> out;
  nn::RunConfig opt, ref, flt;
  ref.kernels = nn::KernelSet::kReference;
  flt.precision = nn::Precision::kFloat;
  std::vector<std::pair<nn::RunConfig, const char*>> modes = {{opt, "int8_window"},
                                                              {ref, "int8_window_reference"}};
  if (m.has_float_weights()) modes.emplace_back(flt, "float_window");
  for (const auto& [cfg, name] : modes) {
    auto s = time_window(m, cfg, name, x, o.iterations);
    if (!s) return s.error();
    out.push_back(*s);
  }
  auto s = time_streaming(m, x, o.iterations * 16);
  if (!s) return s.error();
  out.push_back(*s);
  return out;
}

std::string format_latency(const std::vector<LatencyStats>& stats) {
  std::string o = "mode                      p50 us    p90 us    p99 us    max us   calls\n";
  char line[160];
  for (const auto& s : stats) {
    std::snprintf(line, sizeof line, "%-24s %8.2f  %8.2f  %8.2f  %8.2f  %6llu\n", s.mode.c_str(),
                  s.p50_us, s.p90_us, s.p99_us, s.max_us, static_cast<unsigned long long>(s.calls));
    o += line;
  }
  return o;
}

std::string latency_json(const std::vector<LatencyStats>& stats) {
  nlohmann::json j;
  for (const auto& s : stats)
    j[s.mode] = {{"p50_us", s.p50_us},
                 {"p90_us", s.p90_us},
                 {"p99_us", s.p99_us},
                 {"max_us", s.max_us},
                 {"calls", s.calls}};
  return j.dump();
}

}  // namespace css::modelrun

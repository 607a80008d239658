// What the bench/compare tools (csm_tool, torch_compare, xnnpack_compare) share: loading a
// .csm, reading a model's input windows from an NPY file, the `bench` flags, timing one call.
// Header-only: each tool is one translation unit with its own link line.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "css/core/result.hpp"
#include "css/data/npy.hpp"
#include "css/nn/model.hpp"

namespace css::compare {

struct LoadedModel {
  std::vector<std::uint8_t> bytes;  // the Model views these: keep together, do not copy
  nn::Model model;
};

inline Status load_model(const std::string& path, LoadedModel& out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return make_error(ErrorCode::kNotFound, "cannot open '" + path + "'");
  out.bytes.assign(std::istreambuf_iterator<char>(f), {});
  nn::ParseDetail detail;
  const auto s = nn::Model::parse(out.bytes, out.model, &detail);
  if (s != nn::Status::kOk) {
    return make_error(ErrorCode::kParse, path + ": not a valid .csm (" + nn::status_name(s) +
                                             " at " + detail.field + ", op " +
                                             std::to_string(detail.op) + ")");
  }
  return Ok{};
}

// Raw float rows of `count` windows, [count][window][input_channels].
struct Windows {
  std::size_t count = 0;
  std::vector<float> values;
};

inline Result<Windows> read_windows(const nn::Model& m, const std::string& path) {
  auto arr = data::read_npy(path);
  if (!arr) return arr.error();
  auto values = data::npy_values<float>(*arr);
  if (!values) return values.error();
  const auto& shape = arr->shape;
  if (shape.size() != 3 || shape[1] != m.window() || shape[2] != m.input_channels()) {
    return make_error(ErrorCode::kInvalidArgument, path + ": expected shape [N, " +
                                                       std::to_string(m.window()) + ", " +
                                                       std::to_string(m.input_channels()) + "]");
  }
  return Windows{shape[0], std::move(*values)};
}

// `bench IN.csm [--iters N] [--warmup N]` (args[0..1] are the subcommand and the model).
inline bool parse_bench_flags(const std::vector<std::string>& args, int& iters, int& warmup) {
  for (std::size_t i = 2; i < args.size(); i += 2) {
    const long v = i + 1 < args.size() ? std::strtol(args[i + 1].c_str(), nullptr, 10) : 0;
    if ((args[i] != "--iters" && args[i] != "--warmup") || v < 1 || v > 10'000'000) return false;
    (args[i] == "--iters" ? iters : warmup) = static_cast<int>(v);
  }
  return true;
}

struct Timing {
  double median_us = 0, p90_us = 0;
};

// Times `call()` (returns false on failure) `iters` times after `warmup` untimed calls;
// nullopt when a call fails.
template <typename Call>
std::optional<Timing> time_calls(int iters, int warmup, Call&& call) {
  for (int i = 0; i < warmup; ++i) {
    if (!call()) return std::nullopt;
  }
  std::vector<double> us(static_cast<std::size_t>(iters));
  for (auto& sample : us) {
    const auto t0 = std::chrono::steady_clock::now();
    const bool ok = call();
    const auto t1 = std::chrono::steady_clock::now();
    if (!ok) return std::nullopt;
    sample = std::chrono::duration<double, std::micro>(t1 - t0).count();
  }
  std::sort(us.begin(), us.end());
  return Timing{us[us.size() / 2], us[us.size() * 9 / 10]};
}

}  // namespace css::compare

#include "tensors.hpp"

#include <algorithm>

#include "checkpoint.hpp"
#include "sampling.hpp"

namespace css::train {
namespace {
constexpr std::size_t kC = features::kChannelCount;

// Raw windows with their context (no mask, no normalisation) at the given window indices.
torch::Tensor raw_windows(const modelrun::WindowSet& set, const features::Normalization& norm,
                          std::size_t context, std::span<const std::size_t> idx) {
  const auto n = static_cast<std::int64_t>(idx.size());
  const std::size_t steps = context + set.length;
  auto x = torch::empty({n, static_cast<std::int64_t>(steps), static_cast<std::int64_t>(kC)});
  float* dst = x.data_ptr<float>();
  for (std::size_t i = 0; i < idx.size(); ++i) {
    const auto& w = set.windows[idx[i]];
    modelrun::gather_raw(set.tracks[w.recording], w.begin, context, norm,
                         std::span<float>(dst + i * steps * kC, steps * kC));
  }
  return x;
}
}  // namespace

torch::Tensor windows_to_tensor(std::span<const float> values, std::size_t n, std::size_t length) {
  auto t = torch::from_blob(const_cast<float*>(values.data()),
                            {static_cast<std::int64_t>(n), static_cast<std::int64_t>(length),
                             static_cast<std::int64_t>(kC)},
                            torch::kFloat32);
  return t.permute({0, 2, 1}).contiguous();
}

torch::Tensor calibration_windows(const modelrun::WindowSet& set,
                                  const features::Normalization& norm, std::size_t context,
                                  int count, std::uint64_t seed) {
  std::vector<std::size_t> idx(set.windows.size());
  for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
  SplitMix rng(seed ^ 0xC0FFEEULL);
  // Fisher–Yates with our own generator: the same slice on every standard library.
  for (std::size_t i = idx.size(); i > 1; --i) std::swap(idx[i - 1], idx[rng.below(i)]);
  idx.resize(std::min(idx.size(), static_cast<std::size_t>(std::max(count, 0))));
  std::sort(idx.begin(), idx.end());
  return raw_windows(set, norm, context, idx);
}

modelrun::ConfusionMatrix evaluate_torch(Tcn& model, const modelrun::WindowSet& set,
                                         const features::Normalization& norm, std::size_t context,
                                         const features::ChannelMask& mask) {
  torch::NoGradGuard no_grad;
  model->eval();
  modelrun::ConfusionMatrix cm(model->config.classes);
  constexpr std::size_t kBatch = 512;
  const std::size_t steps = context + set.length, wlen = steps * kC;
  std::vector<float> buf;
  for (std::size_t b0 = 0; b0 < set.windows.size(); b0 += kBatch) {
    const std::size_t bn = std::min(kBatch, set.windows.size() - b0);
    buf.resize(bn * wlen);
    for (std::size_t i = 0; i < bn; ++i) {
      const auto& w = set.windows[b0 + i];
      modelrun::gather_window(set.tracks[w.recording], w.begin, context, mask, norm,
                              std::span<float>(buf.data() + i * wlen, wlen));
    }
    const auto pred = model->forward(windows_to_tensor(buf, bn, steps)).argmax(1).contiguous();
    const auto* p = pred.data_ptr<std::int64_t>();
    for (std::size_t i = 0; i < bn; ++i)
      cm.add(static_cast<int>(set.windows[b0 + i].label), static_cast<int>(p[i]));
  }
  return cm;
}

Result<std::string> eval_windows_bytes(const std::filesystem::path& path,
                                       const modelrun::WindowSet& set,
                                       const features::Normalization& norm, std::size_t context) {
  std::vector<std::size_t> idx(set.windows.size());
  std::vector<std::int64_t> labels(set.windows.size());
  for (std::size_t i = 0; i < idx.size(); ++i) {
    idx[i] = i;
    labels[i] = static_cast<std::int64_t>(set.windows[i].label);
  }
  torch::serialize::OutputArchive a;
  try {
    a.write("x", raw_windows(set, norm, context, idx));
    a.write("y", torch::tensor(labels, torch::kInt64));
  } catch (const c10::Error& e) {
    return make_error(ErrorCode::kIo,
                      "cannot write '" + path.string() + "': " + e.what_without_backtrace());
  }
  return archive_bytes(a, path, "eval windows file");
}

Result<EvalWindows> load_eval_windows(const std::filesystem::path& path) {
  if (!std::filesystem::is_regular_file(path))
    return make_error(ErrorCode::kNotFound,
                      "evaluation windows: no such file '" + path.string() + "'");
  try {
    torch::serialize::InputArchive a;
    if (auto st = read_archive(a, path, "eval windows file"); !st) return st.error();
    EvalWindows e;
    a.read("x", e.x);
    a.read("y", e.y);
    if (e.x.dim() != 3 || e.x.size(2) != static_cast<std::int64_t>(kC) ||
        e.y.size(0) != e.x.size(0))
      return make_error(ErrorCode::kParse, "'" + path.string() + "': expected x [N, T, " +
                                               std::to_string(kC) + "] and y [N]");
    return e;
  } catch (const c10::Error& e) {
    return make_error(ErrorCode::kParse, "'" + path.string() + "': " + e.what_without_backtrace());
  }
}

}  // namespace css::train

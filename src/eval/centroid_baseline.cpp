#include "css/eval/centroid_baseline.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "css/data/split.hpp"
#include "css/data/windowing.hpp"

namespace css::eval {
namespace {

using Feature = std::array<double, 4>;

struct Sample {
  std::size_t recording;
  int label;
  Feature x;
};

// Accuracy of one split, or NaN when a test class has no training windows.
double run_split(const std::vector<Sample>& samples, const data::Split& split) {
  std::vector<bool> is_train(samples.empty()
                                 ? 0
                                 : 1 + std::max_element(samples.begin(), samples.end(),
                                                        [](const Sample& a, const Sample& b) {
                                                          return a.recording < b.recording;
                                                        })
                                           ->recording,
                             false);
  for (auto r : split.train)
    if (r < is_train.size()) is_train[r] = true;
  Feature mean{}, sq{};
  std::size_t n = 0;
  for (const auto& s : samples) {
    if (!is_train[s.recording]) continue;
    ++n;
    for (std::size_t k = 0; k < 4; ++k) {
      mean[k] += s.x[k];
      sq[k] += s.x[k] * s.x[k];
    }
  }
  if (n == 0) return std::numeric_limits<double>::quiet_NaN();
  Feature sd{};
  for (std::size_t k = 0; k < 4; ++k) {
    mean[k] /= static_cast<double>(n);
    sd[k] = std::sqrt(std::max(0.0, sq[k] / static_cast<double>(n) - mean[k] * mean[k]));
    if (sd[k] < 1e-9) sd[k] = 1.0;
  }
  auto z = [&](const Feature& x) {
    Feature o;
    for (std::size_t k = 0; k < 4; ++k) o[k] = (x[k] - mean[k]) / sd[k];
    return o;
  };
  std::map<int, std::pair<Feature, std::size_t>> centroid;
  for (const auto& s : samples) {
    if (!is_train[s.recording]) continue;
    auto& [sum, count] = centroid[s.label];
    const Feature v = z(s.x);
    for (std::size_t k = 0; k < 4; ++k) sum[k] += v[k];
    ++count;
  }
  for (auto& [label, c] : centroid)
    for (auto& v : c.first) v /= static_cast<double>(c.second);
  std::size_t tested = 0, correct = 0;
  for (const auto& s : samples) {
    if (is_train[s.recording]) continue;
    if (!centroid.count(s.label)) return std::numeric_limits<double>::quiet_NaN();
    const Feature v = z(s.x);
    int best = -1;
    double best_d = std::numeric_limits<double>::infinity();
    for (const auto& [label, c] : centroid) {
      double d = 0.0;
      for (std::size_t k = 0; k < 4; ++k) d += (v[k] - c.first[k]) * (v[k] - c.first[k]);
      if (d < best_d) {
        best_d = d;
        best = label;
      }
    }
    ++tested;
    correct += best == s.label ? 1 : 0;
  }
  if (tested == 0) return std::numeric_limits<double>::quiet_NaN();
  return static_cast<double>(correct) / static_cast<double>(tested);
}

}  // namespace

std::array<double, 4> magnitude_features(std::span<const SensorFrame> frames) {
  if (frames.empty()) return {};
  double sum = 0.0, sq = 0.0;
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto& f : frames) {
    const double m = std::sqrt(double{f.acc[0]} * f.acc[0] + double{f.acc[1]} * f.acc[1] +
                               double{f.acc[2]} * f.acc[2]);
    sum += m;
    sq += m * m;
    lo = std::min(lo, m);
    hi = std::max(hi, m);
  }
  const double n = static_cast<double>(frames.size());
  const double mean = sum / n;
  return {mean, std::sqrt(std::max(0.0, sq / n - mean * mean)), lo, hi};
}

Result<CentroidBaselineResult> centroid_baseline(std::span<const Recording> recordings,
                                                 const CentroidBaselineSpec& spec) {
  data::WindowSpec ws{spec.window, spec.hop, data::LabelPolicy::kMajority, 32};
  std::vector<Sample> samples;
  std::vector<bool> seen(kLabelCount, false);
  for (const auto& w : data::make_windows(recordings, ws)) {
    const auto& rec = recordings[w.recording];
    samples.push_back({w.recording, static_cast<int>(w.label),
                       magnitude_features(std::span(rec.frames).subspan(w.begin, spec.window))});
    seen[static_cast<std::size_t>(w.label)] = true;
  }
  if (samples.empty())
    return make_error(ErrorCode::kInvalidArgument, "centroid baseline: no windows of " +
                                                       std::to_string(spec.window) + " samples");
  if (std::count(seen.begin(), seen.end(), true) < 2)
    return make_error(ErrorCode::kInvalidArgument, "centroid baseline: needs two labels or more");
  CentroidBaselineResult r;
  r.windows = samples.size();
  for (int k = 0; k < spec.splits; ++k) {
    const auto split =
        data::split_recordings(recordings, data::SplitKey::kRecording, 0.0, spec.test_frac,
                               spec.seed + static_cast<std::uint64_t>(k));
    const double acc = run_split(samples, split);
    if (!std::isnan(acc)) r.accuracies.push_back(acc);
  }
  if (r.accuracies.empty())
    return make_error(ErrorCode::kInvalidArgument,
                      "centroid baseline: every split left a class without training windows");
  double sum = 0.0, sq = 0.0;
  for (double a : r.accuracies) {
    sum += a;
    sq += a * a;
  }
  const double n = static_cast<double>(r.accuracies.size());
  r.mean_accuracy = sum / n;
  r.std_accuracy = std::sqrt(std::max(0.0, sq / n - r.mean_accuracy * r.mean_accuracy));
  return r;
}

}  // namespace css::eval

#include "css/data/resample.hpp"

#include <algorithm>
#include <cmath>

namespace css::data {

namespace {

float lerp(float a, float b, double frac) {
  return static_cast<float>(static_cast<double>(a) + (static_cast<double>(b) - a) * frac);
}

// First output index whose nearest source index is >= source_index (nearest is monotonic).
std::size_t map_index(const std::vector<std::size_t>& nearest, std::size_t source_index) {
  return static_cast<std::size_t>(std::lower_bound(nearest.begin(), nearest.end(), source_index) -
                                  nearest.begin());
}

}  // namespace

Recording resample(const Recording& recording, double target_rate_hz) {
  const double source_rate_hz = recording.rate_hz;
  const std::size_t n = recording.frames.size();
  if (!(target_rate_hz > 0.0) || !(source_rate_hz > 0.0) || target_rate_hz == source_rate_hz ||
      n == 0) {
    Recording same = recording;
    if (target_rate_hz > 0.0 && n == 0) same.rate_hz = target_rate_hz;
    return same;
  }
  const double step = source_rate_hz / target_rate_hz;  // source samples per output sample
  const auto m = static_cast<std::size_t>(std::floor(static_cast<double>(n - 1) / step + 1e-9)) + 1;
  const bool labelled = recording.labels.size() == n;

  Recording out = recording;
  out.rate_hz = target_rate_hz;
  out.frames.clear();
  out.labels.clear();
  out.frames.reserve(m);
  std::vector<std::size_t> nearest(m);
  const double t0 = recording.frames.front().t;
  for (std::size_t j = 0; j < m; ++j) {
    const double pos = static_cast<double>(j) * step;
    const std::size_t i0 = std::min(static_cast<std::size_t>(pos), n - 1);
    const std::size_t i1 = std::min(i0 + 1, n - 1);
    const double frac = pos - static_cast<double>(i0);
    const SensorFrame& a = recording.frames[i0];
    const SensorFrame& b = recording.frames[i1];
    SensorFrame f = a;  // GNSS fields held from the sample at or before
    f.t = t0 + static_cast<double>(j) / target_rate_hz;
    for (std::size_t k = 0; k < 3; ++k) {
      f.acc[k] = lerp(a.acc[k], b.acc[k], frac);
      f.gyro[k] = lerp(a.gyro[k], b.gyro[k], frac);
    }
    f.spl = lerp(a.spl, b.spl, frac);
    out.frames.push_back(f);
    nearest[j] = std::min(static_cast<std::size_t>(std::lround(pos)), n - 1);
    if (labelled) out.labels.push_back(recording.labels[nearest[j]]);
  }
  out.segments.clear();
  for (const Segment& s : recording.segments) {
    const Segment mapped{s.label, map_index(nearest, s.begin), map_index(nearest, s.end)};
    if (mapped.end > mapped.begin) out.segments.push_back(mapped);
  }
  out.onsets.clear();
  for (const Onset& o : recording.onsets) {
    const std::size_t idx = map_index(nearest, o.index);
    if (idx < m) out.onsets.push_back(Onset{o.label, idx, out.frames[idx].t});
  }
  return out;
}

}  // namespace css::data

// Sequence and overlay charts of recordings (charts.hpp). Long recordings are thinned to at
// most kMaxPoints per series by min/max per bucket, so spikes (a snatch) survive thinning.
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "css/report/charts.hpp"

namespace css::report {
namespace {

constexpr std::size_t kMaxPoints = 4000;
constexpr double kGravity = 9.80665;
constexpr std::array<std::string_view, 5> kChannels = {"acc", "acc_norm", "gyro", "spl", "speed"};

// Keeps the min and max of each bucket, in time order.
void thin(std::vector<double>& x, std::vector<double>& y) {
  if (x.size() <= kMaxPoints) return;
  const std::size_t bucket = (x.size() + kMaxPoints / 2 - 1) / (kMaxPoints / 2);
  std::vector<double> tx;
  std::vector<double> ty;
  for (std::size_t b = 0; b < x.size(); b += bucket) {
    const std::size_t e = std::min(x.size(), b + bucket);
    std::size_t lo = b;
    std::size_t hi = b;
    for (std::size_t i = b; i < e; ++i) {
      if (!std::isfinite(y[i])) continue;
      if (!std::isfinite(y[lo]) || y[i] < y[lo]) lo = i;
      if (!std::isfinite(y[hi]) || y[i] > y[hi]) hi = i;
    }
    for (std::size_t i : {std::min(lo, hi), std::max(lo, hi)}) {
      tx.push_back(x[i]);
      ty.push_back(y[i]);
    }
  }
  x.swap(tx);
  y.swap(ty);
}

template <typename F>
Series series_of(const Recording& r, std::string label, double seconds, F value) {
  Series s;
  s.label = std::move(label);
  for (const auto& f : r.frames) {
    if (f.t - r.frames.front().t > seconds) break;
    s.x.push_back(f.t - r.frames.front().t);
    s.y.push_back(value(f));
  }
  thin(s.x, s.y);
  return s;
}

double acc_norm(const SensorFrame& f) {
  return std::sqrt(double{f.acc[0]} * f.acc[0] + double{f.acc[1]} * f.acc[1] +
                   double{f.acc[2]} * f.acc[2]);
}

double gyro_norm(const SensorFrame& f) {
  if (!f.has_gyro()) return std::numeric_limits<double>::quiet_NaN();
  return std::sqrt(double{f.gyro[0]} * f.gyro[0] + double{f.gyro[1]} * f.gyro[1] +
                   double{f.gyro[2]} * f.gyro[2]);
}

double gnss_speed(const SensorFrame& f) {
  return f.gnss_fix ? f.gnss_speed : std::numeric_limits<double>::quiet_NaN();
}

void add_xyz(Axes& a, const Recording& r, bool gyro) {
  constexpr double kAll = std::numeric_limits<double>::infinity();
  for (int k = 0; k < 3; ++k) {
    const std::string name = std::string(1, static_cast<char>('x' + k));
    a.series.push_back(series_of(r, name, kAll, [gyro, k](const SensorFrame& f) {
      const float v = gyro ? f.gyro[k] : f.acc[k];
      return static_cast<double>(v);
    }));
    a.series.back().width_pt = 0.8;
  }
}

Axes channel_axes(const Recording& r, std::string_view ch) {
  constexpr double kAll = std::numeric_limits<double>::infinity();
  Axes a;
  if (ch == "acc") {
    add_xyz(a, r, false);
    a.ylabel = "acc (m/s²)";
  } else if (ch == "acc_norm") {
    a.series.push_back(series_of(r, "", kAll, acc_norm));
    a.ylabel = "|acc| (m/s²)";
  } else if (ch == "gyro") {
    add_xyz(a, r, true);
    a.ylabel = "gyro (rad/s)";
  } else if (ch == "spl") {
    a.series.push_back(series_of(r, "", kAll, [](const SensorFrame& f) {
      return f.has_spl() ? double{f.spl} : std::numeric_limits<double>::quiet_NaN();
    }));
    a.series.back().color = okabe_ito::kVermillion;
    a.ylabel = "SPL (dBA)";
  } else {
    a.series.push_back(series_of(r, "", kAll, gnss_speed));
    a.series.back().color = okabe_ito::kBluishGreen;
    a.ylabel = "speed (m/s)";
  }
  return a;
}

// Dashed vertical lines at risky onsets, spanning the panel's data.
void mark_onsets(Axes& a, const Recording& r) {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -lo;
  for (const auto& s : a.series)
    for (double v : s.y)
      if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
  if (!(lo < hi) || r.frames.empty()) return;
  for (const auto& o : r.onsets) {
    Series s;
    s.label = a.series.size() < 10 && &o == &r.onsets.front() ? "risky onset" : "";
    s.x = {o.t - r.frames.front().t, o.t - r.frames.front().t};
    s.y = {lo, hi};
    s.color = okabe_ito::kBlack;
    s.dashed = true;
    s.width_pt = 0.9;
    a.series.push_back(std::move(s));
  }
}

}  // namespace

std::span<const std::string_view> sequence_channels() {
  return kChannels;
}

Result<Figure> sequence_figure(const Recording& r, std::span<const std::string> channels,
                               std::string title) {
  if (channels.empty())
    return make_error(ErrorCode::kInvalidArgument, "--channels: expected at least one channel");
  if (r.frames.empty())
    return make_error(ErrorCode::kInvalidArgument, "the recording has no frames");
  Figure f;
  f.title = std::move(title);
  f.rows = channels.size();
  f.height_pt = 60.0 + 130.0 * static_cast<double>(channels.size());
  for (std::size_t i = 0; i < channels.size(); ++i) {
    const auto& ch = channels[i];
    if (std::find(kChannels.begin(), kChannels.end(), ch) == kChannels.end())
      return make_error(
          ErrorCode::kInvalidArgument,
          "--channels: unknown channel '" + ch + "' (expected acc, acc_norm, gyro, spl or speed)");
    Axes a = channel_axes(r, ch);
    mark_onsets(a, r);
    if (i + 1 == channels.size()) a.xlabel = "time (s)";
    f.panels.push_back(std::move(a));
  }
  return f;
}

Figure overlay_figure(std::span<const Recording> recordings, double seconds) {
  Figure f;
  f.title = "Scenarios overlaid (first " + std::to_string(static_cast<int>(seconds)) + " s)";
  f.rows = 3;
  f.height_pt = 460;
  Axes acc;
  Axes gyro;
  Axes speed;
  acc.ylabel = "|acc| − g (m/s²)";
  gyro.ylabel = "|gyro| (rad/s)";
  speed.ylabel = "GNSS speed (m/s)";
  speed.xlabel = "time (s)";
  for (std::size_t i = 0; i < recordings.size(); ++i) {
    const auto& r = recordings[i];
    acc.series.push_back(series_of(r, r.scenario, seconds,
                                   [](const SensorFrame& fr) { return acc_norm(fr) - kGravity; }));
    gyro.series.push_back(series_of(r, "", seconds, gyro_norm));
    speed.series.push_back(series_of(r, "", seconds, gnss_speed));
    for (Axes* a : {&acc, &gyro, &speed}) {
      a->series.back().color = series_color(i);
      a->series.back().width_pt = 0.9;
    }
  }
  f.panels = {std::move(acc), std::move(gyro), std::move(speed)};
  return f;
}

}  // namespace css::report

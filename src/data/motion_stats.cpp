#include "css/data/motion_stats.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <nlohmann/json.hpp>

#include "css/core/file_io.hpp"
#include "css/core/units.hpp"

namespace css::data {
namespace {

using json = nlohmann::ordered_json;

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
constexpr double kStepLoHz = 0.5, kStepHiHz = 4.0, kStepGridHz = 0.01;
constexpr std::array<double, 4> kBandEdgesHz = {0.5, 3.0, 8.0, 20.0};
constexpr double kFlatRms = 1e-6;  // m/s²: below this x has no spectrum to speak of

double norm(const std::array<float, 3>& v) {
  return std::sqrt(double{v[0]} * v[0] + double{v[1]} * v[1] + double{v[2]} * v[2]);
}

double rms(std::span<const double> x) {
  double sum = 0.0;
  for (double v : x) sum += v * v;
  return x.empty() ? kNan : std::sqrt(sum / static_cast<double>(x.size()));
}

// |a| − mean(|a|) over the window.
std::vector<double> dynamic_magnitude(std::span<const SensorFrame> w) {
  std::vector<double> x(w.size());
  double mean = 0.0;
  for (std::size_t i = 0; i < w.size(); ++i) {
    x[i] = norm(w[i].acc);
    mean += x[i];
  }
  mean /= static_cast<double>(w.size());
  for (double& v : x) v -= mean;
  return x;
}

std::vector<double> hann(std::span<const double> x) {
  std::vector<double> out(x.size());
  const double n = static_cast<double>(x.size());
  for (std::size_t i = 0; i < x.size(); ++i)
    out[i] = x[i] * 0.5 * (1.0 - std::cos(2.0 * units::kPi * static_cast<double>(i) / n));
  return out;
}

// |X(f)|² of the DTFT of x at f (Goertzel; exact for any f, not only DFT bins).
double goertzel_power(std::span<const double> x, double freq_hz, double rate_hz) {
  const double c = 2.0 * std::cos(2.0 * units::kPi * freq_hz / rate_hz);
  double s1 = 0.0, s2 = 0.0;
  for (double v : x) {
    const double s = v + c * s1 - s2;
    s2 = s1;
    s1 = s;
  }
  return s1 * s1 + s2 * s2 - c * s1 * s2;
}

double step_frequency(std::span<const double> xw, double rate_hz) {
  double best_hz = kNan, best = -1.0;
  const int steps = static_cast<int>(std::lround((kStepHiHz - kStepLoHz) / kStepGridHz));
  for (int i = 0; i <= steps; ++i) {
    const double f = kStepLoHz + kStepGridHz * i;
    const double p = goertzel_power(xw, f, rate_hz);
    if (p > best) {
      best = p;
      best_hz = f;
    }
  }
  return best_hz;
}

// Power in [edge i, edge i+1) over the DFT bins of xw, as fractions of [0.5, 20) Hz.
std::array<double, 3> band_fractions(std::span<const double> xw, double rate_hz) {
  std::array<double, 3> power{};
  const double df = rate_hz / static_cast<double>(xw.size());
  for (std::size_t k = 1; k <= xw.size() / 2; ++k) {
    const double f = df * static_cast<double>(k);
    for (std::size_t b = 0; b < power.size(); ++b) {
      if (f >= kBandEdgesHz[b] && f < kBandEdgesHz[b + 1])
        power[b] += goertzel_power(xw, f, rate_hz);
    }
  }
  const double total = power[0] + power[1] + power[2];
  for (double& p : power) p = total > 0.0 ? p / total : kNan;
  return power;
}

double gyro_rms(std::span<const SensorFrame> w) {
  std::vector<double> mag;
  mag.reserve(w.size());
  for (const SensorFrame& f : w) {
    if (!f.has_gyro()) return kNan;
    mag.push_back(norm(f.gyro));
  }
  return rms(mag);
}

double jerk_rms(std::span<const SensorFrame> w, double rate_hz) {
  std::vector<double> d(w.size() - 1);
  for (std::size_t i = 0; i + 1 < w.size(); ++i)
    d[i] = (norm(w[i + 1].acc) - norm(w[i].acc)) * rate_hz;
  return rms(d);
}

double orientation_spread_deg(std::span<const SensorFrame> w) {
  std::array<double, 3> m{};
  for (const SensorFrame& f : w) {
    for (int j = 0; j < 3; ++j) m[j] += f.acc[j];
  }
  const double m_norm = std::hypot(m[0], m[1], m[2]);
  if (m_norm <= 0.0) return kNan;
  double sum_deg = 0.0;
  std::size_t n = 0;
  for (const SensorFrame& f : w) {
    const double a = norm(f.acc);
    if (a <= 0.0) continue;
    const double cos = (f.acc[0] * m[0] + f.acc[1] * m[1] + f.acc[2] * m[2]) / (a * m_norm);
    sum_deg += units::rad_to_deg(std::acos(std::clamp(cos, -1.0, 1.0)));
    ++n;
  }
  return n > 0 ? sum_deg / static_cast<double>(n) : kNan;
}

bool finite_acc(std::span<const SensorFrame> w) {
  return std::all_of(w.begin(), w.end(), [](const SensorFrame& f) {
    return std::isfinite(f.acc[0]) && std::isfinite(f.acc[1]) && std::isfinite(f.acc[2]);
  });
}

std::size_t at(MotionStat s) {
  return static_cast<std::size_t>(s);
}

}  // namespace

WindowStats window_stats(std::span<const SensorFrame> w, double rate_hz) {
  WindowStats s;
  s.fill(kNan);
  if (w.size() < 2) return s;
  const std::vector<double> x = dynamic_magnitude(w);
  s[at(MotionStat::kRmsDynAcc)] = rms(x);
  if (s[at(MotionStat::kRmsDynAcc)] > kFlatRms) {
    const std::vector<double> xw = hann(x);
    s[at(MotionStat::kStepFreq)] = step_frequency(xw, rate_hz);
    const auto bands = band_fractions(xw, rate_hz);
    s[at(MotionStat::kBandLow)] = bands[0];
    s[at(MotionStat::kBandMid)] = bands[1];
    s[at(MotionStat::kBandHigh)] = bands[2];
  }
  s[at(MotionStat::kRmsGyro)] = gyro_rms(w);
  s[at(MotionStat::kJerkRms)] = jerk_rms(w, rate_hz);
  s[at(MotionStat::kOrientSpread)] = orientation_spread_deg(w);
  return s;
}

Quartiles quartiles(std::vector<double> values) {
  std::erase_if(values, [](double v) { return std::isnan(v); });
  Quartiles q;
  q.n = values.size();
  if (values.empty()) return q;
  std::sort(values.begin(), values.end());
  const auto pick = [&values](double p) {
    const double pos = p * static_cast<double>(values.size() - 1);
    const auto lo = static_cast<std::size_t>(pos);
    const std::size_t hi = std::min(lo + 1, values.size() - 1);
    return values[lo] + (values[hi] - values[lo]) * (pos - static_cast<double>(lo));
  };
  q.p25 = pick(0.25);
  q.median = pick(0.5);
  q.p75 = pick(0.75);
  return q;
}

std::size_t MotionProfile::windows() const {
  std::size_t n = 0;
  for (const LabelMotion& l : per_label) n += l.windows;
  return n;
}

MotionProfile motion_profile(std::string name, std::span<const Recording> recordings) {
  std::array<std::array<std::vector<double>, kMotionStatCount>, kLabelCount> values;
  MotionProfile p;
  p.name = std::move(name);
  for (const Recording& r : recordings) {
    const std::size_t n = std::min(r.frames.size(), r.labels.size());
    for (std::size_t begin = 0, end = 0; begin < n; begin = end) {
      while (end < n && r.labels[end] == r.labels[begin]) ++end;
      const auto label = static_cast<std::size_t>(r.labels[begin]);
      for (std::size_t w = begin; w + kMotionWindow <= end; w += kMotionWindow) {
        const std::span<const SensorFrame> window(r.frames.data() + w, kMotionWindow);
        if (!finite_acc(window)) continue;
        const WindowStats s = window_stats(window, r.rate_hz);
        for (std::size_t i = 0; i < s.size(); ++i) values[label][i].push_back(s[i]);
        ++p.per_label[label].windows;
      }
    }
  }
  for (std::size_t l = 0; l < values.size(); ++l) {
    for (std::size_t i = 0; i < kMotionStatCount; ++i)
      p.per_label[l].stats[i] = quartiles(std::move(values[l][i]));
  }
  return p;
}

namespace {

std::string format_cell(const Quartiles& q, int decimals) {
  if (q.n == 0) return "-";
  char cell[96];
  std::snprintf(cell, sizeof cell, "%.*f [%.*f-%.*f] (%zu)", decimals, q.median, decimals, q.p25,
                decimals, q.p75, q.n);
  return cell;
}

bool any_windows(std::span<const MotionProfile> profiles, std::size_t label) {
  return std::any_of(profiles.begin(), profiles.end(),
                     [label](const MotionProfile& p) { return p.per_label[label].windows > 0; });
}

void append_padded(std::string& out, const std::string& text, std::size_t width) {
  out += text;
  out.append(width + 2 - std::min(width, text.size()), ' ');
}

}  // namespace

std::string format_motion_comparison(std::span<const MotionProfile> profiles) {
  std::vector<std::vector<std::string>> rows = {{"label", "statistic"}};
  for (const MotionProfile& p : profiles) rows[0].push_back(p.name);
  for (std::size_t l = 0; l < kLabelCount; ++l) {
    if (!any_windows(profiles, l)) continue;
    for (std::size_t i = 0; i < kMotionStatCount; ++i) {
      const MotionStatInfo& info = kMotionStats[i];
      std::vector<std::string> row = {std::string(kLabelNames[l]),
                                      std::string(info.name) + " [" + info.unit + "]"};
      for (const MotionProfile& p : profiles)
        row.push_back(format_cell(p.per_label[l].stats[i], info.decimals));
      rows.push_back(std::move(row));
    }
  }
  std::vector<std::size_t> width(rows[0].size(), 0);
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  std::string out;
  for (const auto& row : rows) {
    for (std::size_t c = 0; c + 1 < row.size(); ++c) append_padded(out, row[c], width[c]);
    out += row.back() + "\n";
  }
  return out;
}

std::string motion_comparison_json(std::span<const MotionProfile> profiles) {
  json doc;
  doc["window_samples"] = kMotionWindow;
  doc["datasets"] = json::array();
  for (const MotionProfile& p : profiles) {
    json labels = json::object();
    for (std::size_t l = 0; l < kLabelCount; ++l) {
      const LabelMotion& lm = p.per_label[l];
      if (lm.windows == 0) continue;
      json stats = json::object();
      for (std::size_t i = 0; i < kMotionStatCount; ++i) {
        const Quartiles& q = lm.stats[i];
        const auto value = [&q](double v) { return q.n > 0 ? json(v) : json(nullptr); };
        stats[kMotionStats[i].name] = {
            {"median", value(q.median)}, {"p25", value(q.p25)}, {"p75", value(q.p75)}, {"n", q.n}};
      }
      labels[std::string(kLabelNames[l])] = {{"windows", lm.windows}, {"stats", std::move(stats)}};
    }
    doc["datasets"].push_back({{"name", p.name}, {"labels", std::move(labels)}});
  }
  return doc.dump(1) + "\n";
}

Status write_motion_comparison_json(const std::filesystem::path& path,
                                    std::span<const MotionProfile> profiles) {
  const std::string text = motion_comparison_json(profiles);
  return io::write_text(path, text);
}

}  // namespace css::data

#include "css/data/stats.hpp"

#include <cstdio>
#include <set>

namespace css::data {

DatasetStats compute_stats(std::span<const Recording> recordings) {
  DatasetStats s;
  std::set<std::string> devices;
  std::set<std::string> subjects;
  std::size_t fixes = 0;
  for (const Recording& r : recordings) {
    ++s.recordings;
    devices.insert(r.device);
    subjects.insert(r.subject);
    s.frames += r.frames.size();
    const double dt_s = r.rate_hz > 0.0 ? 1.0 / r.rate_hz : 0.0;
    s.seconds += static_cast<double>(r.frames.size()) * dt_s;
    for (const SensorFrame& f : r.frames) fixes += f.gnss_fix ? 1 : 0;
    for (Label l : r.labels) {
      LabelStats& ls = s.per_label[static_cast<std::size_t>(l)];
      ++ls.samples;
      ls.seconds += dt_s;
    }
    for (const Segment& seg : r.segments)
      ++s.per_label[static_cast<std::size_t>(seg.label)].segments;
    for (const Onset& o : r.onsets) ++s.per_label[static_cast<std::size_t>(o.label)].onsets;
  }
  s.devices = devices.size();
  s.subjects = subjects.size();
  s.gnss_fix_fraction =
      s.frames > 0 ? static_cast<double>(fixes) / static_cast<double>(s.frames) : 0.0;
  return s;
}

std::string format_stats(const DatasetStats& stats) {
  char line[160];
  std::string out;
  std::snprintf(line, sizeof line,
                "%zu recordings, %zu frames, %.1f s, %zu devices, %zu subjects, GNSS fix %.1f %%\n",
                stats.recordings, stats.frames, stats.seconds, stats.devices, stats.subjects,
                100.0 * stats.gnss_fix_fraction);
  out += line;
  std::snprintf(line, sizeof line, "%-18s %10s %10s %7s %9s %7s\n", "label", "samples", "seconds",
                "%", "segments", "onsets");
  out += line;
  std::size_t total = 0;
  for (const LabelStats& ls : stats.per_label) total += ls.samples;
  for (std::size_t i = 0; i < stats.per_label.size(); ++i) {
    const LabelStats& ls = stats.per_label[i];
    const double pct =
        total > 0 ? 100.0 * static_cast<double>(ls.samples) / static_cast<double>(total) : 0.0;
    std::snprintf(line, sizeof line, "%-18s %10zu %10.1f %7.2f %9zu %7zu\n",
                  std::string(kLabelNames[i]).c_str(), ls.samples, ls.seconds, pct, ls.segments,
                  ls.onsets);
    out += line;
  }
  return out;
}

}  // namespace css::data

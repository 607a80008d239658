// The hotspot pipeline (hotspots.hpp).
#include "css/geo/hotspots.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numbers>
#include <string>
#include <utility>

#include "css/core/event.hpp"

namespace css::geo {

Result<double> parse_duration(std::string_view text) {
  auto bad = [&] {
    return make_error(ErrorCode::kInvalidArgument,
                      "duration '" + std::string(text) +
                          "': expected a positive number and a unit s, m, h or d (e.g. 24h, 7d)");
  };
  if (text.size() < 2) return bad();
  double v = 0.0;
  const auto num = text.substr(0, text.size() - 1);
  auto [ptr, ec] = std::from_chars(num.data(), num.data() + num.size(), v);
  if (ec != std::errc() || ptr != num.data() + num.size() || !(v > 0.0) || !std::isfinite(v))
    return bad();
  double unit = 0.0;
  switch (text.back()) {
    case 's':
      unit = 1.0;
      break;
    case 'm':
      unit = 60.0;
      break;
    case 'h':
      unit = 3600.0;
      break;
    case 'd':
      unit = 86400.0;
      break;
    default:
      return bad();
  }
  // Longer than every storable event time (1970..2100) is a typo, and 1e308d would be inf.
  if (!(v * unit <= kMaxEventTimestampS))
    return make_error(ErrorCode::kInvalidArgument,
                      "duration '" + std::string(text) + "': longer than 1970..2100 (at most " +
                          std::to_string(static_cast<long long>(kMaxEventTimestampS / 86400.0)) +
                          "d)");
  return v * unit;
}

Window window_ending(std::span<const EventPoint> events, double length_s,
                     std::optional<double> end) {
  double last = 0.0;
  for (const auto& e : events) last = std::max(last, e.t);
  const double stop = end ? *end : std::nextafter(last, 1e300);
  return {stop - length_s, stop};
}

std::vector<double> bin_counts(const CellIndex& cells, const LocalProjection& proj,
                               std::span<const EventPoint> events, Window w,
                               std::size_t* outside_area, std::size_t* outside_window) {
  std::vector<double> counts(cells.size(), 0.0);
  std::size_t area = 0, window = 0;
  for (const auto& e : events) {
    if (!w.contains(e.t)) {
      ++window;
      continue;
    }
    const auto i = cells.index_at(proj.forward(e.where));
    if (i < 0) {
      ++area;
      continue;
    }
    counts[static_cast<std::size_t>(i)] += 1.0;
  }
  if (outside_area) *outside_area = area;
  if (outside_window) *outside_window = window;
  return counts;
}

namespace {

Status check_config(const HotspotConfig& c, Window w) {
  auto bad = [](std::string m) { return make_error(ErrorCode::kInvalidArgument, std::move(m)); };
  if (!(w.end > w.start)) return bad("time window is empty");
  if (c.kring < 1 || c.kring > 50)
    return bad("k-ring " + std::to_string(c.kring) + ": expected 1–50");
  if (c.band_m < 0 || c.band_m > 50000) return bad("distance band: expected 0–50000 m");
  if (c.kde_bandwidth_m < 0 || c.kde_bandwidth_m > 50000)
    return bad("KDE bandwidth: expected 0 (Silverman) – 50000 m");
  if (c.privacy.k < 1) return bad("k-anonymity k: expected ≥ 1");
  if (c.privacy.dp_epsilon && !(*c.privacy.dp_epsilon > 0 && *c.privacy.dp_epsilon <= 100))
    return bad("DP epsilon: expected (0, 100]");
  if (!(c.privacy.dp_sensitivity > 0)) return bad("DP sensitivity: expected > 0");
  return Ok{};
}

// Silverman bandwidth from the binned points (cell centres weighted by their counts), so that
// noisy counts stay the only input when DP is on. Same rule as silverman_bandwidth_m.
double binned_bandwidth(const CellIndex& cells, std::span<const double> counts) {
  double n = 0.0, mx = 0.0, my = 0.0;
  std::vector<Xy> c(cells.size());
  for (std::size_t i = 0; i < cells.size(); ++i) {
    c[i] = cells.grid().centre(cells.cells()[i]);
    n += counts[i], mx += counts[i] * c[i].x, my += counts[i] * c[i].y;
  }
  if (n < 2.0) return 0.0;
  mx /= n, my /= n;
  std::vector<std::pair<double, double>> dist;  // (distance to the mean centre, weight)
  double ss = 0.0;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (counts[i] == 0.0) continue;
    const double d2 = (c[i].x - mx) * (c[i].x - mx) + (c[i].y - my) * (c[i].y - my);
    ss += counts[i] * d2;
    dist.emplace_back(std::sqrt(d2), counts[i]);
  }
  std::sort(dist.begin(), dist.end());
  double acc = 0.0, dm = 0.0;
  for (const auto& [d, wt] : dist)
    if ((acc += wt) >= n / 2.0) {
      dm = d;
      break;
    }
  const double sd = std::sqrt(ss / n);
  return 0.9 * std::min(sd, std::sqrt(1.0 / std::numbers::ln2) * dm) * std::pow(n, -0.2);
}

}  // namespace

Result<HotspotMap> compute_hotspots(const City& city, std::span<const EventPoint> events, Window w,
                                    const HotspotConfig& config) {
  if (auto st = check_config(config, w); !st) return st.error();
  auto grid = Grid::make(city.grid, city.cell_size_m);
  if (!grid) return grid.error();
  const StudyArea area = study_area(city);
  const CellIndex cells(*grid, area.min, area.max);
  HotspotMap map{*grid, area.projection, w, {}, 0, 0, 0, cells.size(), 0, 0.0, {}, config};
  std::vector<double> counts = bin_counts(cells, area.projection, events, w,
                                          &map.events_outside_area, &map.events_outside_window);
  map.events_used = events.size() - map.events_outside_area - map.events_outside_window;
  if (config.privacy.dp_epsilon)
    add_laplace_noise(counts, *config.privacy.dp_epsilon, config.privacy.dp_sensitivity,
                      config.privacy.seed);
  const Weights wts = config.band_m > 0 ? distance_band_weights(cells, config.band_m)
                                        : kring_weights(cells, config.kring);
  const GiStar gi = gi_star(counts, wts);
  map.cutoffs = config.fdr ? fdr_cutoffs(gi.p) : nominal_cutoffs();
  map.bandwidth_m =
      config.kde_bandwidth_m > 0 ? config.kde_bandwidth_m : binned_bandwidth(cells, counts);
  const std::vector<double> dens = kernel_density(cells, counts, map.bandwidth_m);
  const std::vector<bool> publish = k_anonymous(counts, config.privacy.k);
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (!publish[i]) {
      ++map.cells_suppressed;
      continue;
    }
    map.cells.push_back({cells.cells()[i], counts[i], counts[i] / w.days(), dens[i], gi.z[i],
                         gi.p[i], gi_bin(gi.z[i], gi.p[i], map.cutoffs)});
  }
  return map;
}

int local_hour(double t, double off) {
  const double local = t + off * 3600.0;
  return static_cast<int>(
      std::floor(std::fmod(std::fmod(local, 86400.0) + 86400.0, 86400.0) / 3600.0));
}

int local_weekday(double t, double off) {
  const auto day = static_cast<std::int64_t>(std::floor((t + off * 3600.0) / 86400.0));
  return static_cast<int>(((day + 3) % 7 + 7) % 7);  // 1970-01-01 was a Thursday (3)
}

std::array<std::uint64_t, 168> weekly_profile(std::span<const EventPoint> events, Window w,
                                              double off) {
  std::array<std::uint64_t, 168> prof{};
  for (const auto& e : events)
    if (w.contains(e.t))
      ++prof[static_cast<std::size_t>(local_weekday(e.t, off) * 24 + local_hour(e.t, off))];
  return prof;
}

}  // namespace css::geo

namespace css::geo {

std::array<std::uint64_t, 168> weekly_profile(std::span<const EventPoint> events, Window w,
                                              const City& city) {
  std::array<std::uint64_t, 168> prof{};
  for (const auto& e : events) {
    if (!w.contains(e.t)) continue;
    const double off = city.offset_h(e.t);
    ++prof[static_cast<std::size_t>(local_weekday(e.t, off) * 24 + local_hour(e.t, off))];
  }
  return prof;
}

}  // namespace css::geo

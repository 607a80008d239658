// Flow field, divergence/curl and robust anomalies (flows.hpp).
#include "css/geo/flows.hpp"

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <map>
#include <numbers>
#include <set>
#include <string_view>

#include "css/geo/stats.hpp"

namespace css::geo {
namespace {

struct Accum {
  std::uint64_t records = 0;
  std::set<std::string_view> devices;  // views into the caller's records
  double seconds = 0.0, east = 0.0, north = 0.0;
};

// Least-squares plane v = a + b·dx + c·dy through (dx, dy, v) samples; returns (b, c).
bool plane_gradient(const std::vector<std::array<double, 4>>& s, double& ux, double& uy, double& vx,
                    double& vy) {
  if (s.size() < 3) return false;
  // Normal equations on centred coordinates: the intercept drops out.
  double mx = 0, my = 0, mu = 0, mv = 0;
  for (const auto& r : s) mx += r[0], my += r[1], mu += r[2], mv += r[3];
  const double n = static_cast<double>(s.size());
  mx /= n, my /= n, mu /= n, mv /= n;
  double sxx = 0, sxy = 0, syy = 0, sxu = 0, syu = 0, sxv = 0, syv = 0;
  for (const auto& r : s) {
    const double x = r[0] - mx, y = r[1] - my, u = r[2] - mu, v = r[3] - mv;
    sxx += x * x, sxy += x * y, syy += y * y;
    sxu += x * u, syu += y * u, sxv += x * v, syv += y * v;
  }
  const double det = sxx * syy - sxy * sxy;
  if (!(std::abs(det) > 1e-9 * (sxx * syy + 1.0))) return false;
  ux = (syy * sxu - sxy * syu) / det, uy = (sxx * syu - sxy * sxu) / det;
  vx = (syy * sxv - sxy * syv) / det, vy = (sxx * syv - sxy * sxv) / det;
  return true;
}

std::vector<FlowCell> cells_from(const CellIndex& cells, const std::vector<Accum>& acc) {
  std::vector<FlowCell> out;
  std::vector<std::int64_t> slot(cells.size(), -1);
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (acc[i].records == 0) continue;
    FlowCell f;
    f.cell = cells.cells()[i];
    f.records = acc[i].records;
    f.devices = acc[i].devices.size();
    if (acc[i].seconds > 0)
      f.east = acc[i].east / acc[i].seconds, f.north = acc[i].north / acc[i].seconds;
    f.speed = std::hypot(f.east, f.north);
    slot[i] = static_cast<std::int64_t>(out.size());
    out.push_back(f);
  }
  const Grid& g = cells.grid();
  for (auto& f : out) {
    const Xy c = g.centre(f.cell);
    std::vector<std::array<double, 4>> s;
    for (const Cell n : g.ring(f.cell, 1)) {
      const auto j = cells.index_of(n);
      if (j < 0 || slot[static_cast<std::size_t>(j)] < 0) continue;
      const FlowCell& o = out[static_cast<std::size_t>(slot[static_cast<std::size_t>(j)])];
      const Xy p = g.centre(n);
      s.push_back({p.x - c.x, p.y - c.y, o.east, o.north});
    }
    double ux = 0, uy = 0, vx = 0, vy = 0;
    f.gradient_ok = plane_gradient(s, ux, uy, vx, vy);
    if (f.gradient_ok) f.divergence = ux + vy, f.curl = vx - uy;
  }
  return out;
}

}  // namespace

Result<FlowField> flow_field(const City& city, std::span<const FlowRecord> flows, Window w,
                             int min_devices) {
  if (!(w.end > w.start)) return make_error(ErrorCode::kInvalidArgument, "time window is empty");
  if (min_devices < 1)
    return make_error(ErrorCode::kInvalidArgument, "k (devices per cell): expected ≥ 1");
  auto grid = Grid::make(city.grid, city.cell_size_m);
  if (!grid) return grid.error();
  const StudyArea area = study_area(city);
  const CellIndex cells(*grid, area.min, area.max);
  std::vector<Accum> acc(cells.size());
  FlowField field{*grid, area.projection, w, {}, 0, 0};
  for (const auto& f : flows) {
    if (!w.contains(f.start)) continue;
    const auto i = cells.index_at(area.projection.forward(f.where));
    if (i < 0) continue;
    Accum& a = acc[static_cast<std::size_t>(i)];
    ++a.records;
    a.devices.insert(f.device);
    a.seconds += f.velocity_seconds;
    a.east += f.east * f.velocity_seconds, a.north += f.north * f.velocity_seconds;
    ++field.records_used;
  }
  for (auto& c : cells_from(cells, acc)) {
    if (c.devices < static_cast<std::size_t>(min_devices)) {
      ++field.cells_suppressed;
      continue;
    }
    field.cells.push_back(c);
  }
  return field;
}

std::string_view to_string(FlowMetric m) {
  switch (m) {
    case FlowMetric::kDivergence:
      return "divergence";
    case FlowMetric::kSpeed:
      return "speed";
    default:
      return "count";
  }
}

double robust_z(double x, std::vector<double> b, double* median_out, double* mad_out) {
  auto median = [](std::vector<double>& v) {
    const std::size_t h = v.size() / 2;
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(h), v.end());
    double m = v[h];
    if (v.size() % 2 == 0)
      m = (m + *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(h))) / 2;
    return m;
  };
  if (b.empty()) return 0.0;
  const double med = median(b);
  std::vector<double> dev(b.size());
  double mean_abs = 0.0;
  for (std::size_t i = 0; i < b.size(); ++i) dev[i] = std::abs(b[i] - med), mean_abs += dev[i];
  mean_abs /= static_cast<double>(b.size());
  const double mad = median(dev);
  if (median_out) *median_out = med;
  if (mad_out) *mad_out = mad;
  if (mad > 0) return 0.6745 * (x - med) / mad;
  if (mean_abs > 0) return (x - med) / (1.2533 * mean_abs);
  return x == med ? 0.0 : (x > med ? 99.0 : -99.0);
}

double robust_z_p(double z, std::size_t n) {
  if (n == 0 || std::isnan(z)) return 1.0;
  const double nd = static_cast<double>(n);
  const double t = std::abs(z) / std::sqrt(1.0 + std::numbers::pi / (2.0 * nd));
  const boost::math::students_t dist(std::max(1.0, 0.367 * nd));
  return std::min(1.0, 2.0 * boost::math::cdf(boost::math::complement(dist, t)));
}

Result<std::vector<FlowAnomaly>> flow_anomalies(const City& city, std::span<const FlowRecord> flows,
                                                double hour_start, const AnomalyConfig& cfg,
                                                AnomalyTests* tests) {
  if (cfg.baseline_days < 1 || cfg.baseline_days > 366)
    return make_error(ErrorCode::kInvalidArgument, "baseline days: expected 1–366");
  if (!(cfg.z_threshold > 0 && cfg.z_threshold <= 99))  // |robust z| is capped at 99
    return make_error(ErrorCode::kInvalidArgument, "anomaly z threshold: expected (0, 99]");
  if (cfg.fdr && !(cfg.fdr_q > 0 && cfg.fdr_q < 1))
    return make_error(ErrorCode::kInvalidArgument, "anomaly FDR q: expected (0, 1)");
  auto now = flow_field(city, flows, {hour_start, hour_start + 3600.0}, cfg.min_devices);
  if (!now) return now.error();
  // Per cell id, the baseline values of each metric.
  std::map<std::int64_t, std::array<std::vector<double>, 3>> base;
  // The same local hour on earlier days: across a daylight saving change that is 23 or 25 h.
  const double local_start = hour_start + city.offset_h(hour_start) * 3600.0;
  for (int d = 1; d <= cfg.baseline_days; ++d) {
    const double s = city.to_utc(local_start - d * 86400.0);
    auto past = flow_field(city, flows, {s, s + 3600.0}, 1);
    if (!past) return past.error();
    for (const auto& c : past->cells) {
      auto& v = base[cell_id(c.cell)];
      v[0].push_back(c.divergence), v[1].push_back(c.speed),
          v[2].push_back(static_cast<double>(c.records));
    }
  }
  std::vector<FlowAnomaly> tested;
  for (const auto& c : now->cells) {
    const auto it = base.find(cell_id(c.cell));
    if (it == base.end() || static_cast<int>(it->second[2].size()) < cfg.min_baseline) continue;
    const double values[3] = {c.divergence, c.speed, static_cast<double>(c.records)};
    for (int m = 0; m < 3; ++m) {
      FlowAnomaly a{c.cell, static_cast<FlowMetric>(m), values[m], 0, 0, 0};
      a.robust_z = robust_z(values[m], it->second[static_cast<std::size_t>(m)], &a.median, &a.mad);
      a.p = robust_z_p(a.robust_z, it->second[static_cast<std::size_t>(m)].size());
      tested.push_back(a);
    }
  }
  std::vector<double> p(tested.size());
  for (std::size_t i = 0; i < tested.size(); ++i) p[i] = tested[i].p;
  const double cut = cfg.fdr ? bh_threshold(p, cfg.fdr_q) : 1.0;
  if (tests) *tests = {tested.size(), cut};
  std::vector<FlowAnomaly> out;
  for (const auto& a : tested)
    if (std::abs(a.robust_z) >= cfg.z_threshold && a.p <= cut) out.push_back(a);
  std::sort(out.begin(), out.end(), [](const FlowAnomaly& a, const FlowAnomaly& b) {
    return std::abs(a.robust_z) > std::abs(b.robust_z);
  });
  return out;
}

}  // namespace css::geo

// Gi*, Benjamini–Hochberg, classes and kernel density (stats.hpp).
#include "css/geo/stats.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace css::geo {

namespace {

template <typename Pred>
Weights weights_by(const CellIndex& cells, int reach, Pred keep) {
  Weights w;
  w.offsets.reserve(cells.size() + 1);
  w.offsets.push_back(0);
  const Grid& g = cells.grid();
  for (const Cell c : cells.cells()) {
    for (const Cell n : g.ring(c, reach)) {
      const auto j = cells.index_of(n);
      if (j >= 0 && keep(c, n)) w.neighbours.push_back(static_cast<std::uint32_t>(j));
    }
    w.offsets.push_back(static_cast<std::uint32_t>(w.neighbours.size()));
  }
  return w;
}

}  // namespace

Weights kring_weights(const CellIndex& cells, int k) {
  return weights_by(cells, std::max(0, k), [](Cell, Cell) { return true; });
}

Weights distance_band_weights(const CellIndex& cells, double band_m) {
  const Grid& g = cells.grid();
  // A ring wide enough to hold every centre within the band (the nearest centre k steps
  // away is at least k · (√3/2 · neighbour distance) for hexes, k · side for squares).
  const double step =
      g.kind() == GridKind::kHex ? g.neighbour_distance_m() * std::sqrt(3.0) / 2.0 : g.size_m();
  const int reach = static_cast<int>(std::ceil(band_m / step)) + 1;
  const double b2 = band_m * band_m;
  return weights_by(cells, reach, [&](Cell c, Cell n) {
    const Xy a = g.centre(c), b = g.centre(n);
    return (a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y) <= b2;
  });
}

double two_sided_p(double z) {
  return std::erfc(std::abs(z) / std::numbers::sqrt2);
}

GiStar gi_star(std::span<const double> x, const Weights& w) {
  const std::size_t n = x.size();
  GiStar out{std::vector<double>(n, 0.0), std::vector<double>(n, 1.0)};
  if (n < 2) return out;
  double sum = 0.0, sum2 = 0.0;
  for (double v : x) sum += v, sum2 += v * v;
  const double mean = sum / static_cast<double>(n);
  const double var = sum2 / static_cast<double>(n) - mean * mean;
  if (!(var > 1e-12 * (mean * mean + 1.0))) return out;
  const double s = std::sqrt(var);
  const double nd = static_cast<double>(n);
  for (std::size_t i = 0; i < n; ++i) {
    double lag = 0.0;
    for (std::uint32_t k = w.offsets[i]; k < w.offsets[i + 1]; ++k) lag += x[w.neighbours[k]];
    const double wi = static_cast<double>(w.offsets[i + 1] - w.offsets[i]);  // binary: S1 = W
    const double den2 = (nd * wi - wi * wi) / (nd - 1.0);
    if (!(den2 > 0.0)) continue;
    out.z[i] = (lag - mean * wi) / (s * std::sqrt(den2));
    out.p[i] = two_sided_p(out.z[i]);
  }
  return out;
}

double bh_threshold(std::span<const double> p, double alpha) {
  std::vector<double> sorted(p.begin(), p.end());
  std::sort(sorted.begin(), sorted.end());
  const double m = static_cast<double>(sorted.size());
  double cut = -1.0;
  for (std::size_t k = 0; k < sorted.size(); ++k)
    if (sorted[k] <= static_cast<double>(k + 1) * alpha / m) cut = sorted[k];
  return cut;
}

SignificanceCutoffs nominal_cutoffs() {
  return {};
}

SignificanceCutoffs fdr_cutoffs(std::span<const double> p) {
  return {bh_threshold(p, 0.10), bh_threshold(p, 0.05), bh_threshold(p, 0.01)};
}

int gi_bin(double z, double p, const SignificanceCutoffs& cut) {
  const int level = p <= cut.p99 ? 3 : p <= cut.p95 ? 2 : p <= cut.p90 ? 1 : 0;
  if (level == 0 || z == 0.0) return 0;
  return z > 0 ? level : -level;
}

std::string_view gi_class_name(int bin) {
  switch (bin) {
    case 3:
      return "hot_99";
    case 2:
      return "hot_95";
    case 1:
      return "hot_90";
    case -1:
      return "cold_90";
    case -2:
      return "cold_95";
    case -3:
      return "cold_99";
    default:
      return "not_significant";
  }
}

double silverman_bandwidth_m(std::span<const PointXy> pts) {
  const std::size_t n = pts.size();
  if (n < 2) return 0.0;
  double mx = 0.0, my = 0.0;
  for (auto p : pts) mx += p.x, my += p.y;
  mx /= static_cast<double>(n), my /= static_cast<double>(n);
  std::vector<double> d(n);
  double ss = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double dx = pts[i].x - mx, dy = pts[i].y - my;
    ss += dx * dx + dy * dy;
    d[i] = std::sqrt(dx * dx + dy * dy);
  }
  const double sd = std::sqrt(ss / static_cast<double>(n));
  std::nth_element(d.begin(), d.begin() + static_cast<std::ptrdiff_t>(n / 2), d.end());
  const double dm = d[n / 2];
  return 0.9 * std::min(sd, std::sqrt(1.0 / std::numbers::ln2) * dm) *
         std::pow(static_cast<double>(n), -0.2);
}

std::vector<double> kernel_density(const CellIndex& cells, std::span<const double> counts,
                                   double h) {
  std::vector<double> dens(cells.size(), 0.0);
  if (!(h > 0.0)) return dens;
  const Grid& g = cells.grid();
  const double step =
      g.kind() == GridKind::kHex ? g.neighbour_distance_m() * std::sqrt(3.0) / 2.0 : g.size_m();
  const int reach = static_cast<int>(std::ceil(h / step)) + 1;
  const double norm = 3.0 / (std::numbers::pi * h * h) * 1e6;  // per m² → per km²
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (counts[i] == 0.0) continue;
    const Cell c = cells.cells()[i];
    const Xy a = g.centre(c);
    for (const Cell n : g.ring(c, reach)) {
      const auto j = cells.index_of(n);
      if (j < 0) continue;
      const Xy b = g.centre(n);
      const double u2 = ((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y)) / (h * h);
      if (u2 < 1.0) dens[static_cast<std::size_t>(j)] += counts[i] * norm * (1 - u2) * (1 - u2);
    }
  }
  return dens;
}

}  // namespace css::geo

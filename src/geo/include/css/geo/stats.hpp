// Spatial statistics on a study area's cells (grid.hpp: CellIndex order).
//
// Getis-Ord Gi* (A. Getis & J. K. Ord, "The Analysis of Spatial Association by Use of
// Distance Statistics", Geographical Analysis 24(3), 1992; J. K. Ord & A. Getis, "Local
// Spatial Autocorrelation Statistics: Distributional Issues and an Application",
// Geographical Analysis 27(4), 1995), in the standardised form ArcGIS and PySAL report:
//   z_i = (Σ_j w_ij x_j − x̄ W_i) / (S · sqrt((n S1_i − W_i²) / (n − 1)))
//   x̄ = Σ x_j / n,  S = sqrt(Σ x_j² / n − x̄²),  W_i = Σ_j w_ij,  S1_i = Σ_j w_ij²,
// with j running over every cell including i (the "star"). p is two-sided under the normal
// approximation: p = erfc(|z| / √2). A constant x (S = 0) gives z = 0, p = 1.
//
// Weights are binary and symmetric: the k-ring of each cell, or every cell whose centre lies
// within a distance band — both include the cell itself.
//
// Benjamini–Hochberg (J. R. Statist. Soc. B 57(1), 1995): the largest p_(k) ≤ k·α/m;
// every p at or below it is significant with the false discovery rate controlled at α.
//
// Classes follow ArcGIS's Gi_Bin: ±3 (99 %), ±2 (95 %), ±1 (90 %), 0 (not significant);
// the sign is z's (hot > 0, cold < 0).
//
// Kernel density: quartic (biweight) kernel K(u) = 3/π · (1 − u²)², u = d/h < 1, evaluated
// at cell centres from the per-cell counts (binned KDE: points stand at their cell's centre).
// Default bandwidth: the spatial variant of Silverman's rule ArcGIS documents for Kernel
// Density: h = 0.9 · min(SD, √(1/ln 2) · Dm) · n^(−0.2), SD the standard distance and Dm the
// median distance of the points to their mean centre.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "css/geo/grid.hpp"

namespace css::geo {

struct Weights {  // CSR rows, binary weights; row i lists i's neighbours (itself included)
  std::vector<std::uint32_t> offsets;  // size n + 1
  std::vector<std::uint32_t> neighbours;
};

Weights kring_weights(const CellIndex& cells, int k);
Weights distance_band_weights(const CellIndex& cells, double band_m);

struct GiStar {
  std::vector<double> z;
  std::vector<double> p;
};
GiStar gi_star(std::span<const double> x, const Weights& w);

double two_sided_p(double z);

// The BH cut-off: the largest p_(k) with p_(k) ≤ k·α/m, or -1 when none qualifies.
double bh_threshold(std::span<const double> p, double alpha);

struct SignificanceCutoffs {  // p ≤ cutoff is significant at that confidence
  double p90 = 0.10, p95 = 0.05, p99 = 0.01;
};
SignificanceCutoffs nominal_cutoffs();
SignificanceCutoffs fdr_cutoffs(std::span<const double> p);
int gi_bin(double z, double p, const SignificanceCutoffs& cut);
std::string_view gi_class_name(int bin);  // "hot_99", …, "not_significant", …, "cold_99"

struct PointXy {
  double x, y;
};
// Silverman/ArcGIS bandwidth (m) of a point set; 0 for fewer than 2 points or no spread.
double silverman_bandwidth_m(std::span<const PointXy> pts);
// Density (events per km²) at each cell's centre from its count, quartic kernel, bandwidth h.
std::vector<double> kernel_density(const CellIndex& cells, std::span<const double> counts,
                                   double bandwidth_m);

}  // namespace css::geo

// Figure: a chart described as data (panels of axes holding line, scatter and bar series, a
// heat map with a colour bar, a quiver field or a polygon map), drawn by one code path to
// PDF (vector, fonts embedded), SVG or PNG. cairo and pango stay inside the .cpp files.
//
// Units: sizes in points (1/72 in); PNG is rendered at `png_dpi`. Data coordinates are the
// caller's (axis labels carry units). NaN y values break a line (a missing sensor is a gap,
// never a zero). The caller owns the Figure; render() does not keep it.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "css/core/result.hpp"
#include "css/report/theme.hpp"

namespace css::report {

enum class SeriesKind { kLine, kScatter, kBar };

struct Series {
  std::string label;  // legend entry; "" = not in the legend
  SeriesKind kind = SeriesKind::kLine;
  std::vector<double> x;
  std::vector<double> y;
  std::optional<Color> color;  // default: series_color(index)
  double width_pt = 0.0;       // 0 = the theme's line width (bar width in data units for bars)
  bool dashed = false;
};

// rows × cols values, row-major; drawn with viridis and a colour bar.
struct HeatMap {
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::vector<double> values;
  std::vector<std::string> row_labels;
  std::vector<std::string> col_labels;
  std::string colorbar_label;
  bool annotate = true;  // print each value in its cell
  int decimals = 0;
};

// Arrows (u, v) at (x, y), in data units × scale.
struct Quiver {
  std::vector<double> x, y, u, v;
  double scale = 1.0;
  std::string label;  // legend entry
  std::optional<Color> color;
};

// Filled polygons (hex cells, districts) coloured by value on viridis, with a colour bar.
struct PolygonMap {
  struct Polygon {
    std::vector<double> x, y;  // one ring, not closed
    double value = 0.0;
  };
  std::vector<Polygon> polygons;
  std::string colorbar_label;
};

struct Axes {
  std::string title;
  std::string xlabel;
  std::string ylabel;
  std::vector<Series> series;
  std::optional<HeatMap> heatmap;
  std::optional<Quiver> quiver;
  std::optional<PolygonMap> polygons;
  std::optional<double> xmin, xmax, ymin, ymax;  // default: from the data
  std::vector<std::string> x_categories;         // bar charts: tick i labelled categories[i]
  bool equal_aspect = false;                     // maps: one unit is as long on x as on y
  bool legend = true;
};

struct Figure {
  std::string title;
  std::size_t rows = 1;
  std::size_t cols = 1;
  std::vector<Axes> panels;  // row-major; at most rows × cols
  double width_pt = 504.0;   // 7 in
  double height_pt = 324.0;  // 4.5 in
  double png_dpi = 150.0;
};

enum class Format { kPdf, kSvg, kPng };

// From the extension of `path` (.pdf, .svg, .png; case-insensitive); anything else is
// kInvalidArgument naming the path.
Result<Format> format_for(const std::filesystem::path& path);

// Checks the figure (panel count, series x/y sizes, heat map size) and draws it.
Result<std::vector<std::byte>> render(const Figure& figure, Format format);

// render() + the project's atomic writer; `inputs` may not be overwritten.
Status save(const Figure& figure, const std::filesystem::path& path,
            std::span<const std::filesystem::path> inputs = {});

// "Nice" tick positions covering [lo, hi] (about `target` of them, steps 1, 2, 2.5 or 5 × 10^k),
// and the decimals their labels need.
struct Ticks {
  std::vector<double> values;
  int decimals = 0;
};
Ticks nice_ticks(double lo, double hi, int target = 6);

}  // namespace css::report

// Private to report/: how one panel maps data to the page (ranges, ticks, the plot rectangle)
// and the marks drawn inside it. figure.cpp lays panels out; marks.cpp draws their content.
#pragma once

#include <cairo.h>

#include <string>
#include <vector>

#include "css/report/figure.hpp"

namespace css::report::detail {

struct Rect {
  double x = 0, y = 0, w = 0, h = 0;
};

struct DataRange {
  double x0 = 0, x1 = 1, y0 = 0, y1 = 1;
};

struct Mapping {
  Rect area;  // plot area on the page
  DataRange range;
  double px(double x) const { return area.x + (x - range.x0) / (range.x1 - range.x0) * area.w; }
  double py(double y) const {
    return area.y + area.h - (y - range.y0) / (range.y1 - range.y0) * area.h;
  }
};

// Data range of the panel's content with its explicit limits applied.
DataRange data_range(const Axes& axes);
// Value range of a heat map or polygon map (for the colour bar).
void value_range(const Axes& axes, double& lo, double& hi);

void draw_series(cairo_t* cr, const Mapping& m, const Series& s, std::size_t index);
void draw_heatmap(cairo_t* cr, const Mapping& m, const HeatMap& h);
void draw_quiver(cairo_t* cr, const Mapping& m, const Quiver& q);
void draw_polygons(cairo_t* cr, const Mapping& m, const PolygonMap& p, double lo, double hi);
void draw_legend(cairo_t* cr, const Mapping& m, const Axes& axes);
void draw_colorbar(cairo_t* cr, const Rect& bar, double lo, double hi, const std::string& label);

}  // namespace css::report::detail

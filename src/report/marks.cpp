// The marks inside a plot area: series, heat map cells, arrows, polygons, legend, colour bar.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "axes_layout.hpp"
#include "cairo_support.hpp"

namespace css::report::detail {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

struct Bounds {
  double x0 = kInf, x1 = -kInf, y0 = kInf, y1 = -kInf;
  void add(double x, double y) {
    if (!std::isfinite(x) || !std::isfinite(y)) return;
    x0 = std::min(x0, x);
    x1 = std::max(x1, x);
    y0 = std::min(y0, y);
    y1 = std::max(y1, y);
  }
  bool empty() const { return x0 > x1; }
};

Color color_of(const Series& s, std::size_t index) {
  return s.color ? *s.color : series_color(index);
}

std::string format_value(double v, int decimals) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

}  // namespace

DataRange data_range(const Axes& a) {
  Bounds b;
  bool bars = false;
  for (const auto& s : a.series) {
    for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) b.add(s.x[i], s.y[i]);
    bars = bars || s.kind == SeriesKind::kBar;
  }
  if (a.quiver) {
    const auto& q = *a.quiver;
    for (std::size_t i = 0; i < q.x.size(); ++i) {
      b.add(q.x[i], q.y[i]);
      b.add(q.x[i] + q.u[i] * q.scale, q.y[i] + q.v[i] * q.scale);
    }
  }
  if (a.polygons)
    for (const auto& p : a.polygons->polygons)
      for (std::size_t i = 0; i < p.x.size(); ++i) b.add(p.x[i], p.y[i]);
  DataRange r;
  if (a.heatmap) {
    r = {0.0, static_cast<double>(a.heatmap->cols), 0.0, static_cast<double>(a.heatmap->rows)};
  } else if (!b.empty()) {
    const double pad_y = (b.y1 - b.y0) * 0.05;
    r = {b.x0, b.x1, b.y0 - pad_y, b.y1 + pad_y};
    if (bars) {
      r.x0 = b.x0 - 0.6;
      r.x1 = b.x1 + 0.6;
      r.y0 = std::min(0.0, b.y0);
      r.y1 = b.y1 + (b.y1 - r.y0) * 0.08;
    }
    if (a.quiver || a.polygons) {  // maps: a margin on every side
      const double px = (b.x1 - b.x0) * 0.04;
      r.x0 -= px;
      r.x1 += px;
    }
  }
  if (a.xmin) r.x0 = *a.xmin;
  if (a.xmax) r.x1 = *a.xmax;
  if (a.ymin) r.y0 = *a.ymin;
  if (a.ymax) r.y1 = *a.ymax;
  if (!(r.x1 > r.x0)) r = {r.x0 - 0.5, r.x0 + 0.5, r.y0, r.y1};
  if (!(r.y1 > r.y0)) r = {r.x0, r.x1, r.y0 - 0.5, r.y0 + 0.5};
  return r;
}

void value_range(const Axes& a, double& lo, double& hi) {
  lo = kInf;
  hi = -kInf;
  if (a.heatmap)
    for (double v : a.heatmap->values)
      if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
  if (a.polygons)
    for (const auto& p : a.polygons->polygons)
      if (std::isfinite(p.value)) lo = std::min(lo, p.value), hi = std::max(hi, p.value);
  if (!(lo <= hi)) lo = 0.0, hi = 1.0;
  if (hi == lo) hi = lo + 1.0;
}

void draw_series(cairo_t* cr, const Mapping& m, const Series& s, std::size_t index) {
  const Theme& t = house_theme();
  set_color(cr, color_of(s, index));
  const std::size_t n = std::min(s.x.size(), s.y.size());
  if (s.kind == SeriesKind::kBar) {
    const double half = (s.width_pt > 0 ? s.width_pt : 0.7) / 2;
    for (std::size_t i = 0; i < n; ++i) {
      if (!std::isfinite(s.y[i])) continue;
      const double x0 = m.px(s.x[i] - half);
      const double x1 = m.px(s.x[i] + half);
      const double y0 = m.py(std::max(0.0, m.range.y0));
      cairo_rectangle(cr, x0, m.py(s.y[i]), x1 - x0, y0 - m.py(s.y[i]));
    }
    cairo_fill(cr);
    return;
  }
  if (s.kind == SeriesKind::kScatter) {
    const double r = s.width_pt > 0 ? s.width_pt : 1.8;
    for (std::size_t i = 0; i < n; ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;
      cairo_new_sub_path(cr);
      cairo_arc(cr, m.px(s.x[i]), m.py(s.y[i]), r, 0, 2 * M_PI);
    }
    cairo_fill(cr);
    return;
  }
  cairo_set_line_width(cr, s.width_pt > 0 ? s.width_pt : t.line_width_pt);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
  if (s.dashed) {
    const double dash[] = {4.0, 2.5};
    cairo_set_dash(cr, dash, 2, 0);
  }
  bool pen_down = false;
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) {
      pen_down = false;  // a gap: missing data is never drawn as a value
      continue;
    }
    if (pen_down)
      cairo_line_to(cr, m.px(s.x[i]), m.py(s.y[i]));
    else
      cairo_move_to(cr, m.px(s.x[i]), m.py(s.y[i]));
    pen_down = true;
  }
  cairo_stroke(cr);
  cairo_set_dash(cr, nullptr, 0, 0);
}

void draw_heatmap(cairo_t* cr, const Mapping& m, const HeatMap& h) {
  const Theme& t = house_theme();
  double lo = 0;
  double hi = 1;
  Axes tmp;
  tmp.heatmap = h;
  value_range(tmp, lo, hi);
  const double cw = m.area.w / static_cast<double>(h.cols);
  const double ch = m.area.h / static_cast<double>(h.rows);
  // Cell text fits its cell: a 4-character value is about 2.4 em wide.
  TextStyle st{std::min({t.tick_pt, ch * 0.45, cw / 2.6}), false, false, t.font, t.ink};
  for (std::size_t r = 0; r < h.rows; ++r) {
    for (std::size_t c = 0; c < h.cols; ++c) {
      const double v = h.values[r * h.cols + c];
      const Color bg = viridis((v - lo) / (hi - lo));
      set_color(cr, bg);
      const double x = m.area.x + static_cast<double>(c) * cw;
      const double y = m.area.y + static_cast<double>(r) * ch;
      cairo_rectangle(cr, x, y, cw + 0.3, ch + 0.3);  // overlap: no hairline seams in viewers
      cairo_fill(cr);
      if (h.annotate && std::isfinite(v)) {
        st.color = text_on(bg);
        draw_text(cr, format_value(v, h.decimals), st, x + cw / 2, y + ch / 2, HAlign::kCenter,
                  VAlign::kMiddle);
      }
    }
  }
}

void draw_quiver(cairo_t* cr, const Mapping& m, const Quiver& q) {
  set_color(cr, q.color ? *q.color : okabe_ito::kBlue);
  cairo_set_line_width(cr, 0.9);
  for (std::size_t i = 0; i < q.x.size(); ++i) {
    const double x0 = m.px(q.x[i]);
    const double y0 = m.py(q.y[i]);
    const double x1 = m.px(q.x[i] + q.u[i] * q.scale);
    const double y1 = m.py(q.y[i] + q.v[i] * q.scale);
    const double len = std::hypot(x1 - x0, y1 - y0);
    if (!std::isfinite(len) || len < 0.5) continue;
    const double head = std::min(4.0, len * 0.4);
    const double ang = std::atan2(y1 - y0, x1 - x0);
    cairo_move_to(cr, x0, y0);
    cairo_line_to(cr, x1, y1);
    cairo_stroke(cr);
    cairo_move_to(cr, x1, y1);
    cairo_line_to(cr, x1 - head * std::cos(ang - 0.4), y1 - head * std::sin(ang - 0.4));
    cairo_line_to(cr, x1 - head * std::cos(ang + 0.4), y1 - head * std::sin(ang + 0.4));
    cairo_close_path(cr);
    cairo_fill(cr);
  }
}

void draw_polygons(cairo_t* cr, const Mapping& m, const PolygonMap& p, double lo, double hi) {
  for (const auto& poly : p.polygons) {
    if (poly.x.size() < 3) continue;
    cairo_move_to(cr, m.px(poly.x[0]), m.py(poly.y[0]));
    for (std::size_t i = 1; i < poly.x.size(); ++i)
      cairo_line_to(cr, m.px(poly.x[i]), m.py(poly.y[i]));
    cairo_close_path(cr);
    set_color(cr, viridis((poly.value - lo) / (hi - lo)));
    cairo_fill_preserve(cr);
    set_color(cr, rgb255(255, 255, 255));
    cairo_set_line_width(cr, 0.4);
    cairo_stroke(cr);
  }
}

void draw_legend(cairo_t* cr, const Mapping& m, const Axes& a) {
  const Theme& t = house_theme();
  struct Entry {
    std::string label;
    Color color;
    SeriesKind kind;
  };
  std::vector<Entry> entries;
  for (std::size_t i = 0; i < a.series.size(); ++i)
    if (!a.series[i].label.empty())
      entries.push_back({a.series[i].label, color_of(a.series[i], i), a.series[i].kind});
  if (a.quiver && !a.quiver->label.empty())
    entries.push_back({a.quiver->label, a.quiver->color ? *a.quiver->color : okabe_ito::kBlue,
                       SeriesKind::kLine});
  if (!a.legend || entries.empty()) return;
  const TextStyle st{t.tick_pt, false, false, t.font, t.ink};
  double tw = 0;
  double th = 0;
  for (const auto& e : entries) {
    double w = 0;
    double h = 0;
    text_size(cr, e.label, st, w, h);
    tw = std::max(tw, w);
    th = std::max(th, h);
  }
  const double pad = 4;
  const double sw = 14;
  const double bw = pad * 3 + sw + tw;
  const double bh = pad * 2 + th * static_cast<double>(entries.size());
  const double bx = m.area.x + m.area.w - bw - 4;
  const double by = m.area.y + 4;
  cairo_rectangle(cr, bx, by, bw, bh);
  set_color(cr, {1, 1, 1, 0.85});
  cairo_fill_preserve(cr);
  set_color(cr, t.grid);
  cairo_set_line_width(cr, 0.6);
  cairo_stroke(cr);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const double cy = by + pad + th * (static_cast<double>(i) + 0.5);
    set_color(cr, entries[i].color);
    if (entries[i].kind == SeriesKind::kLine) {
      cairo_set_line_width(cr, t.line_width_pt + 0.4);
      cairo_move_to(cr, bx + pad, cy);
      cairo_line_to(cr, bx + pad + sw, cy);
      cairo_stroke(cr);
    } else {
      cairo_rectangle(cr, bx + pad + 3, cy - 4, sw - 6, 8);
      cairo_fill(cr);
    }
    draw_text(cr, entries[i].label, st, bx + pad * 2 + sw, cy, HAlign::kLeft, VAlign::kMiddle);
  }
}

void draw_colorbar(cairo_t* cr, const Rect& bar, double lo, double hi, const std::string& label) {
  const Theme& t = house_theme();
  cairo_pattern_t* grad = cairo_pattern_create_linear(0, bar.y + bar.h, 0, bar.y);
  for (int i = 0; i <= 16; ++i) {
    const Color c = viridis(i / 16.0);
    cairo_pattern_add_color_stop_rgb(grad, i / 16.0, c.r, c.g, c.b);
  }
  cairo_rectangle(cr, bar.x, bar.y, bar.w, bar.h);
  cairo_set_source(cr, grad);
  cairo_fill(cr);
  cairo_pattern_destroy(grad);
  set_color(cr, t.frame);
  cairo_set_line_width(cr, 0.6);
  cairo_rectangle(cr, bar.x, bar.y, bar.w, bar.h);
  cairo_stroke(cr);
  const Ticks ticks = nice_ticks(lo, hi, 5);
  const TextStyle st{t.tick_pt, false, false, t.font, t.ink};
  double max_w = 0;
  for (double v : ticks.values) {
    if (v < lo - 1e-9 || v > hi + 1e-9) continue;
    const double y = bar.y + bar.h - (v - lo) / (hi - lo) * bar.h;
    cairo_move_to(cr, bar.x + bar.w, y);
    cairo_line_to(cr, bar.x + bar.w + 3, y);
    cairo_stroke(cr);
    const std::string s = format_value(v, ticks.decimals);
    double w = 0;
    double h = 0;
    text_size(cr, s, st, w, h);
    max_w = std::max(max_w, w);
    draw_text(cr, s, st, bar.x + bar.w + 5, y, HAlign::kLeft, VAlign::kMiddle);
  }
  if (!label.empty()) {
    const TextStyle ls{t.label_pt, false, false, t.font, t.ink};
    draw_text(cr, label, ls, bar.x + bar.w + 8 + max_w, bar.y + bar.h / 2, HAlign::kCenter,
              VAlign::kTop, -M_PI / 2);
  }
}

}  // namespace css::report::detail

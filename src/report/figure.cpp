// Figure layout: the page is split into rows × cols panels; each panel reserves room for its
// title, tick labels, axis labels and colour bar (measured with pango, so nothing is clipped)
// and draws its marks inside the remaining plot area.
#include "css/report/figure.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

#include "axes_layout.hpp"
#include "cairo_support.hpp"
#include "css/core/file_io.hpp"

namespace css::report {

using detail::HAlign;
using detail::Mapping;
using detail::Rect;
using detail::TextStyle;
using detail::VAlign;

Ticks nice_ticks(double lo, double hi, int target) {
  Ticks t;
  if (!std::isfinite(lo) || !std::isfinite(hi) || hi <= lo) return t;
  const double rough = (hi - lo) / std::max(1, target);
  const double mag = std::pow(10.0, std::floor(std::log10(rough)));
  double step = mag;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    step = m * mag;
    if (step >= rough) break;
  }
  const double first = std::ceil(lo / step - 1e-9) * step;
  for (double v = first; v <= hi + step * 1e-9; v += step) {
    t.values.push_back(std::fabs(v) < step * 1e-9 ? 0.0 : v);
    if (t.values.size() > 50) break;
  }
  t.decimals = std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9)));
  if (std::fabs(step / std::pow(10.0, -t.decimals) -
                std::round(step / std::pow(10.0, -t.decimals))) > 1e-6)
    ++t.decimals;  // 2.5 × 10^k needs one more decimal
  return t;
}

namespace {

std::string tick_label(double v, int decimals) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

Status validate(const Figure& f) {
  if (f.rows == 0 || f.cols == 0 || f.panels.empty() || f.panels.size() > f.rows * f.cols)
    return make_error(ErrorCode::kInvalidArgument,
                      "figure: needs 1.." + std::to_string(f.rows * f.cols) + " panels, has " +
                          std::to_string(f.panels.size()));
  if (!(f.width_pt > 50 && f.height_pt > 50 && f.width_pt < 20000 && f.height_pt < 20000))
    return make_error(ErrorCode::kInvalidArgument, "figure: size out of range (50..20000 pt)");
  for (const auto& a : f.panels) {
    for (const auto& s : a.series)
      if (s.x.size() != s.y.size())
        return make_error(ErrorCode::kInvalidArgument,
                          "figure: series '" + s.label + "' has " + std::to_string(s.x.size()) +
                              " x and " + std::to_string(s.y.size()) + " y values");
    if (a.heatmap && (a.heatmap->rows == 0 || a.heatmap->cols == 0 ||
                      a.heatmap->values.size() != a.heatmap->rows * a.heatmap->cols))
      return make_error(ErrorCode::kInvalidArgument, "figure: heat map size does not match");
    if (a.quiver &&
        (a.quiver->y.size() != a.quiver->x.size() || a.quiver->u.size() != a.quiver->x.size() ||
         a.quiver->v.size() != a.quiver->x.size()))
      return make_error(ErrorCode::kInvalidArgument, "figure: quiver arrays differ in length");
  }
  return Ok{};
}

// What a panel needs around its plot area, measured.
struct Margins {
  double left = 0, right = 0, top = 0, bottom = 0;
};

bool rotate_x_labels(cairo_t* cr, const Axes& a, double area_w) {
  const auto& labels = a.heatmap ? a.heatmap->col_labels : a.x_categories;
  if (labels.empty()) return false;
  const Theme& t = house_theme();
  const TextStyle st{t.tick_pt, false, false, t.font, t.ink};
  const double slot = area_w / static_cast<double>(labels.size());
  for (const auto& l : labels) {
    double w = 0;
    double h = 0;
    detail::text_size(cr, l, st, w, h);
    if (w > slot * 0.92) return true;
  }
  return false;
}

std::vector<std::string> y_tick_texts(const Axes& a, const Ticks& ticks) {
  if (a.heatmap) return a.heatmap->row_labels;
  std::vector<std::string> out;
  for (double v : ticks.values) out.push_back(tick_label(v, ticks.decimals));
  return out;
}

Margins measure(cairo_t* cr, const Axes& a, const Ticks& yt, double est_area_w) {
  const Theme& t = house_theme();
  const TextStyle tick{t.tick_pt, false, false, t.font, t.ink};
  Margins m;
  double w = 0;
  double h = 0;
  double max_w = 0;
  for (const auto& s : y_tick_texts(a, yt)) {
    detail::text_size(cr, s, tick, w, h);
    max_w = std::max(max_w, w);
  }
  m.left = max_w + 6 + (a.ylabel.empty() ? 2 : t.label_pt * 1.5);
  m.top = a.title.empty() ? 6 : t.title_pt * 1.9;
  m.bottom = t.tick_pt * 1.6 + (a.xlabel.empty() ? 2 : t.label_pt * 1.6);
  if (rotate_x_labels(cr, a, est_area_w)) {
    const auto& labels = a.heatmap ? a.heatmap->col_labels : a.x_categories;
    double longest = 0;
    for (const auto& l : labels) {
      detail::text_size(cr, l, tick, w, h);
      longest = std::max(longest, w);
    }
    m.bottom += longest * std::sin(M_PI / 4) + 2;
  }
  m.right = 8;
  if (a.heatmap || a.polygons)
    m.right = 62 + ((a.heatmap && !a.heatmap->colorbar_label.empty()) ||
                            (a.polygons && !a.polygons->colorbar_label.empty())
                        ? t.label_pt * 1.4
                        : 0);
  return m;
}

// Shrinks the plot area so that one data unit has the same length on x and y.
void equalise(Rect& area, const detail::DataRange& r, bool centre_x) {
  const double sx = area.w / (r.x1 - r.x0);
  const double sy = area.h / (r.y1 - r.y0);
  if (sx > sy) {
    const double w = (r.x1 - r.x0) * sy;
    if (centre_x) area.x += (area.w - w) / 2;
    area.w = w;
  } else {
    area.h = (r.y1 - r.y0) * sx;  // top-aligned: the x label follows the area
  }
}

void draw_x_axis(cairo_t* cr, const Mapping& m, const Axes& a, const Ticks& xt) {
  const Theme& t = house_theme();
  const TextStyle tick{t.tick_pt, false, false, t.font, t.ink};
  const double base = m.area.y + m.area.h;
  detail::set_color(cr, t.frame);
  cairo_set_line_width(cr, 0.6);
  std::vector<std::pair<double, std::string>> labels;
  if (a.heatmap) {
    for (std::size_t i = 0; i < a.heatmap->col_labels.size(); ++i)
      labels.emplace_back(m.px(static_cast<double>(i) + 0.5), a.heatmap->col_labels[i]);
  } else if (!a.x_categories.empty()) {
    for (std::size_t i = 0; i < a.x_categories.size(); ++i)
      labels.emplace_back(m.px(static_cast<double>(i)), a.x_categories[i]);
  } else {
    for (double v : xt.values)
      if (v >= m.range.x0 - 1e-9 && v <= m.range.x1 + 1e-9)
        labels.emplace_back(m.px(v), tick_label(v, xt.decimals));
  }
  const bool rotate = rotate_x_labels(cr, a, m.area.w);
  for (const auto& [x, s] : labels) {
    detail::set_color(cr, t.frame);
    cairo_move_to(cr, x, base);
    cairo_line_to(cr, x, base + 3);
    cairo_stroke(cr);
    if (rotate)
      detail::draw_text(cr, s, tick, x + 2, base + 4, HAlign::kRight, VAlign::kTop, -M_PI / 4);
    else
      detail::draw_text(cr, s, tick, x, base + 4, HAlign::kCenter, VAlign::kTop);
  }
}

void draw_y_axis(cairo_t* cr, const Mapping& m, const Axes& a, const Ticks& yt) {
  const Theme& t = house_theme();
  const TextStyle tick{t.tick_pt, false, false, t.font, t.ink};
  std::vector<std::pair<double, std::string>> labels;
  if (a.heatmap) {
    for (std::size_t i = 0; i < a.heatmap->row_labels.size(); ++i)
      labels.emplace_back(m.area.y + (static_cast<double>(i) + 0.5) * m.area.h /
                                         static_cast<double>(a.heatmap->rows),
                          a.heatmap->row_labels[i]);
  } else {
    for (double v : yt.values)
      if (v >= m.range.y0 - 1e-9 && v <= m.range.y1 + 1e-9)
        labels.emplace_back(m.py(v), tick_label(v, yt.decimals));
  }
  cairo_set_line_width(cr, 0.6);
  for (const auto& [y, s] : labels) {
    detail::set_color(cr, t.frame);
    cairo_move_to(cr, m.area.x, y);
    cairo_line_to(cr, m.area.x - 3, y);
    cairo_stroke(cr);
    detail::draw_text(cr, s, tick, m.area.x - 5, y, HAlign::kRight, VAlign::kMiddle);
  }
}

void draw_grid(cairo_t* cr, const Mapping& m, const Ticks& xt, const Ticks& yt) {
  const Theme& t = house_theme();
  detail::set_color(cr, t.grid);
  cairo_set_line_width(cr, 0.5);
  for (double v : xt.values) {
    if (v < m.range.x0 || v > m.range.x1) continue;
    cairo_move_to(cr, m.px(v), m.area.y);
    cairo_line_to(cr, m.px(v), m.area.y + m.area.h);
  }
  for (double v : yt.values) {
    if (v < m.range.y0 || v > m.range.y1) continue;
    cairo_move_to(cr, m.area.x, m.py(v));
    cairo_line_to(cr, m.area.x + m.area.w, m.py(v));
  }
  cairo_stroke(cr);
}

void draw_panel(cairo_t* cr, const Axes& a, const Rect& cell) {
  const Theme& t = house_theme();
  const auto range = detail::data_range(a);
  const Ticks xt = nice_ticks(range.x0, range.x1, std::max(4, static_cast<int>(cell.w / 60)));
  const Ticks yt = nice_ticks(range.y0, range.y1, std::max(3, static_cast<int>(cell.h / 40)));
  const Margins mg = measure(cr, a, yt, cell.w * 0.7);
  Rect area{cell.x + mg.left, cell.y + mg.top, cell.w - mg.left - mg.right,
            cell.h - mg.top - mg.bottom};
  if (area.w < 10 || area.h < 10) return;  // too small to draw anything legible
  if (a.equal_aspect || a.heatmap) equalise(area, range, true);
  const Mapping m{area, range};

  if (!a.heatmap) draw_grid(cr, m, xt, yt);
  cairo_save(cr);
  cairo_rectangle(cr, area.x, area.y, area.w, area.h);
  cairo_clip(cr);
  if (a.heatmap) detail::draw_heatmap(cr, m, *a.heatmap);
  double lo = 0;
  double hi = 1;
  detail::value_range(a, lo, hi);
  if (a.polygons) detail::draw_polygons(cr, m, *a.polygons, lo, hi);
  for (std::size_t i = 0; i < a.series.size(); ++i) detail::draw_series(cr, m, a.series[i], i);
  if (a.quiver) detail::draw_quiver(cr, m, *a.quiver);
  cairo_restore(cr);

  detail::set_color(cr, t.frame);
  cairo_set_line_width(cr, 0.8);
  cairo_rectangle(cr, area.x, area.y, area.w, area.h);
  cairo_stroke(cr);
  draw_x_axis(cr, m, a, xt);
  draw_y_axis(cr, m, a, yt);
  detail::draw_legend(cr, m, a);
  if (a.heatmap || a.polygons) {
    const Rect bar{area.x + area.w + 10, area.y, 10, area.h};
    detail::draw_colorbar(cr, bar, lo, hi,
                          a.heatmap ? a.heatmap->colorbar_label : a.polygons->colorbar_label);
  }
  const TextStyle title{t.title_pt, true, false, t.font, t.ink};
  const TextStyle label{t.label_pt, false, false, t.font, t.ink};
  if (!a.title.empty())
    detail::draw_text(cr, a.title, title, area.x + area.w / 2, cell.y + 2, HAlign::kCenter,
                      VAlign::kTop);
  if (!a.xlabel.empty())
    detail::draw_text(cr, a.xlabel, label, area.x + area.w / 2, area.y + area.h + mg.bottom - 1,
                      HAlign::kCenter, VAlign::kBottom);
  if (!a.ylabel.empty())
    detail::draw_text(cr, a.ylabel, label, area.x - mg.left + 1, area.y + area.h / 2,
                      HAlign::kCenter, VAlign::kTop, -M_PI / 2);
}

}  // namespace

void draw_figure(cairo_t* cr, const Figure& f, double x, double y) {
  const Theme& t = house_theme();
  cairo_save(cr);
  cairo_translate(cr, x, y);
  double top = 4;
  if (!f.title.empty()) {
    const TextStyle st{t.figure_title_pt, true, false, t.font, t.ink};
    detail::draw_text(cr, f.title, st, f.width_pt / 2, 4, HAlign::kCenter, VAlign::kTop);
    top = t.figure_title_pt * 2.0;
  }
  const double cw = (f.width_pt - 8) / static_cast<double>(f.cols);
  const double ch = (f.height_pt - top - 4) / static_cast<double>(f.rows);
  for (std::size_t i = 0; i < f.panels.size(); ++i) {
    const Rect cell{4 + static_cast<double>(i % f.cols) * cw,
                    top + static_cast<double>(i / f.cols) * ch, cw - 6, ch - 4};
    draw_panel(cr, f.panels[i], cell);
  }
  cairo_restore(cr);
}

Result<Format> format_for(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (ext == ".pdf") return Format::kPdf;
  if (ext == ".svg") return Format::kSvg;
  if (ext == ".png") return Format::kPng;
  return make_error(ErrorCode::kInvalidArgument, path.string() + ": unknown figure format '" + ext +
                                                     "' (expected .pdf, .svg or .png)");
}

Result<std::vector<std::byte>> render(const Figure& f, Format format) {
  if (auto st = validate(f); !st) return st.error();
  detail::ByteSink sink;
  double scale = 1.0;
  auto surface = detail::make_surface(format, f.width_pt, f.height_pt, f.png_dpi, sink, scale);
  {
    detail::ContextPtr cr(cairo_create(surface.get()));
    cairo_scale(cr.get(), scale, scale);
    detail::set_color(cr.get(), house_theme().paper);
    cairo_paint(cr.get());
    draw_figure(cr.get(), f, 0, 0);
    if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS)
      return make_error(ErrorCode::kIo,
                        std::string("cairo: ") + cairo_status_to_string(cairo_status(cr.get())));
  }
  if (auto st = detail::finish_surface(format, surface.get(), sink); !st) return st.error();
  return std::move(sink.bytes);
}

Status save(const Figure& f, const std::filesystem::path& path,
            std::span<const std::filesystem::path> inputs) {
  auto format = format_for(path);
  if (!format) return format.error();
  if (auto st = io::check_output(path, inputs); !st) return st;
  auto bytes = render(f, *format);
  if (!bytes) return bytes.error();
  return io::write_file(path, *bytes, inputs);
}

}  // namespace css::report

// Private to report/: the cairo + pango helpers every drawing file shares (text in the house
// font at 72 dpi so that 1 pt of font is 1 user unit, on PDF, SVG and PNG alike; surfaces
// that write into memory so the project's atomic writer stores the bytes).
#pragma once

#include <cairo.h>
#include <pango/pangocairo.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "css/core/result.hpp"
#include "css/report/figure.hpp"
#include "css/report/theme.hpp"

namespace css::report::detail {

struct TextStyle {
  double size_pt = 9.0;
  bool bold = false;
  bool italic = false;
  std::string_view family = "DejaVu Sans";
  Color color{};
};

enum class HAlign { kLeft, kCenter, kRight };
enum class VAlign { kTop, kMiddle, kBottom };

struct LayoutDeleter {
  void operator()(PangoLayout* l) const { g_object_unref(l); }
};
using LayoutPtr = std::unique_ptr<PangoLayout, LayoutDeleter>;

// A layout of `text` (plain, or pango markup when `markup`), wrapped at width_pt if > 0.
LayoutPtr make_layout(cairo_t* cr, std::string_view text, const TextStyle& style,
                      bool markup = false, double width_pt = -1.0);
// Logical width and height of a layout in points.
void layout_size(PangoLayout* layout, double& w, double& h);
void text_size(cairo_t* cr, std::string_view text, const TextStyle& style, double& w, double& h);
// Draws text anchored at (x, y), rotated by angle_rad around the anchor.
void draw_text(cairo_t* cr, std::string_view text, const TextStyle& style, double x, double y,
               HAlign h, VAlign v, double angle_rad = 0.0);
void set_color(cairo_t* cr, Color c);

// Collects what a cairo surface writes.
struct ByteSink {
  std::vector<std::byte> bytes;
  static cairo_status_t write(void* closure, const unsigned char* data, unsigned int length);
};

struct SurfaceDeleter {
  void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};
using SurfacePtr = std::unique_ptr<cairo_surface_t, SurfaceDeleter>;
struct ContextDeleter {
  void operator()(cairo_t* c) const { cairo_destroy(c); }
};
using ContextPtr = std::unique_ptr<cairo_t, ContextDeleter>;

// A surface of width × height points: PDF and SVG stream into `sink`; PNG is an image surface
// of width × dpi/72 pixels (write it with finish_png). `scale` is what the context must scale by.
SurfacePtr make_surface(Format format, double width_pt, double height_pt, double dpi,
                        ByteSink& sink, double& scale);
// Finishes the surface: PNG is encoded into `sink`; errors name cairo's status.
Status finish_surface(Format format, cairo_surface_t* surface, ByteSink& sink);

}  // namespace css::report::detail

// cairo + pango helpers (see cairo_support.hpp).
#include "cairo_support.hpp"

#include <cairo-pdf.h>
#include <cairo-svg.h>

#include <cmath>
#include <cstring>

namespace css::report::detail {

void set_color(cairo_t* cr, Color c) {
  cairo_set_source_rgba(cr, c.r, c.g, c.b, c.a);
}

LayoutPtr make_layout(cairo_t* cr, std::string_view text, const TextStyle& style, bool markup,
                      double width_pt) {
  LayoutPtr layout(pango_cairo_create_layout(cr));
  PangoContext* ctx = pango_layout_get_context(layout.get());
  // 72 dpi: a 9 pt font is 9 user units; metrics unhinted so PDF, SVG and PNG lay out alike.
  pango_cairo_context_set_resolution(ctx, 72.0);
  cairo_font_options_t* opts = cairo_font_options_create();
  cairo_font_options_set_hint_metrics(opts, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style(opts, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options(ctx, opts);
  cairo_font_options_destroy(opts);
  pango_layout_context_changed(layout.get());

  PangoFontDescription* font = pango_font_description_new();
  const std::string family(style.family);
  pango_font_description_set_family(font, family.c_str());
  pango_font_description_set_absolute_size(font, style.size_pt * PANGO_SCALE);
  if (style.bold) pango_font_description_set_weight(font, PANGO_WEIGHT_BOLD);
  if (style.italic) pango_font_description_set_style(font, PANGO_STYLE_ITALIC);
  pango_layout_set_font_description(layout.get(), font);
  pango_font_description_free(font);
  if (width_pt > 0) {
    pango_layout_set_width(layout.get(), static_cast<int>(width_pt * PANGO_SCALE));
    pango_layout_set_wrap(layout.get(), PANGO_WRAP_WORD_CHAR);
  }
  const int len = static_cast<int>(text.size());
  if (markup)
    pango_layout_set_markup(layout.get(), text.data(), len);
  else
    pango_layout_set_text(layout.get(), text.data(), len);
  return layout;
}

void layout_size(PangoLayout* layout, double& w, double& h) {
  PangoRectangle logical;
  pango_layout_get_extents(layout, nullptr, &logical);
  w = static_cast<double>(logical.width) / PANGO_SCALE;
  h = static_cast<double>(logical.height) / PANGO_SCALE;
}

void text_size(cairo_t* cr, std::string_view text, const TextStyle& style, double& w, double& h) {
  auto layout = make_layout(cr, text, style);
  layout_size(layout.get(), w, h);
}

void draw_text(cairo_t* cr, std::string_view text, const TextStyle& style, double x, double y,
               HAlign h, VAlign v, double angle_rad) {
  auto layout = make_layout(cr, text, style);
  double w = 0;
  double ht = 0;
  layout_size(layout.get(), w, ht);
  cairo_save(cr);
  cairo_translate(cr, x, y);
  cairo_rotate(cr, angle_rad);
  const double dx = h == HAlign::kLeft ? 0.0 : h == HAlign::kCenter ? -w / 2 : -w;
  const double dy = v == VAlign::kTop ? 0.0 : v == VAlign::kMiddle ? -ht / 2 : -ht;
  cairo_move_to(cr, dx, dy);
  set_color(cr, style.color);
  pango_cairo_update_layout(cr, layout.get());
  pango_cairo_show_layout(cr, layout.get());
  cairo_restore(cr);
}

cairo_status_t ByteSink::write(void* closure, const unsigned char* data, unsigned int length) {
  auto* sink = static_cast<ByteSink*>(closure);
  const auto* p = reinterpret_cast<const std::byte*>(data);
  sink->bytes.insert(sink->bytes.end(), p, p + length);
  return CAIRO_STATUS_SUCCESS;
}

SurfacePtr make_surface(Format format, double width_pt, double height_pt, double dpi,
                        ByteSink& sink, double& scale) {
  scale = 1.0;
  switch (format) {
    case Format::kPdf:
      return SurfacePtr(
          cairo_pdf_surface_create_for_stream(&ByteSink::write, &sink, width_pt, height_pt));
    case Format::kSvg: {
      SurfacePtr s(
          cairo_svg_surface_create_for_stream(&ByteSink::write, &sink, width_pt, height_pt));
      cairo_svg_surface_set_document_unit(s.get(), CAIRO_SVG_UNIT_PT);
      return s;
    }
    case Format::kPng:
      scale = dpi / 72.0;
      return SurfacePtr(cairo_image_surface_create(
          CAIRO_FORMAT_ARGB32, static_cast<int>(std::lround(width_pt * scale)),
          static_cast<int>(std::lround(height_pt * scale))));
  }
  return nullptr;
}

Status finish_surface(Format format, cairo_surface_t* surface, ByteSink& sink) {
  cairo_surface_flush(surface);
  if (format == Format::kPng) {
    if (cairo_surface_write_to_png_stream(surface, &ByteSink::write, &sink) != CAIRO_STATUS_SUCCESS)
      return make_error(ErrorCode::kIo, "cannot encode the PNG");
  }
  cairo_surface_finish(surface);
  if (const auto st = cairo_surface_status(surface); st != CAIRO_STATUS_SUCCESS)
    return make_error(ErrorCode::kIo, std::string("cairo: ") + cairo_status_to_string(st));
  return Ok{};
}

}  // namespace css::report::detail

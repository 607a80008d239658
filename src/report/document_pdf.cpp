// Document → PDF: A4 pages, a cursor that moves down the text column and starts a new page when
// a block does not fit. Paragraphs break between lines (pango lines walked one by one, as pango
// itself does not paginate); tables between rows; figures, diagrams and sign-off never split.
#include <cairo-pdf.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "cairo_support.hpp"
#include "css/report/document.hpp"

namespace css::report {

void draw_figure(cairo_t* cr, const Figure& f, double x, double y);  // figure.cpp

namespace {

using detail::HAlign;
using detail::TextStyle;
using detail::VAlign;

constexpr double kPageW = 595.276;  // A4 in points
constexpr double kPageH = 841.89;
constexpr double kLeft = 68;
constexpr double kRight = 68;
constexpr double kTop = 64;
constexpr double kBottom = 70;
constexpr double kTextW = kPageW - kLeft - kRight;
constexpr double kBodyPt = 10.0;

struct TocEntry {
  int level;
  std::string number;
  std::string text;
  int page;
};

class Layout {
 public:
  Layout(cairo_t* cr, cairo_surface_t* surface, const DocumentInfo& info,
         const std::vector<TocEntry>& toc_in, int total_pages)
      : cr_(cr), surface_(surface), info_(info), toc_in_(toc_in), total_(total_pages) {}

  void run(const std::vector<Document::Block>& blocks) {
    start_page();
    for (const auto& b : blocks) std::visit([this](const auto& blk) { draw(blk); }, b);
    finish_page();
  }
  int pages() const { return page_; }
  const std::vector<TocEntry>& toc() const { return toc_out_; }

 private:
  TextStyle body(bool bold = false, bool italic = false) const {
    const Theme& t = house_theme();
    return {kBodyPt, bold, italic, t.serif, t.ink};
  }

  void start_page() {
    ++page_;
    y_ = kTop;
  }
  void finish_page() {
    const Theme& t = house_theme();
    if (page_ > 1) {
      const TextStyle foot{8.0, false, false, t.font, rgb255(110, 110, 110)};
      detail::draw_text(cr_, info_.title, foot, kLeft, kPageH - 40, HAlign::kLeft, VAlign::kTop);
      const std::string num = "Page " + std::to_string(page_) +
                              (total_ > 0 ? " of " + std::to_string(total_) : std::string());
      detail::draw_text(cr_, num, foot, kPageW - kRight, kPageH - 40, HAlign::kRight, VAlign::kTop);
      detail::set_color(cr_, t.grid);
      cairo_set_line_width(cr_, 0.5);
      cairo_move_to(cr_, kLeft, kPageH - 46);
      cairo_line_to(cr_, kPageW - kRight, kPageH - 46);
      cairo_stroke(cr_);
    }
    cairo_show_page(cr_);
  }
  void new_page() {
    finish_page();
    start_page();
  }
  double room() const { return kPageH - kBottom - y_; }
  void need(double h) {
    if (h > room() && y_ > kTop + 1) new_page();
  }

  // Draws a layout's lines at x, breaking pages between lines.
  void flow(PangoLayout* layout, double x) {
    PangoLayoutIter* it = pango_layout_get_iter(layout);
    double consumed = 0;  // layout y already placed on earlier pages
    double origin = y_;
    do {
      PangoRectangle logical;
      pango_layout_iter_get_line_extents(it, nullptr, &logical);
      const double top = logical.y / static_cast<double>(PANGO_SCALE);
      const double h = logical.height / static_cast<double>(PANGO_SCALE);
      if (origin + (top - consumed) + h > kPageH - kBottom) {
        new_page();
        consumed = top;
        origin = y_;
      }
      const double baseline = pango_layout_iter_get_baseline(it) / static_cast<double>(PANGO_SCALE);
      cairo_move_to(cr_, x + logical.x / static_cast<double>(PANGO_SCALE),
                    origin + (baseline - consumed));
      detail::set_color(cr_, house_theme().ink);
      pango_cairo_show_layout_line(cr_, pango_layout_iter_get_line_readonly(it));
      y_ = origin + (top - consumed) + h;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
  }

  void text_block(const std::string& markup, const TextStyle& st, double indent, double after) {
    auto layout = detail::make_layout(cr_, markup, st, true, kTextW - indent);
    pango_layout_set_spacing(layout.get(), static_cast<int>(2.0 * PANGO_SCALE));
    flow(layout.get(), kLeft + indent);
    y_ += after;
  }

  void draw(const Document::TitleBlock& t) {
    const Theme& th = house_theme();
    y_ = kTop + 140;
    const TextStyle big{26, true, false, th.font, th.ink};
    auto l = detail::make_layout(cr_, escape_markup(t.title), big, true, kTextW);
    flow(l.get(), kLeft);
    y_ += 12;
    const TextStyle sub{14, false, true, th.serif, rgb255(70, 70, 70)};
    auto s = detail::make_layout(cr_, escape_markup(t.subtitle), sub, true, kTextW);
    flow(s.get(), kLeft);
    detail::set_color(cr_, okabe_ito::kBlue);
    cairo_rectangle(cr_, kLeft, y_ + 14, 80, 3);
    cairo_fill(cr_);
    y_ += 40;
    text_block(t.body, body(), 0, 0);
    new_page();
  }

  void draw(const Document::TocBlock&) {
    heading_text(1, "", "Contents", false);
    for (const auto& e : toc_in_) {
      const TextStyle st = e.level == 1 ? body(true) : body();
      const double indent = e.level == 1 ? 0 : 18;
      const std::string label = e.number + "  " + e.text;
      need(16);
      const std::string link = "page=" + std::to_string(std::max(1, e.page));
      cairo_tag_begin(cr_, CAIRO_TAG_LINK, link.c_str());
      detail::draw_text(cr_, label, st, kLeft + indent, y_, HAlign::kLeft, VAlign::kTop);
      detail::draw_text(cr_, e.page > 0 ? std::to_string(e.page) : "?", st, kPageW - kRight, y_,
                        HAlign::kRight, VAlign::kTop);
      cairo_tag_end(cr_, CAIRO_TAG_LINK);
      y_ += e.level == 1 ? 17 : 15;
    }
    new_page();
  }

  void heading_text(int level, const std::string& number, const std::string& text, bool record) {
    const Theme& t = house_theme();
    const double size = level == 1 ? 15 : 12;
    need(size * 2 + 60);  // keep a heading with the first lines that follow it
    y_ += level == 1 ? 10 : 6;
    const std::string label = number.empty() ? text : number + "   " + text;
    const TextStyle st{size, true, false, t.font, t.ink};
    detail::draw_text(cr_, label, st, kLeft, y_, HAlign::kLeft, VAlign::kTop);
    if (record) {
      toc_out_.push_back({level, number, text, page_});
      if (cairo_surface_get_type(surface_) == CAIRO_SURFACE_TYPE_PDF) {
        const std::string dest = "page=" + std::to_string(page_) + " pos=[" +
                                 std::to_string(static_cast<int>(kLeft)) + " " +
                                 std::to_string(static_cast<int>(y_)) + "]";
        const int parent = level == 1 ? CAIRO_PDF_OUTLINE_ROOT : last_h1_outline_;
        const int id = cairo_pdf_surface_add_outline(surface_, parent, label.c_str(), dest.c_str(),
                                                     CAIRO_PDF_OUTLINE_FLAG_OPEN);
        if (level == 1) last_h1_outline_ = id;
      }
    }
    y_ += size * 1.5 + (level == 1 ? 4 : 2);
  }

  void draw(const Document::HeadingBlock& h) { heading_text(h.level, h.number, h.text, true); }

  void draw(const Document::ParagraphBlock& p) { text_block(p.markup, body(), 0, 7); }

  void draw(const Document::ListBlock& l) {
    for (const auto& item : l.items) {
      need(kBodyPt * 1.6);
      if (l.tick_boxes) {
        detail::set_color(cr_, house_theme().frame);
        cairo_set_line_width(cr_, 0.8);
        cairo_rectangle(cr_, kLeft + 2, y_ + 2.5, 8.5, 8.5);
        cairo_stroke(cr_);
      } else {
        detail::draw_text(cr_, "•", body(), kLeft + 4, y_, HAlign::kLeft, VAlign::kTop);
      }
      text_block(item, body(), 18, 3);
    }
    y_ += 5;
  }

  std::vector<double> column_widths(const Table& t, double width) const {
    std::vector<double> w = t.widths;
    if (w.size() != t.header.size()) w.assign(t.header.size(), 1.0);
    double sum = 0;
    for (double v : w) sum += v;
    for (double& v : w) v = v / sum * width;
    return w;
  }

  double table_row(const std::vector<std::string>& cells, const std::vector<double>& widths,
                   double x0, bool header, bool tick, bool draw_it) {
    const double pad = 4;
    std::vector<detail::LayoutPtr> layouts;
    double h = 0;
    for (std::size_t c = 0; c < widths.size(); ++c) {
      const std::string text = c < cells.size() ? cells[c] : "";
      TextStyle st = body(header);
      st.size_pt = 8.8;
      st.family = house_theme().font;
      layouts.push_back(detail::make_layout(cr_, header ? escape_markup(text) : text, st, true,
                                            widths[c] - 2 * pad));
      double w = 0;
      double lh = 0;
      detail::layout_size(layouts.back().get(), w, lh);
      h = std::max(h, lh);
    }
    h += 2 * pad;
    if (!draw_it) return h;
    const Theme& t = house_theme();
    if (header) {
      detail::set_color(cr_, rgb255(236, 240, 245));
      cairo_rectangle(cr_, kLeft, y_, kTextW, h);
      cairo_fill(cr_);
    }
    if (tick && !header) {
      detail::set_color(cr_, t.frame);
      cairo_set_line_width(cr_, 0.8);
      cairo_rectangle(cr_, kLeft + 5, y_ + pad + 1, 8.5, 8.5);
      cairo_stroke(cr_);
    }
    double x = x0;
    for (std::size_t c = 0; c < widths.size(); ++c) {
      cairo_move_to(cr_, x + pad, y_ + pad);
      detail::set_color(cr_, t.ink);
      pango_cairo_show_layout(cr_, layouts[c].get());
      x += widths[c];
    }
    detail::set_color(cr_, t.grid);
    cairo_set_line_width(cr_, 0.6);
    cairo_move_to(cr_, kLeft, y_ + h);
    cairo_line_to(cr_, kLeft + kTextW, y_ + h);
    cairo_stroke(cr_);
    return h;
  }

  void draw(const Table& t) {
    const double tick_w = t.tick_boxes ? 20 : 0;
    const auto widths = column_widths(t, kTextW - tick_w);
    const double x0 = kLeft + tick_w;
    auto header = [&] { y_ += table_row(t.header, widths, x0, true, t.tick_boxes, true); };
    need(table_row(t.header, widths, x0, true, false, false) * 2.5);
    header();
    for (const auto& row : t.rows) {
      const double h = table_row(row, widths, x0, false, t.tick_boxes, false);
      if (h > room()) {
        new_page();
        header();
      }
      y_ += table_row(row, widths, x0, false, t.tick_boxes, true);
    }
    y_ += 10;
  }

  void caption(const std::string& text) {
    TextStyle st = body(false, true);
    st.size_pt = 9;
    text_block(escape_markup(text), st, 0, 10);
  }

  void draw(const Document::FigureBlock& f) {
    const double scale = std::min(1.0, kTextW / f.figure.width_pt);
    const double h = f.figure.height_pt * scale;
    need(h + 30);
    cairo_save(cr_);
    cairo_translate(cr_, kLeft + (kTextW - f.figure.width_pt * scale) / 2, y_);
    cairo_scale(cr_, scale, scale);
    draw_figure(cr_, f.figure, 0, 0);
    cairo_restore(cr_);
    y_ += h + 4;
    caption(f.caption);
  }

  void draw(const Document::DiagramBlock& d) {
    const Diagram& g = d.diagram;
    const double scale = std::min(1.0, kTextW / g.width_pt);
    need(g.height_pt * scale + 30);
    cairo_save(cr_);
    cairo_translate(cr_, kLeft + (kTextW - g.width_pt * scale) / 2, y_);
    cairo_scale(cr_, scale, scale);
    draw_arrows(g);
    const Theme& t = house_theme();
    for (const auto& b : g.boxes) {
      cairo_rectangle(cr_, b.x, b.y, b.w, b.h);
      detail::set_color(cr_, b.fill);
      cairo_fill_preserve(cr_);
      detail::set_color(cr_, t.frame);
      cairo_set_line_width(cr_, 0.8);
      cairo_stroke(cr_);
      const TextStyle st{8.5, false, false, t.font, text_on(b.fill)};
      auto l = detail::make_layout(cr_, escape_markup(b.label), st, true, b.w - 6);
      pango_layout_set_alignment(l.get(), PANGO_ALIGN_CENTER);
      double w = 0;
      double h = 0;
      detail::layout_size(l.get(), w, h);
      cairo_move_to(cr_, b.x + 3, b.y + (b.h - h) / 2);
      detail::set_color(cr_, st.color);
      pango_cairo_show_layout(cr_, l.get());
    }
    cairo_restore(cr_);
    y_ += g.height_pt * scale + 6;
    caption(d.caption);
  }

  void draw_arrows(const Diagram& g) {
    const Theme& t = house_theme();
    for (const auto& a : g.arrows) {
      if (a.from >= g.boxes.size() || a.to >= g.boxes.size()) continue;
      const auto& p = g.boxes[a.from];
      const auto& q = g.boxes[a.to];
      double x0 = p.x + p.w / 2;
      double y0 = p.y + p.h / 2;
      double x1 = q.x + q.w / 2;
      double y1 = q.y + q.h / 2;
      // Leave each box through its edge: clip the centre line to the box outlines.
      auto clip = [](double w, double h, double dx, double dy) {
        const double sx = dx != 0 ? (w / 2) / std::fabs(dx) : 1e9;
        const double sy = dy != 0 ? (h / 2) / std::fabs(dy) : 1e9;
        return std::min(sx, sy);
      };
      const double dx = x1 - x0;
      const double dy = y1 - y0;
      const double s0 = clip(p.w, p.h, dx, dy);
      const double s1 = clip(q.w, q.h, dx, dy);
      x0 += dx * s0;
      y0 += dy * s0;
      x1 -= dx * s1;
      y1 -= dy * s1;
      detail::set_color(cr_, t.frame);
      cairo_set_line_width(cr_, 1.0);
      cairo_move_to(cr_, x0, y0);
      cairo_line_to(cr_, x1, y1);
      cairo_stroke(cr_);
      const double ang = std::atan2(y1 - y0, x1 - x0);
      cairo_move_to(cr_, x1, y1);
      cairo_line_to(cr_, x1 - 6 * std::cos(ang - 0.4), y1 - 6 * std::sin(ang - 0.4));
      cairo_line_to(cr_, x1 - 6 * std::cos(ang + 0.4), y1 - 6 * std::sin(ang + 0.4));
      cairo_close_path(cr_);
      cairo_fill(cr_);
      if (!a.label.empty()) {
        const TextStyle st{7.5, false, true, t.font, rgb255(90, 90, 90)};
        detail::draw_text(cr_, a.label, st, (x0 + x1) / 2 + 3, (y0 + y1) / 2, HAlign::kLeft,
                          VAlign::kMiddle);
      }
    }
  }

  void draw(const Document::SignOffBlock& s) {
    const Theme& t = house_theme();
    need(40.0 * static_cast<double>(s.roles.size()) + 20);
    const TextStyle st = body();
    const TextStyle small{7.5, false, false, t.font, rgb255(110, 110, 110)};
    for (const auto& role : s.roles) {
      y_ += 22;
      detail::draw_text(cr_, role, body(true), kLeft, y_ - 12, HAlign::kLeft, VAlign::kTop);
      detail::set_color(cr_, t.frame);
      cairo_set_line_width(cr_, 0.6);
      const double cols[3][2] = {{150, 300}, {310, 420}, {430, kTextW}};
      const char* names[3] = {"name", "signature", "date"};
      for (int c = 0; c < 3; ++c) {
        cairo_move_to(cr_, kLeft + cols[c][0], y_);
        cairo_line_to(cr_, kLeft + cols[c][1], y_);
        cairo_stroke(cr_);
        detail::draw_text(cr_, names[c], small, kLeft + cols[c][0], y_ + 2, HAlign::kLeft,
                          VAlign::kTop);
      }
      y_ += 16;
      (void)st;
    }
  }

  void draw(const Document::PageBreakBlock&) { new_page(); }

  cairo_t* cr_;
  cairo_surface_t* surface_;
  const DocumentInfo& info_;
  const std::vector<TocEntry>& toc_in_;
  std::vector<TocEntry> toc_out_;
  int total_ = 0;
  int page_ = 0;
  double y_ = kTop;
  int last_h1_outline_ = CAIRO_PDF_OUTLINE_ROOT;
};

void set_metadata(cairo_surface_t* s, const DocumentInfo& info) {
  cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, info.title.c_str());
  cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_AUTHOR, info.author.c_str());
  cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_SUBJECT, info.subject.c_str());
  cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_KEYWORDS, info.keywords.c_str());
  cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, info.creator.c_str());
}

}  // namespace

Result<std::vector<std::byte>> Document::render_pdf() const {
  std::vector<TocEntry> toc;
  int total = 0;
  // Pass 1 finds the pages of the headings and the page count; pass 2 draws with them. The
  // table of contents has the same lines in both passes, so the layout does not move.
  for (int pass = 0; pass < 2; ++pass) {
    detail::ByteSink sink;
    detail::SurfacePtr surface(
        cairo_pdf_surface_create_for_stream(&detail::ByteSink::write, &sink, kPageW, kPageH));
    if (pass == 1) set_metadata(surface.get(), info_);
    std::vector<TocEntry> found;
    {
      detail::ContextPtr cr(cairo_create(surface.get()));
      if (pass == 0) {
        for (const auto& b : blocks_)
          if (const auto* h = std::get_if<HeadingBlock>(&b))
            toc.push_back({h->level, h->number, h->text, 0});
      }
      Layout layout(cr.get(), surface.get(), info_, toc, total);
      layout.run(blocks_);
      found = layout.toc();
      total = layout.pages();
      if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS)
        return make_error(ErrorCode::kIo,
                          std::string("cairo: ") + cairo_status_to_string(cairo_status(cr.get())));
    }
    toc = found;
    if (auto st = detail::finish_surface(Format::kPdf, surface.get(), sink); !st) return st.error();
    if (pass == 1) {
      pages_ = static_cast<std::size_t>(total);
      return std::move(sink.bytes);
    }
  }
  return make_error(ErrorCode::kIo, "document layout did not finish");
}

}  // namespace css::report

// Document: a typeset, paginated PDF (A4) built block by block — title page, table of contents,
// numbered headings, paragraphs (pango markup: <b>, <i>, <tt>, <span>), bullet and tick-box
// lists, tables, figures with captions, block diagrams and sign-off lines — with page numbers,
// PDF bookmarks and metadata. The same blocks also print as Markdown (for the checklist's .md).
//
// Pages are laid out twice: the first pass finds the page of every heading and the page count,
// the second draws the contents with those numbers. Paragraphs break between lines, tables
// between rows (the header repeats), figures and diagrams are never split.
#pragma once

#include <cstddef>
#include <string>
#include <variant>
#include <vector>

#include "css/core/result.hpp"
#include "css/report/figure.hpp"

namespace css::report {

struct DocumentInfo {
  std::string title;
  std::string author = "CitySafeSense";
  std::string subject;
  std::string keywords;
  std::string creator = "citysafe (cairo + pango)";
};

struct Table {
  std::vector<std::string> header;             // plain text
  std::vector<std::vector<std::string>> rows;  // pango markup per cell
  std::vector<double> widths;                  // relative column widths; empty = equal
  bool tick_boxes = false;                     // an empty tick box before every row
};

// Boxes (with a label) joined by arrows: the architecture diagram.
struct Diagram {
  struct Box {
    double x, y, w, h;  // points, inside the diagram
    std::string label;  // plain text, may hold '\n'
    Color fill;
  };
  struct Arrow {
    std::size_t from;
    std::size_t to;
    std::string label;
  };
  double width_pt = 460;
  double height_pt = 260;
  std::vector<Box> boxes;
  std::vector<Arrow> arrows;
};

class Document {
 public:
  explicit Document(DocumentInfo info);

  void title_page(std::string title, std::string subtitle, std::string body_markup);
  void table_of_contents();
  void heading(int level, std::string text);  // level 1 or 2; numbered 1, 1.1, …
  void paragraph(std::string markup);
  void bullets(std::vector<std::string> items_markup);
  void tick_boxes(std::vector<std::string> items_markup);
  void table(Table table);
  void figure(Figure figure, std::string caption);
  void diagram(Diagram diagram, std::string caption);
  void sign_off(std::vector<std::string> roles);  // name / signature / date lines
  void page_break();

  Result<std::vector<std::byte>> render_pdf() const;
  std::string to_markdown() const;
  // Page count of the last render_pdf() layout (0 before).
  std::size_t pages() const { return pages_; }

  struct TitleBlock {
    std::string title, subtitle, body;
  };
  struct TocBlock {};
  struct HeadingBlock {
    int level;
    std::string text;
    std::string number;  // "2.1"
  };
  struct ParagraphBlock {
    std::string markup;
  };
  struct ListBlock {
    std::vector<std::string> items;
    bool tick_boxes;
  };
  struct FigureBlock {
    Figure figure;
    std::string caption;
  };
  struct DiagramBlock {
    Diagram diagram;
    std::string caption;
  };
  struct SignOffBlock {
    std::vector<std::string> roles;
  };
  struct PageBreakBlock {};
  using Block = std::variant<TitleBlock, TocBlock, HeadingBlock, ParagraphBlock, ListBlock, Table,
                             FigureBlock, DiagramBlock, SignOffBlock, PageBreakBlock>;

 private:
  DocumentInfo info_;
  std::vector<Block> blocks_;
  int h1_ = 0;
  int h2_ = 0;
  int figures_ = 0;
  mutable std::size_t pages_ = 0;
};

// Escapes &, < and > for pango markup.
std::string escape_markup(const std::string& text);

}  // namespace css::report

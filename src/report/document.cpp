// Document blocks and their Markdown (document.hpp). The PDF layout is in document_pdf.cpp.
#include "css/report/document.hpp"

#include <sstream>

namespace css::report {

std::string escape_markup(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '&')
      out += "&amp;";
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else
      out += c;
  }
  return out;
}

Document::Document(DocumentInfo info) : info_(std::move(info)) {}

void Document::title_page(std::string title, std::string subtitle, std::string body) {
  blocks_.emplace_back(TitleBlock{std::move(title), std::move(subtitle), std::move(body)});
}
void Document::table_of_contents() {
  blocks_.emplace_back(TocBlock{});
}
void Document::heading(int level, std::string text) {
  std::string number;
  if (level <= 1) {
    ++h1_;
    h2_ = 0;
    number = std::to_string(h1_);
  } else {
    ++h2_;
    number = std::to_string(h1_) + "." + std::to_string(h2_);
  }
  blocks_.emplace_back(HeadingBlock{level <= 1 ? 1 : 2, std::move(text), number});
}
void Document::paragraph(std::string markup) {
  blocks_.emplace_back(ParagraphBlock{std::move(markup)});
}
void Document::bullets(std::vector<std::string> items) {
  blocks_.emplace_back(ListBlock{std::move(items), false});
}
void Document::tick_boxes(std::vector<std::string> items) {
  blocks_.emplace_back(ListBlock{std::move(items), true});
}
void Document::table(Table t) {
  blocks_.emplace_back(std::move(t));
}
void Document::figure(Figure f, std::string caption) {
  ++figures_;
  blocks_.emplace_back(
      FigureBlock{std::move(f), "Figure " + std::to_string(figures_) + ". " + caption});
}
void Document::diagram(Diagram d, std::string caption) {
  ++figures_;
  blocks_.emplace_back(
      DiagramBlock{std::move(d), "Figure " + std::to_string(figures_) + ". " + caption});
}
void Document::sign_off(std::vector<std::string> roles) {
  blocks_.emplace_back(SignOffBlock{std::move(roles)});
}
void Document::page_break() {
  blocks_.emplace_back(PageBreakBlock{});
}

namespace {

// Pango markup → Markdown: bold and italic kept, other tags dropped, entities decoded.
std::string markdown_of(const std::string& markup) {
  std::string out;
  for (std::size_t i = 0; i < markup.size();) {
    if (markup[i] == '<') {
      const auto end = markup.find('>', i);
      if (end == std::string::npos) break;
      const std::string tag = markup.substr(i + 1, end - i - 1);
      if (tag == "b" || tag == "/b") out += "**";
      if (tag == "i" || tag == "/i") out += "*";
      if (tag == "tt" || tag == "/tt") out += "`";
      i = end + 1;
    } else if (markup.compare(i, 5, "&amp;") == 0) {
      out += '&', i += 5;
    } else if (markup.compare(i, 4, "&lt;") == 0) {
      out += '<', i += 4;
    } else if (markup.compare(i, 4, "&gt;") == 0) {
      out += '>', i += 4;
    } else {
      out += markup[i++];
    }
  }
  return out;
}

std::string cell_md(const std::string& markup) {
  std::string s = markdown_of(markup);
  std::string out;
  for (char c : s)
    out += c == '|' ? std::string("\\|") : c == '\n' ? std::string(" ") : std::string(1, c);
  return out;
}

}  // namespace

std::string Document::to_markdown() const {
  std::ostringstream md;
  for (const auto& b : blocks_) {
    if (const auto* t = std::get_if<TitleBlock>(&b)) {
      md << "# " << t->title << "\n\n";
      if (!t->subtitle.empty()) md << "*" << t->subtitle << "*\n\n";
      if (!t->body.empty()) md << markdown_of(t->body) << "\n\n";
    } else if (const auto* h = std::get_if<HeadingBlock>(&b)) {
      md << (h->level == 1 ? "## " : "### ") << h->number << " " << h->text << "\n\n";
    } else if (const auto* p = std::get_if<ParagraphBlock>(&b)) {
      md << markdown_of(p->markup) << "\n\n";
    } else if (const auto* l = std::get_if<ListBlock>(&b)) {
      for (const auto& item : l->items)
        md << (l->tick_boxes ? "- [ ] " : "- ") << markdown_of(item) << "\n";
      md << "\n";
    } else if (const auto* tb = std::get_if<Table>(&b)) {
      md << "|" << (tb->tick_boxes ? " ✓ |" : "");
      for (const auto& h2 : tb->header) md << " " << cell_md(h2) << " |";
      md << "\n|" << (tb->tick_boxes ? "---|" : "");
      for (std::size_t i = 0; i < tb->header.size(); ++i) md << "---|";
      md << "\n";
      for (const auto& row : tb->rows) {
        md << "|" << (tb->tick_boxes ? " [ ] |" : "");
        for (const auto& c : row) md << " " << cell_md(c) << " |";
        md << "\n";
      }
      md << "\n";
    } else if (const auto* f = std::get_if<FigureBlock>(&b)) {
      md << "*" << markdown_of(f->caption) << "* (see the PDF)\n\n";
    } else if (const auto* d = std::get_if<DiagramBlock>(&b)) {
      md << "*" << markdown_of(d->caption) << "* (see the PDF)\n\n";
    } else if (const auto* s = std::get_if<SignOffBlock>(&b)) {
      md << "| Role | Name | Signature | Date |\n|---|---|---|---|\n";
      for (const auto& r : s->roles) md << "| " << r << " | | | |\n";
      md << "\n";
    }
  }
  return md.str();
}

}  // namespace css::report

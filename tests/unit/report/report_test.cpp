// css::report: tick placement, formats, the charts' parsers of untrusted JSON/GeoJSON, and
// figures rendered to all three formats (PDF checked with pdftoppm, SVG with xmllint).
#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "css/core/file_io.hpp"
#include "css/report/charts.hpp"
#include "css/report/document.hpp"
#include "css/report/figure.hpp"
#include "poppler_support.hpp"

namespace {

namespace fs = std::filesystem;
using css::report::Figure;
using css::report::Format;

class ReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("css-report-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

Figure line_figure() {
  Figure f;
  f.title = "Two lines";
  css::report::Axes a;
  a.title = "panel";
  a.xlabel = "time (s)";
  a.ylabel = "value";
  css::report::Series s;
  s.label = "sine";
  for (int i = 0; i < 100; ++i) {
    s.x.push_back(i * 0.1);
    s.y.push_back(std::sin(i * 0.1));
  }
  a.series.push_back(s);
  s.label = "gap";
  s.y[50] = NAN;  // a gap, not a zero
  a.series.push_back(s);
  f.panels.push_back(a);
  return f;
}

std::string hex_geojson() {
  std::string s = R"({"type":"FeatureCollection","features":[)";
  for (int i = 0; i < 6; ++i) {
    const double lon = -46.63 + 0.002 * i;
    const double lat = -23.55;
    std::string ring = "[";
    for (int k = 0; k < 6; ++k) {
      const double a = k * M_PI / 3;
      ring += (k ? "," : "") + std::string("[") + std::to_string(lon + 0.001 * std::cos(a)) + "," +
              std::to_string(lat + 0.001 * std::sin(a)) + "]";
    }
    ring += "]";
    s += (i ? "," : "") + std::string(R"({"type":"Feature","geometry":{"type":"Polygon",)") +
         R"("coordinates":[)" + ring + R"(]},"properties":{"z":)" + std::to_string(i * 0.8 - 1) +
         R"(,"count":)" + std::to_string(i) + "}}";
  }
  return s + "]}";
}

TEST(NiceTicks, CoverTheRangeWithRoundSteps) {
  const auto t = css::report::nice_ticks(0.0, 1.0, 5);
  ASSERT_FALSE(t.values.empty());
  EXPECT_DOUBLE_EQ(t.values.front(), 0.0);
  EXPECT_DOUBLE_EQ(t.values.back(), 1.0);
  EXPECT_EQ(t.decimals, 1);
  const auto big = css::report::nice_ticks(-13.0, 87.0, 5);
  for (double v : big.values) EXPECT_EQ(std::fmod(v, 20.0), 0.0) << v;
  EXPECT_EQ(big.decimals, 0);
  EXPECT_TRUE(css::report::nice_ticks(1.0, 1.0).values.empty());
  EXPECT_TRUE(css::report::nice_ticks(0.0, NAN).values.empty());
}

TEST(Format, FromTheExtension) {
  EXPECT_EQ(*css::report::format_for("a/b.PDF"), Format::kPdf);
  EXPECT_EQ(*css::report::format_for("b.svg"), Format::kSvg);
  EXPECT_EQ(*css::report::format_for("b.png"), Format::kPng);
  auto bad = css::report::format_for("b.jpg");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("expected .pdf, .svg or .png"), std::string::npos);
}

TEST_F(ReportTest, OneFigureRendersToPdfSvgAndPngWithInk) {
  const Figure f = line_figure();
  for (const char* name : {"f.pdf", "f.svg", "f.png"})
    ASSERT_TRUE(css::report::save(f, dir_ / name).ok()) << name;
  // PDF: one page, not blank, fonts embedded.
  EXPECT_EQ(css::testing::pdf_pages(dir_ / "f.pdf"), 1);
  const auto ink = css::testing::ink_per_page(dir_ / "f.pdf", dir_ / "pages");
  ASSERT_EQ(ink.size(), 1U);
  EXPECT_GT(ink[0], 0.01);
  const std::string fonts = css::testing::shell("pdffonts '" + (dir_ / "f.pdf").string() + "'");
  EXPECT_NE(fonts.find("DejaVu"), std::string::npos) << fonts;
  EXPECT_EQ(fonts.find(" no  "), std::string::npos) << "a font is not embedded:\n" << fonts;
  // SVG parses as XML.
  int rc = -1;
  css::testing::shell("xmllint --noout '" + (dir_ / "f.svg").string() + "'", &rc);
  EXPECT_EQ(rc, 0);
  // PNG: the signature and a size of 7 × 4.5 in at 150 dpi.
  auto png = css::io::read_file(dir_ / "f.png");
  ASSERT_TRUE(png.ok());
  ASSERT_GT(png->size(), 24U);
  EXPECT_EQ(static_cast<unsigned char>((*png)[1]), 'P');
  const auto be32 = [&](std::size_t at) {
    return (static_cast<unsigned>((*png)[at]) << 24) |
           (static_cast<unsigned>((*png)[at + 1]) << 16) |
           (static_cast<unsigned>((*png)[at + 2]) << 8) | static_cast<unsigned>((*png)[at + 3]);
  };
  EXPECT_EQ(be32(16), 1050U);
  EXPECT_EQ(be32(20), 675U);
}

TEST_F(ReportTest, BadFiguresAreRefusedNotDrawn) {
  Figure f = line_figure();
  f.panels[0].series[0].y.pop_back();
  auto r = css::report::render(f, Format::kPdf);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("has 100 x and 99 y values"), std::string::npos);
  Figure empty;
  EXPECT_FALSE(css::report::render(empty, Format::kPng).ok());
  EXPECT_FALSE(css::report::save(line_figure(), dir_ / "f.gif").ok());
  EXPECT_FALSE(fs::exists(dir_ / "f.gif"));
}

TEST_F(ReportTest, HotspotsAndFlowsFromGeoJson) {
  auto hot = css::report::hotspots_figure(hex_geojson(), "hot.geojson");
  ASSERT_TRUE(hot.ok()) << hot.error().message;
  ASSERT_TRUE(hot->panels[0].polygons.has_value());
  EXPECT_EQ(hot->panels[0].polygons->polygons.size(), 6U);
  EXPECT_NEAR(hot->panels[0].polygons->polygons[5].value, 3.0, 1e-9);  // z, not count
  ASSERT_TRUE(css::report::save(*hot, dir_ / "hot.pdf").ok());
  EXPECT_GT(css::testing::ink_per_page(dir_ / "hot.pdf", dir_ / "p")[0], 0.02);

  const std::string flows =
      R"({"type":"FeatureCollection","features":[
      {"type":"Feature","geometry":{"type":"Point","coordinates":[-46.63,-23.55]},"properties":{"vx":1.0,"vy":0.5}},
      {"type":"Feature","geometry":{"type":"Point","coordinates":[-46.62,-23.55]},"properties":{"vx":-0.2,"vy":1.5}}]})";
  auto fl = css::report::flows_figure(flows, "flows.geojson");
  ASSERT_TRUE(fl.ok()) << fl.error().message;
  ASSERT_TRUE(fl->panels[0].quiver.has_value());
  EXPECT_EQ(fl->panels[0].quiver->u.size(), 2U);
  EXPECT_TRUE(css::report::save(*fl, dir_ / "flows.svg").ok());

  // What `citysafe flows` writes: cell polygons with east_mps/north_mps; the arrow starts at
  // the ring's mean vertex.
  const std::string cells =
      R"({"type":"FeatureCollection","features":[
      {"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[-46.64,-23.56],[-46.62,-23.56],[-46.62,-23.54],[-46.64,-23.54],[-46.64,-23.56]]]},"properties":{"east_mps":0.3,"north_mps":-0.4}},
      {"type":"Feature","geometry":{"type":"Point","coordinates":[-46.60,-23.55]},"properties":{"east_mps":0.1,"north_mps":0.2}}]})";
  auto fc = css::report::flows_figure(cells, "cells.geojson");
  ASSERT_TRUE(fc.ok()) << fc.error().message;
  ASSERT_TRUE(fc->panels[0].quiver.has_value());
  EXPECT_DOUBLE_EQ(fc->panels[0].quiver->u[0], 0.3);
  EXPECT_DOUBLE_EQ(fc->panels[0].quiver->v[0], -0.4);
  // The polygon's centre (-46.63) lies 0.03 deg of longitude west of the point: x0 < x1.
  EXPECT_LT(fc->panels[0].quiver->x[0], fc->panels[0].quiver->x[1]);
}

TEST(Charts, UntrustedInputIsRefusedNamingTheField) {
  const auto msg = [](const css::Result<Figure>& r) {
    return r.ok() ? std::string("(accepted)") : r.error().message;
  };
  EXPECT_NE(msg(css::report::hotspots_figure("{", "h.geojson")).find("h.geojson: not valid JSON"),
            std::string::npos);
  EXPECT_NE(
      msg(css::report::hotspots_figure(R"({"type":"Feature"})", "h")).find("FeatureCollection"),
      std::string::npos);
  EXPECT_NE(
      msg(css::report::flows_figure(
              R"({"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[500,1]},"properties":{"vx":1,"vy":1}}]})",
              "f"))
          .find("features[0].geometry.coordinates: expected lon in [-180, 180]"),
      std::string::npos);
  EXPECT_NE(
      msg(css::report::flows_figure(
              R"({"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[1,1]},"properties":{"vx":"fast","vy":1}}]})",
              "f"))
          .find("features[0].properties.vx: expected a number"),
      std::string::npos);
  // A "type" that is not a string (found by fuzz_report_json in CI) is refused, not thrown.
  const std::string numeric_type =
      R"({"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":-0.4}}]})";
  EXPECT_NE(msg(css::report::flows_figure(numeric_type, "f")).find("expected a Point or a Polygon"),
            std::string::npos);
  EXPECT_NE(msg(css::report::hotspots_figure(numeric_type, "h")).find("expected a Polygon"),
            std::string::npos);
  EXPECT_NE(msg(css::report::hotspots_figure(R"({"type":7,"features":[]})", "h"))
                .find("FeatureCollection"),
            std::string::npos);
  EXPECT_NE(
      msg(css::report::confusion_figure(R"({"engine_int8":{"confusion":[[1,2],[3]]}})", "m.json"))
          .find("m.json: engine_int8.confusion: expected 2×2 numbers"),
      std::string::npos);
  EXPECT_NE(msg(css::report::confusion_figure(R"({"a":1})", "m.json")).find("no confusion matrix"),
            std::string::npos);
  EXPECT_NE(msg(css::report::training_figure(R"({"history":[{"epoch":1,"loss":"x"}]})", "t.json"))
                .find("t.json: history[0].loss: expected a number"),
            std::string::npos);
}

TEST(Charts, ConfusionRowsAreNormalisedToPercent) {
  auto f = css::report::confusion_figure(
      R"({"window":{"accuracy":0.75,"macro_f1":0.7,"confusion":[[3,1],[0,4]]}})", "eval.json",
      "engine_int8");
  ASSERT_TRUE(f.ok()) << f.error().message;
  const auto& h = *f->panels[0].heatmap;
  EXPECT_DOUBLE_EQ(h.values[0], 75.0);
  EXPECT_DOUBLE_EQ(h.values[1], 25.0);
  EXPECT_DOUBLE_EQ(h.values[3], 100.0);
  EXPECT_NE(f->title.find("8 windows"), std::string::npos) << f->title;
}

TEST_F(ReportTest, DocumentPaginatesWithContentsAndPageNumbers) {
  css::report::Document d({"Test document", "tests", "subject", "k", "report_test"});
  d.title_page("Test document", "subtitle", "body");
  d.table_of_contents();
  for (int s = 0; s < 4; ++s) {
    d.heading(1, "Section " + std::to_string(s + 1));
    for (int p = 0; p < 12; ++p)
      d.paragraph("Paragraph " + std::to_string(p) +
                  " lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod "
                  "tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam.");
  }
  d.figure(line_figure(), "a figure");
  auto pdf = d.render_pdf();
  ASSERT_TRUE(pdf.ok()) << pdf.error().message;
  ASSERT_TRUE(css::io::write_file(dir_ / "d.pdf", *pdf).ok());
  const int pages = css::testing::pdf_pages(dir_ / "d.pdf");
  EXPECT_EQ(pages, static_cast<int>(d.pages()));
  EXPECT_GE(pages, 5);
  const std::string text = css::testing::pdf_text(dir_ / "d.pdf");
  EXPECT_NE(text.find("Page 3 of " + std::to_string(pages)), std::string::npos);
  EXPECT_NE(text.find("Contents"), std::string::npos);
  const std::string info = css::testing::shell("pdfinfo '" + (dir_ / "d.pdf").string() + "'");
  const auto title = info.find("Title:");
  ASSERT_NE(title, std::string::npos) << info;
  EXPECT_EQ(info.find("Test document", title), info.find_first_not_of(' ', title + 6)) << info;
  for (double ink : css::testing::ink_per_page(dir_ / "d.pdf", dir_ / "p")) EXPECT_GT(ink, 0.001);
  const std::string md = d.to_markdown();
  EXPECT_NE(md.find("## 4 Section 4"), std::string::npos);
}

}  // namespace

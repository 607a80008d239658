// The real binary: `citysafe figures`, `whitepaper`, `checklist` and `power`, read back with
// poppler. The whitepaper's text must hold the numbers of the metrics.json it was made from
// (so it cannot drift from the data), and every page of every PDF must carry ink.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "cli_runner.hpp"
#include "css/power/budget.hpp"
#include "poppler_support.hpp"

namespace {

namespace fs = std::filesystem;
using css::testing::run_citysafe;

fs::path src() {
  const char* d = std::getenv("CSS_SOURCE_DIR");
  return d != nullptr ? d : ".";
}

std::string q(const fs::path& p) {
  return "'" + p.string() + "'";
}

class ReportCli : public css::testing::TempDirTest {};

TEST_F(ReportCli, FiguresExportsEveryChartAsPdfAndPng) {
  const auto r = run_citysafe("figures --out " + q(dir_ / "figs") + " --metrics " +
                              q(src() / "models/default.metrics.json") + " --log " +
                              q(src() / "models/default.train_metrics.json"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  for (const char* name : {"confusion", "training", "overlay", "sequence"}) {
    const fs::path pdf = dir_ / "figs" / (std::string(name) + ".pdf");
    ASSERT_TRUE(fs::exists(pdf)) << name;
    ASSERT_TRUE(fs::exists(dir_ / "figs" / (std::string(name) + ".png"))) << name;
    EXPECT_EQ(css::testing::pdf_pages(pdf), 1) << name;
    const auto ink = css::testing::ink_per_page(pdf, dir_ / ("pages-" + std::string(name)));
    ASSERT_EQ(ink.size(), 1U);
    EXPECT_GT(ink[0], 0.02) << name << " looks blank";
  }
}

TEST_F(ReportCli, PlotRefusesBadInputWithExitTwo) {
  auto r = run_citysafe("plot confusion --metrics /nonexistent.json --out " + q(dir_ / "c.pdf"));
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("/nonexistent.json"), std::string::npos) << r.out;
  r = run_citysafe("plot overlay --scenarios walking,flying --out " + q(dir_ / "o.png"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("unknown scenario 'flying'"), std::string::npos) << r.out;
  r = run_citysafe("plot training --log " + q(src() / "models/default.train_metrics.json") +
                   " --out " + q(dir_ / "t.bmp"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(files_in_dir(), 0U);
}

TEST_F(ReportCli, WhitepaperHoldsTheNumbersOfItsMetrics) {
  const fs::path metrics = src() / "models/default.metrics.json";
  const fs::path pdf = dir_ / "whitepaper.pdf";
  const auto r = run_citysafe("whitepaper --out " + q(pdf) + " --metrics " + q(metrics) +
                              " --log " + q(src() / "models/default.train_metrics.json") +
                              " --node " + q(src() / "deploy/node.toml"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const int pages = css::testing::pdf_pages(pdf);
  EXPECT_NE(r.out.find("(" + std::to_string(pages) + " pages)"), std::string::npos) << r.out;
  EXPECT_GE(pages, 6);  // title, contents and at least four pages of sections
  const auto ink = css::testing::ink_per_page(pdf, dir_ / "pages");
  ASSERT_EQ(static_cast<int>(ink.size()), pages);
  for (std::size_t i = 0; i < ink.size(); ++i) EXPECT_GT(ink[i], 0.002) << "page " << i + 1;

  std::ifstream in(metrics);
  const auto m = nlohmann::json::parse(in);
  const std::string text = css::testing::pdf_text(pdf);
  using css::power::format_number;
  for (const auto& [value, decimals] :
       std::vector<std::pair<double, int>>{{m["engine_int8"]["accuracy"].get<double>(), 4},
                                           {m["engine_int8"]["macro_f1"].get<double>(), 4},
                                           {m["engine_float"]["macro_f1"].get<double>(), 4},
                                           {m["parameters"].get<double>(), 0},
                                           {m["bytes"].get<double>(), 0},
                                           {m["window_arena_bytes_int8"].get<double>(), 0},
                                           {m["real"]["hapt"]["accuracy_context"].get<double>(), 4},
                                           {m["real"]["all"]["hours"].get<double>(), 2}}) {
    const std::string s = format_number(value, decimals);
    EXPECT_NE(text.find(s), std::string::npos) << s << " (from metrics.json) is not in the PDF";
  }
  const std::string info = css::testing::shell("pdfinfo " + q(pdf));
  EXPECT_NE(info.find("CitySafeSense: privacy-preserving"), std::string::npos) << info;
  EXPECT_NE(text.find("Contents"), std::string::npos);
  EXPECT_NE(text.find("Page 2 of " + std::to_string(pages)), std::string::npos);
}

TEST_F(ReportCli, ChecklistPdfAndMarkdownCarryTheNodesFigures) {
  const auto r = run_citysafe("checklist --node " + q(src() / "deploy/node.toml") + " --out " +
                              q(dir_ / "c.pdf") + " --markdown " + q(dir_ / "c.md"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const int pages = css::testing::pdf_pages(dir_ / "c.pdf");
  EXPECT_GE(pages, 4);
  for (double ink : css::testing::ink_per_page(dir_ / "c.pdf", dir_ / "pages"))
    EXPECT_GT(ink, 0.002);
  const std::string text = css::testing::pdf_text(dir_ / "c.pdf");
  for (const char* s : {"34,000 mAh", "2.400", "0x44", "0x68", "GPIO2", "Sign-off", "4S3P"})
    EXPECT_NE(text.find(s), std::string::npos) << s;
  std::ifstream md(dir_ / "c.md");
  const std::string mds((std::istreambuf_iterator<char>(md)), std::istreambuf_iterator<char>());
  EXPECT_NE(mds.find("- [ ] "), std::string::npos);
  EXPECT_NE(mds.find("| [ ] | Raspberry Pi 4"), std::string::npos);
  EXPECT_NE(mds.find("≥ 34,000 mAh"), std::string::npos);
}

TEST_F(ReportCli, PowerPrintsTheSeedsExampleAndRefusesBadValues) {
  auto r = run_citysafe("power --node " + q(src() / "deploy/node.toml"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  for (const char* s : {"= 2.400 A", "= 12.000 W", "= 144.000 Wh", "= 28,800 mAh",
                        "= 33,882.35 mAh", "≥ 34,000 mAh"})
    EXPECT_NE(r.out.find(s), std::string::npos) << s;
  std::ofstream(dir_ / "bad.toml") << "[node]\nbus_voltage_v = 5\nruntime_h = -3\n"
                                      "converter_efficiency = 0.85\n[[component]]\nname = \"a\"\n"
                                      "peak_a = 1\n";
  r = run_citysafe("power --node " + q(dir_ / "bad.toml"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("node.runtime_h: expected a number in (0, 87600] h, got -3"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(css::testing::line_count(r.out), 1);
}

}  // namespace

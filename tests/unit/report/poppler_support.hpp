// Test helpers: run a shell command and capture stdout; rasterise a PDF with pdftoppm and tell
// how much of each page is ink (not white); read a PDF's page count and text with poppler.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace css::testing {

inline std::string shell(const std::string& cmd, int* exit_code = nullptr) {
  FILE* pipe = popen((cmd + " 2>&1").c_str(), "r");
  std::string out;
  if (pipe == nullptr) return out;
  std::array<char, 4096> buf{};
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), pipe)) out.append(buf.data(), n);
  const int st = pclose(pipe);
  if (exit_code != nullptr) *exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return out;
}

inline int pdf_pages(const std::filesystem::path& pdf) {
  const std::string info = shell("pdfinfo '" + pdf.string() + "'");
  const auto at = info.find("Pages:");
  return at == std::string::npos ? -1 : std::stoi(info.substr(at + 6));
}

inline std::string pdf_text(const std::filesystem::path& pdf) {
  return shell("pdftotext -layout '" + pdf.string() + "' -");
}

// Share of non-white pixels of each page (pdftoppm -gray at 20 dpi, binary PGM files).
inline std::vector<double> ink_per_page(const std::filesystem::path& pdf,
                                        const std::filesystem::path& work) {
  std::filesystem::create_directories(work);
  shell("pdftoppm -r 20 -gray '" + pdf.string() + "' '" + (work / "p").string() + "'");
  std::vector<std::filesystem::path> pages;
  for (const auto& e : std::filesystem::directory_iterator(work))
    if (e.path().extension() == ".pgm") pages.push_back(e.path());
  std::sort(pages.begin(), pages.end());
  std::vector<double> ink;
  for (const auto& p : pages) {
    std::ifstream in(p, std::ios::binary);
    std::string magic;
    int w = 0;
    int h = 0;
    int maxv = 0;
    in >> magic >> w >> h >> maxv;
    in.get();
    std::vector<unsigned char> px(static_cast<std::size_t>(w) * h);
    in.read(reinterpret_cast<char*>(px.data()), static_cast<std::streamsize>(px.size()));
    std::size_t dark = 0;
    for (unsigned char v : px) dark += v < 200;
    ink.push_back(px.empty() ? 0.0 : static_cast<double>(dark) / static_cast<double>(px.size()));
  }
  return ink;
}

}  // namespace css::testing

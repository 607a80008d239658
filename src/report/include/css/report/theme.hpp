// The house theme of every figure and document: one font family, one set of sizes and the
// Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design"), distinguishable under the
// common colour-vision deficiencies; heat maps use viridis (van der Walt & Smith), which is
// perceptually uniform and readable in grey. Colours are sRGB in [0, 1].
#pragma once

#include <cstddef>
#include <string_view>

namespace css::report {

struct Color {
  double r = 0.0;
  double g = 0.0;
  double b = 0.0;
  double a = 1.0;
};

constexpr Color rgb255(int r, int g, int b) {
  return {r / 255.0, g / 255.0, b / 255.0, 1.0};
}

namespace okabe_ito {
inline constexpr Color kOrange = rgb255(230, 159, 0);
inline constexpr Color kSkyBlue = rgb255(86, 180, 233);
inline constexpr Color kBluishGreen = rgb255(0, 158, 115);
inline constexpr Color kYellow = rgb255(240, 228, 66);
inline constexpr Color kBlue = rgb255(0, 114, 178);
inline constexpr Color kVermillion = rgb255(213, 94, 0);
inline constexpr Color kReddishPurple = rgb255(204, 121, 167);
inline constexpr Color kBlack = rgb255(0, 0, 0);
}  // namespace okabe_ito

// The i-th series colour (Okabe–Ito without black, blue first; cycles after 7).
Color series_color(std::size_t i);
// Viridis at t in [0, 1] (clamped).
Color viridis(double t);
// Black or white, whichever reads better on `background`.
Color text_on(Color background);

struct Theme {
  std::string_view font = "DejaVu Sans";
  std::string_view serif = "DejaVu Serif";
  std::string_view mono = "DejaVu Sans Mono";
  double tick_pt = 8.0;
  double label_pt = 9.0;
  double title_pt = 10.5;
  double figure_title_pt = 12.0;
  double line_width_pt = 1.4;
  Color ink = rgb255(34, 34, 34);
  Color frame = rgb255(80, 80, 80);
  Color grid = rgb255(228, 228, 228);
  Color paper = rgb255(255, 255, 255);
};

const Theme& house_theme();

}  // namespace css::report

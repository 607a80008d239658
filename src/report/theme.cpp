// The house palette and colour map (theme.hpp).
#include "css/report/theme.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace css::report {

Color series_color(std::size_t i) {
  static constexpr std::array<Color, 7> kCycle = {okabe_ito::kBlue,          okabe_ito::kOrange,
                                                  okabe_ito::kBluishGreen,   okabe_ito::kVermillion,
                                                  okabe_ito::kReddishPurple, okabe_ito::kSkyBlue,
                                                  okabe_ito::kYellow};
  return kCycle[i % kCycle.size()];
}

Color viridis(double t) {
  // Viridis sampled at 9 evenly spaced points (matplotlib's table), linearly interpolated.
  static constexpr std::array<Color, 9> kStops = {
      rgb255(68, 1, 84),    rgb255(71, 45, 123),  rgb255(59, 82, 139),
      rgb255(44, 114, 142), rgb255(33, 145, 140), rgb255(39, 173, 129),
      rgb255(92, 200, 99),  rgb255(170, 220, 50), rgb255(253, 231, 37)};
  if (!std::isfinite(t)) t = 0.0;
  t = std::clamp(t, 0.0, 1.0) * (kStops.size() - 1);
  const auto i = std::min<std::size_t>(static_cast<std::size_t>(t), kStops.size() - 2);
  const double f = t - static_cast<double>(i);
  const Color& a = kStops[i];
  const Color& b = kStops[i + 1];
  return {a.r + (b.r - a.r) * f, a.g + (b.g - a.g) * f, a.b + (b.b - a.b) * f, 1.0};
}

Color text_on(Color bg) {
  const double luminance = 0.2126 * bg.r + 0.7152 * bg.g + 0.0722 * bg.b;
  return luminance > 0.45 ? rgb255(0, 0, 0) : rgb255(255, 255, 255);
}

const Theme& house_theme() {
  static const Theme kTheme{};
  return kTheme;
}

}  // namespace css::report

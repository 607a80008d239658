// libFuzzer target for the chart parsers of css::report (metrics.json, train_metrics.json,
// flow and hotspot GeoJSON): any bytes give a Figure or an Error with a message, never a crash.
// Figures are built, not rendered (rendering is tested in tests/unit/report).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "css/report/charts.hpp"

namespace {
template <typename R>
void check(const R& r) {
  if (!r.ok() && r.error().message.empty()) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check(css::report::confusion_figure(text, "fuzz", "engine_int8"));
  check(css::report::training_figure(text, "fuzz"));
  check(css::report::flows_figure(text, "fuzz"));
  check(css::report::hotspots_figure(text, "fuzz"));
  return 0;
}

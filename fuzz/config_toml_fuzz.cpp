// libFuzzer target for Config::load_toml_string (citysafe generate --config): any bytes load
// every value in its declared range, or give an Error with a message and change nothing;
// never a crash or an escaping exception.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "css/core/config.hpp"
#include "css/sim/settings.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  css::Config cfg(css::sim::sim_settings());
  const std::string before = cfg.describe();
  auto st = cfg.load_toml_string(text, "fuzz.toml");
  if (!st.ok()) {
    if (st.error().message.empty() || cfg.describe() != before) std::abort();
    for (std::size_t i = 0; i < cfg.specs().size(); ++i)
      if (!cfg.is_default(cfg.specs()[i].name)) std::abort();
    return 0;
  }
  for (const css::SettingSpec& spec : cfg.specs()) {
    double v = 0.0;
    if (spec.type == css::SettingType::kInt) v = static_cast<double>(cfg.get_int(spec.name));
    if (spec.type == css::SettingType::kDouble) v = cfg.get_double(spec.name);
    if (!(v >= spec.min && v <= spec.max)) std::abort();
  }
  return 0;
}

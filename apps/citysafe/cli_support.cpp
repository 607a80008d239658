#include "cli_support.hpp"

#include <signal.h>

#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>
#include <iostream>

#include "css/core/config.hpp"
#include "css/core/file_io.hpp"
#include "css/core/settings.hpp"
#include "css/data/dataset.hpp"
#include "css/data/import_real.hpp"

namespace css::cli {

void print_error(const std::string& message) {
  std::string line;
  for (const char c : message) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n') {
      line += "\\n";
    } else if (u < 0x20 || u == 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", u);
      line += hex;
    } else {
      line += c;
    }
  }
  std::cerr << "citysafe: error: " << line << '\n';
}

CLI::Validator finite_range(double lo, double hi) {
  const std::string range =
      "[" + CLI::detail::to_string(lo) + ", " + CLI::detail::to_string(hi) + "]";
  return CLI::Validator(
      [lo, hi, range](std::string& text) -> std::string {
        double v = 0.0;
        if (!CLI::detail::lexical_cast(text, v) || !std::isfinite(v) || v < lo || v > hi)
          return "expected a number in " + range + ", got '" + text + "'";
        return {};
      },
      "FLOAT in " + range);
}

int report(const Error& error) {
  print_error(error.message);
  return error.code == ErrorCode::kIo ? kExitFailure : kExitUsage;
}

Status check_outputs(std::span<const OutputArg> outputs,
                     std::span<const std::filesystem::path> inputs) {
  std::vector<std::filesystem::path> checked;
  for (const OutputArg& o : outputs) {
    checked.push_back(o.path);
    if (auto st = io::check_outputs(checked, inputs); !st)
      return make_error(st.error().code, std::string(o.flag) + ": " + st.error().message);
  }
  return Ok{};
}

std::vector<std::filesystem::path> dataset_files(const std::filesystem::path& npy) {
  if (npy.empty()) return {};
  return {npy, data::labels_path_for(npy), data::sidecar_path_for(npy),
          data::real_index_path_for(npy)};
}

Status apply_aliases(Config& cfg, std::span<const FlagAlias> aliases,
                     std::span<const std::optional<std::string>> values) {
  for (std::size_t i = 0; i < aliases.size() && i < values.size(); ++i) {
    if (!values[i]) continue;
    if (auto st = cfg.set(aliases[i].setting, *values[i]); !st)
      return make_error(st.error().code, std::string(aliases[i].flag) + ": " + st.error().message);
  }
  return Ok{};
}

std::string setting_help(std::span<const SettingsTable> tables, std::string_view setting) {
  for (const SettingsTable& t : tables)
    for (const SettingSpec& spec : t.specs) {
      if (spec.name != setting) continue;
      std::string help = std::string(spec.doc) + " (" + std::string(spec.name);
      if (!spec.default_value.empty()) {
        help += ", default " + std::string(spec.default_value);
        if (!spec.unit.empty()) help += " " + std::string(spec.unit);
      }
      return help + ")";
    }
  return std::string(setting);
}

Error name_flag(Error error, std::span<const FlagAlias> flags) {
  for (const FlagAlias& f : flags) {
    const std::string_view setting(f.setting);
    const std::size_t dot = setting.find('.');
    const std::string_view field =
        dot == std::string_view::npos ? setting : setting.substr(dot + 1);
    for (std::string_view name : {setting, field}) {
      const std::string prefix = std::string(name) + ": ";
      if (error.message.rfind(prefix, 0) != 0) continue;
      error.message = std::string(f.flag) + " (" + std::string(setting) +
                      "): " + error.message.substr(prefix.size());
      return error;
    }
  }
  return error;
}

namespace {
// Lock-free atomics are async-signal-safe.
std::atomic<bool> g_stop{false};
std::atomic<bool> g_reload{false};
static_assert(std::atomic<bool>::is_always_lock_free);
extern "C" void css_on_stop_signal(int) {
  g_stop.store(true);
}
extern "C" void css_on_hup_signal(int) {
  g_reload.store(true);
}
}  // namespace

SignalFlags install_signal_flags() {
  struct sigaction stop {};
  stop.sa_handler = css_on_stop_signal;
  sigemptyset(&stop.sa_mask);
  ::sigaction(SIGINT, &stop, nullptr);
  ::sigaction(SIGTERM, &stop, nullptr);
  struct sigaction hup {};
  hup.sa_handler = css_on_hup_signal;
  hup.sa_flags = SA_RESTART;
  sigemptyset(&hup.sa_mask);
  ::sigaction(SIGHUP, &hup, nullptr);
  return {g_stop, g_reload};
}

}  // namespace css::cli

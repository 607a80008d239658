// Shared conventions of every citysafe subcommand: exit codes and the one-line
// error format. Subcommands register themselves on the root CLI::App and run
// through a callback that returns an exit code.
#pragma once

#include <atomic>

#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "css/core/result.hpp"

namespace css {
class Config;
struct SettingsTable;
}  // namespace css

namespace CLI {
class App;
class Validator;
}  // namespace CLI

namespace css::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // the command ran and failed (I/O at run time)
inline constexpr int kExitUsage = 2;    // bad input: arguments, files, values

// Prints "citysafe: error: <message>" on one line to stderr: control characters a message
// quotes from the input (a newline in a --name) are shown escaped (\n, \xNN), never obeyed.
void print_error(const std::string& message);

// For floating-point options instead of CLI::Range, which lets NaN through (NaN compares false
// with both bounds): accepts a finite number in [lo, hi], refuses nan, inf and text.
CLI::Validator finite_range(double lo, double hi);
// Maps a library error to an exit code (I/O and memory → 1, bad input → 2) and prints it.
int report(const Error& error);

// An output file a command will write, with the flag that named it (for error messages).
struct OutputArg {
  const char* flag;
  std::filesystem::path path;
};
// Checks every output before the command spends time (css::io::check_outputs): not a device,
// a directory, in a missing folder, given twice, or one of `inputs`. The error names the flag.
Status check_outputs(std::span<const OutputArg> outputs,
                     std::span<const std::filesystem::path> inputs);
// The files a dataset argument X.npy stands for: X.npy, X.labels.npy, X.json, X.index.json
// (whichever layout it is), so that no output overwrites any of them; none for an empty path.
std::vector<std::filesystem::path> dataset_files(const std::filesystem::path& npy);

// A short flag that stands for a setting (--epochs for train.epochs). Its text goes through
// the setting's own parser and range check, so `--epochs 0` fails as `--set train.epochs=0`
// does; the error names the flag the user typed.
struct FlagAlias {
  const char* flag;
  const char* setting;
};
// Sets every alias that has a value (values[i] belongs to aliases[i]), in order.
Status apply_aliases(Config& cfg, std::span<const FlagAlias> aliases,
                     std::span<const std::optional<std::string>> values);

// A flag's help from the setting it stands for, so `--help` and `citysafe config` agree:
// "DOC (NAME, default VALUE UNIT)"; the setting name alone if no table declares it.
std::string setting_help(std::span<const SettingsTable> tables, std::string_view setting);

// A library error about a field ("duration_s: …", "heldout.devices: …") retold with the flag
// that set it: "--duration (duration_s): …". `flags` pairs each flag with the field (or
// setting, whose part after the first '.' may be the field) it stands for.
Error name_flag(Error error, std::span<const FlagAlias> flags);

// The command a subcommand runs once CLI11 has parsed its options.
using Runner = std::function<int()>;

void add_generate(CLI::App& root, Runner& run);
void add_dataset(CLI::App& root, Runner& run);
void add_model(CLI::App& root, Runner& run);
void add_infer(CLI::App& root, Runner& run);
void add_train(CLI::App& root, Runner& run);
void add_export(CLI::App& root, Runner& run);
void add_eval(CLI::App& root, Runner& run);
void add_config(CLI::App& root, Runner& run);
void add_detect(CLI::App& root, Runner& run);
void add_model_sign(CLI::App& model, Runner& run);  // under `model`: keygen, sign, verify
void add_watchdog(CLI::App& root, Runner& run);
void add_edge(CLI::App& root, Runner& run);
void add_store(CLI::App& root, Runner& run);
void add_simulate_city(CLI::App& root,
                       Runner& run);  // geo: simulate-city, hotspots, flows, import-events
void add_hotspots(CLI::App& root, Runner& run);
void add_flows(CLI::App& root, Runner& run);
void add_import_events(CLI::App& root, Runner& run);
void add_power(CLI::App& root, Runner& run);
void add_plot(CLI::App& root, Runner& run);  // plot KIND and figures
void add_checklist(CLI::App& root, Runner& run);
void add_whitepaper(CLI::App& root, Runner& run);
void add_serve(CLI::App& root, Runner& run);
void add_token(CLI::App& root, Runner& run);
void add_ingest(CLI::App& root, Runner& run);
void add_demo(CLI::App& root, Runner& run);  // the whole city end to end (child processes)
// Install a signed release bundle, roll back (built when css::bundle is: CSS_HAVE_UPDATE).
void add_update(CLI::App& root, Runner& run);

// Long-running commands (edge, watchdog, ingest): SIGINT/SIGTERM set stop_flag() (no SA_RESTART, so
// a blocked read returns EINTR) and SIGHUP sets reload_flag(). Installed once per process.
struct SignalFlags {
  std::atomic<bool>& stop;
  std::atomic<bool>& reload;
};
SignalFlags install_signal_flags();

}  // namespace css::cli

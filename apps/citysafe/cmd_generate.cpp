// citysafe generate: synthetic IMU x GNSS x acoustic recordings to a dataset.
// Settings come from the sim settings table (css/sim/settings.hpp): a TOML
// file (--config), then --set name=value, then the short flags below.
#include <CLI/CLI.hpp>
#include <array>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli_support.hpp"
#include "css/core/config.hpp"
#include "css/core/memory.hpp"
#include "css/core/sensor_frame.hpp"
#include "css/data/csv.hpp"
#include "css/data/dataset.hpp"
#include "css/data/stats.hpp"
#include "css/sim/generator.hpp"
#include "css/sim/settings.hpp"

namespace css::cli {
namespace {

// Short flags that stand for a setting; their help is the setting's own doc.
constexpr std::array kAliases = {
    FlagAlias{"--duration", "sim.duration_s"},
    FlagAlias{"--scenario", "sim.scenario"},
    FlagAlias{"--seed", "sim.seed"},
    FlagAlias{"--devices", "sim.devices"},
    FlagAlias{"--origin-lat", "sim.origin_lat"},
    FlagAlias{"--origin-lon", "sim.origin_lon"},
};

struct GenerateOptions {
  std::string out = "data/synthetic_sample.npy";
  std::string config_file;
  std::vector<std::string> sets;
  std::array<std::optional<std::string>, kAliases.size()> alias_values;
  bool augment = false;
  bool quiet = false;
};

std::string scenario_list() {
  std::string s;
  for (auto name : sim::scenario_names()) s += (s.empty() ? "" : "|") + std::string(name);
  return s;
}

// Folds the file, --set and flags into one Config, in that order of precedence.
Result<Config> collect_settings(const GenerateOptions& o) {
  Config cfg(sim::sim_settings());
  if (!o.config_file.empty()) {
    if (auto st = cfg.load_toml_file(o.config_file); !st)
      return make_error(st.error().code, "--config: " + st.error().message);
  }
  for (const auto& s : o.sets) {
    if (auto st = cfg.set_assignment(s); !st) return st.error();
  }
  if (auto st = apply_aliases(cfg, kAliases, o.alias_values); !st) return st.error();
  if (o.augment) (void)cfg.set("sim.augment", "true");
  return cfg;
}

Result<sim::GeneratorConfig> to_generator_config(const Config& cfg) {
  sim::GeneratorConfig g;
  const auto& scenario = cfg.get_string("sim.scenario");
  auto parsed = sim::scenario_from_string(scenario);
  if (!parsed)
    return make_error(ErrorCode::kInvalidArgument, "--scenario: unknown scenario '" + scenario +
                                                       "' (expected " + scenario_list() + ")");
  g.scenario = *parsed;
  g.duration_s = cfg.get_double("sim.duration_s");
  g.seed = static_cast<std::uint64_t>(cfg.get_int("sim.seed"));
  g.devices = static_cast<int>(cfg.get_int("sim.devices"));
  g.origin_lat = cfg.get_double("sim.origin_lat");
  g.origin_lon = cfg.get_double("sim.origin_lon");
  g.augment.enabled = cfg.get_bool("sim.augment");
  if (auto st = sim::validate(g); !st) return name_flag(st.error(), kAliases);
  return g;
}

// Memory of the whole run, refused before generating (exit 1 with the figure): the
// recordings (sim::generate checks those alone), then write_dataset's table of doubles and
// its serialised bytes (a .csv's text is about as large).
Status check_run_memory(const sim::GeneratorConfig& cfg) {
  const double frames = sim::frames_per_device(cfg) * cfg.devices;
  const double row_bytes = static_cast<double>(kFrameColumns.size() * sizeof(double) + 1);
  return check_memory(sim::estimate_bytes(cfg) + 2.0 * frames * row_bytes,
                      "generate (" + std::to_string(cfg.devices) + " device(s), " +
                          std::to_string(static_cast<long long>(frames)) + " frames)");
}

// Checked before generating, so bad input costs nothing.
Status check_output_name(const std::filesystem::path& out, int devices) {
  if (out.extension() != ".npy" && out.extension() != ".csv")
    return make_error(
        ErrorCode::kInvalidArgument,
        "--out: '" + out.string() + "' must end in .npy (dataset) or .csv (one recording)");
  if (out.extension() == ".csv" && devices != 1)
    return make_error(
        ErrorCode::kInvalidArgument,
        "--out: a .csv holds one recording; use .npy for " + std::to_string(devices) + " devices");
  return Ok{};
}

// Creates the output's folder if needed; an unwritable place is bad input.
Status make_parent(const std::filesystem::path& out) {
  const auto parent = out.parent_path();
  if (parent.empty()) return Ok{};
  std::error_code ec;
  std::filesystem::create_directories(parent, ec);
  if (ec)
    return make_error(ErrorCode::kInvalidArgument,
                      "--out: cannot create folder '" + parent.string() + "': " + ec.message());
  return Ok{};
}

int run_generate(const GenerateOptions& o) {
  auto settings = collect_settings(o);
  if (!settings) return report(settings.error());
  auto cfg = to_generator_config(*settings);
  if (!cfg) return report(cfg.error());
  const std::filesystem::path out(o.out);
  if (auto st = check_output_name(out, cfg->devices); !st) return report(st.error());
  if (auto st = check_run_memory(*cfg); !st) return report(st.error());
  auto recordings = sim::generate(*cfg);
  if (!recordings) return report(recordings.error());
  if (auto st = make_parent(out); !st) return report(st.error());

  const std::string scenario(sim::scenario_names()[static_cast<std::size_t>(cfg->scenario)]);
  Status written =
      out.extension() == ".csv"
          ? data::write_csv(out, recordings->front())
          : data::write_dataset(
                out, *recordings,
                data::DatasetMeta{cfg->seed, "citysafe generate --scenario " + scenario});
  if (!written) return report(written.error());
  if (!o.quiet) {
    std::cout << "wrote " << o.out << " (" << recordings->size() << " device(s), "
              << cfg->duration_s << " s each, scenario " << scenario << ", seed " << cfg->seed
              << ")\n"
              << data::format_stats(data::compute_stats(*recordings));
  }
  return kExitOk;
}

std::string setting_help(const char* name) {
  Config cfg(sim::sim_settings());
  const auto& spec = cfg.specs()[static_cast<std::size_t>(cfg.find(name))];
  std::string help(spec.doc);
  if (!spec.unit.empty()) help += " [" + std::string(spec.unit) + "]";
  help += " (default " + std::string(spec.default_value) + ")";
  return help;
}

}  // namespace

void add_generate(CLI::App& root, Runner& run) {
  auto opts = std::make_shared<GenerateOptions>();
  auto* cmd = root.add_subcommand(
      "generate",
      "Simulate labelled IMU (50 Hz) x GNSS (1 Hz) x SPL recordings and write a dataset.\n"
      "A .npy output writes three files: X.npy (frames), X.labels.npy (per-sample labels)\n"
      "and X.json (rate, channels, units, seed, scenarios, event onsets).\n"
      "Example: citysafe generate --out data/synthetic_sample.npy --duration 60\n"
      "Scenarios: " +
          scenario_list());
  cmd->add_option("--out", opts->out, "Output file: .npy dataset or .csv (one device)")
      ->capture_default_str();
  for (std::size_t i = 0; i < kAliases.size(); ++i) {
    cmd->add_option(kAliases[i].flag, opts->alias_values[i],
                    std::string(kAliases[i].setting) + ": " + setting_help(kAliases[i].setting));
  }
  cmd->add_flag("--augment", opts->augment, "sim.augment: " + setting_help("sim.augment"));
  cmd->add_option("--config", opts->config_file,
                  "TOML file of sim.* settings (see docs/configuration.md)");
  cmd->add_option("--set", opts->sets, "Override a setting: --set sim.seed=7 (repeatable)");
  cmd->add_flag("-q,--quiet", opts->quiet, "Print nothing on success");
  cmd->callback([opts, &run] { run = [opts] { return run_generate(*opts); }; });
}

}  // namespace css::cli

// citysafe config: every setting of every library (name, type, default, unit, range, doc).
// This file is where the app assembles the tables each library declares once;
// `config --markdown` is docs/configuration.md verbatim.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "cli_support.hpp"
#include "css/api/settings.hpp"
#include "css/core/file_io.hpp"
#include "css/core/settings.hpp"
#include "css/edge/settings.hpp"
#include "css/geo/settings.hpp"
#include "css/ingest/settings.hpp"
#include "css/node/settings.hpp"
#include "css/sim/settings.hpp"
#include "css/store/settings.hpp"
#include "css/train/train_config.hpp"

namespace css::cli {
namespace {

std::vector<SettingsTable> all_tables() {
  return {
      {"sim", "src/sim/settings.cpp", "`citysafe generate` (--config, --set)", sim::sim_settings()},
      {"train", "src/train/train_config.cpp", "`citysafe train` (--config, its flags)",
       train::train_settings()},
      {"detector", "src/edge/settings.cpp",
       "`citysafe detect` (--config, --set); `citysafe eval` sets the same fields with --enter, "
       "--exit, --smoothing-ms, --min-duration-ms and --cooldown-s",
       edge::detector_settings()},
      {"edge", "src/node/settings.cpp", "`citysafe edge` (--config, --set, its flags)",
       node::edge_settings()},
      {"store", "src/store/settings.cpp",
       "`citysafe store` (--config, --set, --store); the server commands that open a store",
       store::store_settings()},
      {"api", "src/api/settings.cpp", "`citysafe serve` (--config, --set, its flags)",
       api::api_settings()},
      {"ingest", "src/ingest/settings.cpp", "`citysafe ingest` (--config, --set, its flags)",
       ingest::ingest_settings()},
      {"geo", "src/geo/settings.cpp",
       "`citysafe hotspots`, `citysafe flows` (--config, --set, their flags)", geo::geo_settings()},
  };
}

struct ConfigOptions {
  bool list = false;
  bool markdown = false;
};

int run_config(const ConfigOptions& o) {
  const auto tables = all_tables();
  std::cout << (o.markdown ? settings_markdown(tables) : settings_list(tables));
  if (auto st = io::flush_stdout(); !st) return report(st.error());
  return kExitOk;
}

}  // namespace

void add_config(CLI::App& root, Runner& run) {
  auto o = std::make_shared<ConfigOptions>();
  auto* cmd = root.add_subcommand(
      "config",
      "Every setting of every library: name, type, default, unit, range and description.\n"
      "Examples: citysafe config --list\n"
      "          citysafe config --markdown > docs/configuration.md");
  auto* list = cmd->add_flag("--list", o->list, "Aligned text, one table per library (default)");
  cmd->add_flag("--markdown", o->markdown, "The whole of docs/configuration.md")->excludes(list);
  cmd->callback([o, &run] { run = [o] { return run_config(*o); }; });
}

}  // namespace css::cli

// Settings tables, assembled: every library declares its own table once (sim::sim_settings in
// src/sim/settings.cpp, train::train_settings in src/train/train_config.cpp,
// edge::detector_settings in src/edge/settings.cpp); the app gathers them into a list of
// SettingsTable (apps/citysafe/cmd_config.cpp) and renders it here: `citysafe config --list`
// (text) and `citysafe config --markdown`, which is docs/configuration.md verbatim (a test
// keeps the file equal to the output).
//
// Adding a library's settings: declare its table in that library (names "<lib>.*"), add it
// to the app's list, run `citysafe config --markdown > docs/configuration.md`.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "css/core/config.hpp"

namespace css {

struct SettingsTable {
  std::string_view library;  // "sim": the library that declares and reads the table
  std::string_view source;   // "src/sim/settings.cpp": where the declaration lives
  std::string_view readers;  // who reads it, e.g. "`citysafe generate` (--config, --set)"
  std::span<const SettingSpec> specs;
};

// Every table's specs in order. A name declared twice is a bug: std::logic_error.
std::vector<SettingSpec> concat_settings(std::span<const SettingsTable> tables);

// Plain text for people: per table, its library and source, then Config::describe().
std::string settings_list(std::span<const SettingsTable> tables);

// The whole of docs/configuration.md: how settings are read (TOML, --set), then one Markdown
// table per library (Config::to_markdown()).
std::string settings_markdown(std::span<const SettingsTable> tables);

}  // namespace css

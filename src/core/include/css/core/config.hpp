// Config: typed settings declared once in a table of SettingSpec (name, type,
// default, unit, doc, range) that drives parsing, `--help`-style listings and
// docs/configuration.md (DuckDB style). Values come from TOML files (nested
// tables map to dotted names) and `--set name=value` strings; later sources
// override earlier ones. A load that fails changes nothing.
//
// User input never throws: load/set return a Status naming the source, line,
// setting and what was expected. Asking a getter for a name the table does
// not declare, or with the wrong type, is a programming bug: std::logic_error.
//
// Ownership: Config copies the specs; their string_views must outlive it
// (tables are static arrays in practice, see settings.hpp).
#pragma once

#include <cstdint>
#include <filesystem>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "css/core/result.hpp"

namespace css {

enum class SettingType { kBool, kInt, kDouble, kString };

std::string_view to_string(SettingType type);
// "an integer", "a boolean (true or false)", ... for "expects X" messages.
std::string_view expected_phrase(SettingType type);

struct SettingSpec {
  std::string_view name;  // dotted, e.g. "sim.duration_s"
  SettingType type;
  std::string_view default_value;                         // text, parsed like a --set value
  std::string_view unit;                                  // "s", "deg", ... or "" if dimensionless
  std::string_view doc;                                   // one sentence
  double min = -std::numeric_limits<double>::infinity();  // numeric types only
  double max = std::numeric_limits<double>::infinity();
  bool min_exclusive = false;  // range is (min, max] instead of [min, max]
  bool max_exclusive = false;  // range is [min, max) (or (min, max) with min_exclusive)
};

// "[1, 10000]", "(0, 604800]", "≥ 0" or "" (no bounds) for docs and errors.
std::string describe_range(const SettingSpec& spec);

class Config {
 public:
  using Value = std::variant<bool, std::int64_t, double, std::string>;

  // Throws std::logic_error on a bad table (duplicate name, default that does
  // not parse or is out of range): tables are code, not input.
  explicit Config(std::span<const SettingSpec> specs);

  Status load_toml_file(const std::filesystem::path& path);
  Status load_toml_string(std::string_view text, std::string_view source_name);
  // Parses value per the setting's type: bool true|false, int decimal,
  // double decimal/exponent, string verbatim. Errors name the setting but no
  // flag: a CLI flag mapped onto a setting prefixes its own name.
  Status set(std::string_view name, std::string_view value);
  // Splits "name=value" and calls set(); for CLI --set flags: errors start "--set: ".
  Status set_assignment(std::string_view assignment);

  bool get_bool(std::string_view name) const;
  std::int64_t get_int(std::string_view name) const;
  double get_double(std::string_view name) const;
  const std::string& get_string(std::string_view name) const;
  // True until a TOML file or set() assigns the setting (even to its default).
  bool is_default(std::string_view name) const;

  // Aligned plain-text table (name, type, default, unit, range, doc) for --help.
  std::string describe() const;
  // The same table in Markdown, embedded verbatim in docs/configuration.md.
  std::string to_markdown() const;

  std::span<const SettingSpec> specs() const { return specs_; }

  // Internal to core (used by the TOML reader): assigns an already-typed value,
  // range-checked; `where` prefixes errors ("train.toml:12").
  Status assign(std::string_view where, std::string_view name, Value value);
  // "unknown setting 'x' (did you mean 'y'?)", without a location prefix.
  std::string unknown_setting_message(std::string_view name) const;
  // Index of the setting, or -1.
  int find(std::string_view name) const;

 private:
  struct Slot {
    Value value;
    bool is_default = true;
  };
  const Slot& slot_checked(std::string_view name, SettingType type) const;

  std::vector<SettingSpec> specs_;
  std::vector<Slot> slots_;
};

}  // namespace css

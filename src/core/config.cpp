// Config: the settings table, typed values, --set parsing and the listings
// generated from the table. TOML reading lives in config_toml.cpp so that only
// one translation unit pays for toml++.
#include "css/core/config.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "text_format.hpp"

namespace css {
namespace {

using detail::format_number;
using detail::quote;

std::string_view value_type_name(const Config::Value& v) {
  static constexpr std::array<std::string_view, 4> kNames = {"boolean", "integer", "number",
                                                             "string"};
  return kNames[v.index()];
}

}  // namespace

std::string_view expected_phrase(SettingType type) {
  switch (type) {
    case SettingType::kBool:
      return "a boolean (true or false)";
    case SettingType::kInt:
      return "an integer";
    case SettingType::kDouble:
      return "a number";
    case SettingType::kString:
      return "a string";
  }
  return "a value";
}

namespace {

// Parses the text form shared by defaults and --set; nullopt if it does not fit.
std::optional<Config::Value> parse_value(SettingType type, std::string_view text) {
  const char* first = text.data();
  const char* last = text.data() + text.size();
  switch (type) {
    case SettingType::kBool:
      if (text == "true") return Config::Value{true};
      if (text == "false") return Config::Value{false};
      return std::nullopt;
    case SettingType::kInt: {
      std::int64_t v = 0;
      auto [end, ec] = std::from_chars(first, last, v);
      if (text.empty() || ec != std::errc{} || end != last) return std::nullopt;
      return Config::Value{v};
    }
    case SettingType::kDouble: {
      double v = 0.0;
      auto [end, ec] = std::from_chars(first, last, v);
      if (text.empty() || ec != std::errc{} || end != last || !std::isfinite(v)) {
        return std::nullopt;
      }
      return Config::Value{v};
    }
    case SettingType::kString:
      return Config::Value{std::string(text)};
  }
  return std::nullopt;
}

std::string value_text(const Config::Value& v) {
  if (const bool* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  if (const double* d = std::get_if<double>(&v)) return format_number(*d);
  return std::get<std::string>(v);
}

bool in_range(const SettingSpec& spec, double x) {
  const bool above_min = spec.min_exclusive ? x > spec.min : x >= spec.min;
  const bool below_max = spec.max_exclusive ? x < spec.max : x <= spec.max;
  return std::isfinite(x) && above_min && below_max;
}

// Levenshtein distance, for "did you mean" suggestions.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      const std::size_t substitute = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, substitute});
      diagonal = up;
    }
  }
  return row[b.size()];
}

std::string with_unit(const std::string& text, std::string_view unit) {
  return unit.empty() ? text : text + " " + std::string(unit);
}

}  // namespace

std::string_view to_string(SettingType type) {
  switch (type) {
    case SettingType::kBool:
      return "bool";
    case SettingType::kInt:
      return "int";
    case SettingType::kDouble:
      return "double";
    case SettingType::kString:
      return "string";
  }
  return "?";
}

std::string describe_range(const SettingSpec& spec) {
  const bool has_min = std::isfinite(spec.min);
  const bool has_max = std::isfinite(spec.max);
  // Integer settings read as integers ("[1, 100000]", not "[1, 1e+05]"). An absent bound is
  // infinite: never cast to an integer (undefined behaviour; found by fuzz_config_toml).
  const auto bound = [&spec](double v) {
    if (!std::isfinite(v)) return std::string();
    return spec.type == SettingType::kInt ? std::to_string(static_cast<long long>(v))
                                          : format_number(v);
  };
  const std::string lo = bound(spec.min);
  const std::string hi = bound(spec.max);
  if (has_min && has_max)
    return (spec.min_exclusive ? "(" : "[") + lo + ", " + hi + (spec.max_exclusive ? ")" : "]");
  if (has_min) return (spec.min_exclusive ? "> " : ">= ") + lo;
  if (has_max) return (spec.max_exclusive ? "< " : "<= ") + hi;
  return "";
}

Config::Config(std::span<const SettingSpec> specs) : specs_(specs.begin(), specs.end()) {
  slots_.reserve(specs_.size());
  for (std::size_t i = 0; i < specs_.size(); ++i) {
    const SettingSpec& spec = specs_[i];
    for (std::size_t j = 0; j < i; ++j) {
      if (specs_[j].name == spec.name) {
        throw std::logic_error("settings table declares '" + std::string(spec.name) + "' twice");
      }
    }
    slots_.push_back(Slot{false, true});
    if (!assign("default", spec.name,
                parse_value(spec.type, spec.default_value)
                    .value_or(Value{std::string(spec.default_value)}))) {
      throw std::logic_error("setting '" + std::string(spec.name) + "' has a bad default '" +
                             std::string(spec.default_value) + "'");
    }
    slots_[i].is_default = true;
  }
}

int Config::find(std::string_view name) const {
  for (std::size_t i = 0; i < specs_.size(); ++i) {
    if (specs_[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

std::string Config::unknown_setting_message(std::string_view name) const {
  std::string message = "unknown setting " + quote(name);
  const SettingSpec* best = nullptr;
  std::size_t best_distance = 0;
  for (const SettingSpec& spec : specs_) {
    const std::size_t d = edit_distance(name, spec.name);
    if (best == nullptr || d < best_distance) {
      best = &spec;
      best_distance = d;
    }
  }
  // Close enough to be a typo: a few edits, relative to the name's length.
  if (best != nullptr && best_distance <= std::max<std::size_t>(2, name.size() / 4)) {
    message += " (did you mean '" + std::string(best->name) + "'?)";
  }
  return message;
}

Status Config::assign(std::string_view where, std::string_view name, Value value) {
  const int index = find(name);
  const std::string prefix = where.empty() ? std::string() : std::string(where) + ": ";
  if (index < 0) return make_error(ErrorCode::kNotFound, prefix + unknown_setting_message(name));
  const SettingSpec& spec = specs_[static_cast<std::size_t>(index)];
  if (spec.type == SettingType::kDouble) {
    if (const auto* i = std::get_if<std::int64_t>(&value)) value = static_cast<double>(*i);
  }
  if (value.index() != static_cast<std::size_t>(spec.type)) {
    return make_error(ErrorCode::kInvalidArgument,
                      prefix + "setting '" + std::string(name) + "' expects " +
                          std::string(expected_phrase(spec.type)) + ", got " +
                          std::string(value_type_name(value)));
  }
  double numeric = 0.0;
  if (const auto* i = std::get_if<std::int64_t>(&value)) numeric = static_cast<double>(*i);
  if (const double* d = std::get_if<double>(&value)) numeric = *d;
  const bool is_numeric = spec.type == SettingType::kInt || spec.type == SettingType::kDouble;
  if (is_numeric && !in_range(spec, numeric)) {
    const std::string range = describe_range(spec);
    return make_error(ErrorCode::kInvalidArgument,
                      prefix + "setting '" + std::string(name) +
                          "' = " + with_unit(value_text(value), spec.unit) +
                          (range.empty() ? std::string(" is not finite")
                                         : " is outside " + with_unit(range, spec.unit)));
  }
  slots_[static_cast<std::size_t>(index)] = Slot{std::move(value), false};
  return Ok{};
}

Status Config::set(std::string_view name, std::string_view value) {
  const int index = find(name);
  if (index < 0) return make_error(ErrorCode::kNotFound, unknown_setting_message(name));
  const SettingSpec& spec = specs_[static_cast<std::size_t>(index)];
  auto parsed = parse_value(spec.type, value);
  if (!parsed) {
    return make_error(ErrorCode::kInvalidArgument, "setting '" + std::string(name) + "' expects " +
                                                       std::string(expected_phrase(spec.type)) +
                                                       ", got " + quote(value));
  }
  return assign("", name, std::move(*parsed));
}

Status Config::set_assignment(std::string_view assignment) {
  const auto eq = assignment.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    return make_error(ErrorCode::kInvalidArgument,
                      "--set: expected name=value, got " + quote(assignment));
  }
  if (auto st = set(assignment.substr(0, eq), assignment.substr(eq + 1)); !st)
    return make_error(st.error().code, "--set: " + st.error().message);
  return Ok{};
}

const Config::Slot& Config::slot_checked(std::string_view name, SettingType type) const {
  const int index = find(name);
  if (index < 0) throw std::logic_error("Config: no setting '" + std::string(name) + "' declared");
  const SettingSpec& spec = specs_[static_cast<std::size_t>(index)];
  if (spec.type != type) {
    throw std::logic_error("Config: setting '" + std::string(name) + "' is " +
                           std::string(to_string(spec.type)) + ", read as " +
                           std::string(to_string(type)));
  }
  return slots_[static_cast<std::size_t>(index)];
}

bool Config::get_bool(std::string_view name) const {
  return std::get<bool>(slot_checked(name, SettingType::kBool).value);
}
std::int64_t Config::get_int(std::string_view name) const {
  return std::get<std::int64_t>(slot_checked(name, SettingType::kInt).value);
}
double Config::get_double(std::string_view name) const {
  return std::get<double>(slot_checked(name, SettingType::kDouble).value);
}
const std::string& Config::get_string(std::string_view name) const {
  return std::get<std::string>(slot_checked(name, SettingType::kString).value);
}

bool Config::is_default(std::string_view name) const {
  const int index = find(name);
  if (index < 0) throw std::logic_error("Config: no setting '" + std::string(name) + "' declared");
  return slots_[static_cast<std::size_t>(index)].is_default;
}

std::string Config::describe() const {
  const std::vector<std::string> header = {"setting", "type",  "default",
                                           "unit",    "range", "description"};
  std::vector<std::vector<std::string>> rows = {header};
  for (const SettingSpec& s : specs_) {
    rows.push_back({std::string(s.name), std::string(to_string(s.type)),
                    std::string(s.default_value), std::string(s.unit), describe_range(s),
                    std::string(s.doc)});
  }
  std::vector<std::size_t> width(header.size(), 0);
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  std::ostringstream out;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      line += row[c];
      if (c + 1 < row.size()) line += std::string(width[c] - row[c].size() + 2, ' ');
    }
    out << line << '\n';
  }
  return out.str();
}

std::string Config::to_markdown() const {
  auto cell = [](std::string_view text) {
    std::string out;
    for (char c : text) out += c == '|' ? std::string("\\|") : std::string(1, c);
    return out;
  };
  auto code = [&](std::string_view text) { return "`" + cell(text) + "`"; };
  std::ostringstream out;
  out << "| Setting | Type | Default | Unit | Range | Description |\n";
  out << "|---|---|---|---|---|---|\n";
  for (const SettingSpec& s : specs_) {
    out << "| " << code(s.name) << " | " << to_string(s.type) << " | " << code(s.default_value)
        << " | " << cell(s.unit) << " | " << cell(describe_range(s)) << " | " << cell(s.doc)
        << " |\n";
  }
  return out.str();
}

}  // namespace css
